package io.vaultml.api;

/**
 * A transient fault (a timeout, a 5xx from Vault, a broker that is not reachable): the same call may succeed
 * later. The worker backs off and retries without committing the event; nothing goes to the dead-letter
 * destination because of this exception alone.
 */
public class RetriableException extends VaultMlException {
    private static final long serialVersionUID = 1L;

    public RetriableException(String message) {
        super(message);
    }

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
