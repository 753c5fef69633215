package io.vaultml.api;

/**
 * Root of the vault-ml exception tree. Messages name the component and the recording they concern and never
 * contain a secret (passwords, keys, the event's {@code publickey}).
 */
public class VaultMlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VaultMlException(String message) {
        super(message);
    }

    public VaultMlException(String message, Throwable cause) {
        super(message, cause);
    }
}
