package io.vaultml.api;

/**
 * Permanent bad input for one recording: an unparseable event, a 401/404 from Vault, an empty or corrupt video.
 * Retrying cannot help; the event goes to the dead-letter destination with this message as the reason, and is
 * then committed. The message names the recording and the cause.
 *
 * <p>Do not use this for our own bugs (a {@code NullPointerException} is not "bad input"): those must stay
 * visible rather than disappear into a dead-letter queue.
 */
public class UnprocessableInputException extends VaultMlException {
    private static final long serialVersionUID = 1L;
    private final String stage;

    /**
     * @param stage the pipeline stage that rejected the input, e.g. {@code parse}, {@code fetch}, {@code decode}
     * @param message what is wrong, naming the recording
     */
    public UnprocessableInputException(String stage, String message) {
        super(message);
        this.stage = stage;
    }

    public UnprocessableInputException(String stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    /** The pipeline stage that rejected the input ({@code parse}, {@code fetch}, {@code decode}, ...). */
    public String stage() {
        return stage;
    }
}
