package io.vaultml.video;

/** Too many decode errors in a row: keep what was delivered and stop. */
final class StopDecoding extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopDecoding() {
        super(null, null, false, false);
    }
}
