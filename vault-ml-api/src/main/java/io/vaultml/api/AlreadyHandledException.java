package io.vaultml.api;

/**
 * The event was already handled by this worker: its result was published and the recording removed from Vault
 * ({@code REMOVE_AFTER_PROCESSED}), and the event came again (a redelivery after a crash or a rebalance). The
 * worker completes it without a second result and without a dead letter.
 */
public class AlreadyHandledException extends VaultMlException {
    private static final long serialVersionUID = 1L;

    public AlreadyHandledException(String message) {
        super(message);
    }
}
