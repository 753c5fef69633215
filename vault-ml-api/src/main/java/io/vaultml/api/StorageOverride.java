package io.vaultml.api;

import java.util.Optional;

/**
 * Per-recording Vault settings carried by Kerberos Hub dispatches in {@code data.storage_uri},
 * {@code data.storage_access_key} and {@code data.storage_secret}. They apply to the one event that carries
 * them; each absent (or empty) field falls back to the worker's configured value.
 *
 * @param uri Vault API base URL, or null
 * @param accessKey account access key, or null
 * @param secretKey account secret, or null
 */
public record StorageOverride(String uri, String accessKey, Secret secretKey) {

    public static final StorageOverride NONE = new StorageOverride(null, null, null);

    public StorageOverride {
        uri = blankToNull(uri);
        accessKey = blankToNull(accessKey);
        secretKey = secretKey == null || secretKey.isEmpty() ? null : secretKey;
    }

    public Optional<String> uriOverride() {
        return Optional.ofNullable(uri);
    }

    public Optional<String> accessKeyOverride() {
        return Optional.ofNullable(accessKey);
    }

    public Optional<Secret> secretKeyOverride() {
        return Optional.ofNullable(secretKey);
    }

    public boolean isEmpty() {
        return uri == null && accessKey == null && secretKey == null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "StorageOverride[uri=" + uri + ", accessKey=" + (accessKey == null ? null : Secret.MASK)
                + ", secretKey=" + (secretKey == null ? null : Secret.MASK) + "]";
    }
}
