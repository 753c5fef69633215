package io.vaultml.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * One Kerberos Vault event: a recording was stored. The typed fields are the ones the pipeline needs; the
 * complete event as received is kept in {@link #rawJson()} so that results can echo every field we did not
 * add, unknown ones included (a codec such as {@code vault-ml-kerberos} parses and writes it).
 *
 * <p>{@link #toString()} shows neither the raw JSON nor the {@code publickey}, which Kerberos treats as a
 * secret.
 *
 * @param key the object key in Vault ({@code payload.key}), e.g. {@code user/1630567591_..._769.mp4}
 * @param source the Vault provider the file lives on ({@code source}, sent as
 *     {@code X-Kerberos-Storage-Provider}); empty when the event has none
 * @param fileSize {@code payload.fileSize} in bytes, or -1 when absent
 * @param metadata {@code payload.metadata} (values are strings on the wire) without the {@code publickey}
 * @param publicKey {@code payload.metadata.publickey}, or null
 * @param signedUrl {@code payload.signedUrl} (Hub pipeline), or null
 * @param storageOverride per-recording Vault settings from {@code data.storage_*}
 * @param rawJson the event object exactly as parsed, re-serialised
 */
public record RecordingEvent(String key, String source, long fileSize, Map<String, String> metadata,
        Secret publicKey, String signedUrl, StorageOverride storageOverride, String rawJson) {

    public RecordingEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(storageOverride, "storageOverride");
        Objects.requireNonNull(rawJson, "rawJson");
        if (key.isBlank()) {
            throw new IllegalArgumentException("recording key must not be blank");
        }
        if (metadata.containsKey("publickey")) {
            throw new IllegalArgumentException("pass the publickey as publicKey, not in metadata");
        }
        metadata = Map.copyOf(metadata);
    }

    /** A minimal event for a recording key, as used by tests and the local directory mode. */
    public static RecordingEvent ofKey(String key) {
        String escaped = key.replace("\\", "\\\\").replace("\"", "\\\"");
        return new RecordingEvent(key, "", -1, Map.of(), null, null, StorageOverride.NONE,
                "{\"payload\":{\"key\":\"" + escaped + "\"}}");
    }

    public OptionalLong declaredFileSize() {
        return fileSize >= 0 ? OptionalLong.of(fileSize) : OptionalLong.empty();
    }

    public Optional<Secret> hubPublicKey() {
        return Optional.ofNullable(publicKey);
    }

    public Optional<String> signedMediaUrl() {
        return Optional.ofNullable(signedUrl);
    }

    /** The camera name ({@code event-instancename}), or empty. */
    public String cameraName() {
        return metadata.getOrDefault("event-instancename", "");
    }

    /**
     * Which camera recorded this, for its zones and its memory: {@code payload.metadata.event-instancename}; else
     * the camera field of a key in the Agent's format ({@code <seconds>_<x>-<y>_<camera>_<region>_<changes>_
     * <duration>.mp4}, the third field); else the folder the recording is in; else empty.
     */
    public String camera() {
        String name = cameraName().strip();
        if (!name.isEmpty()) {
            return name;
        }
        int slash = key.lastIndexOf('/');
        String file = key.substring(slash + 1);
        String[] fields = file.replaceFirst("\\.[A-Za-z0-9]+$", "").split("_");
        if (fields.length == 6 && !fields[2].isBlank()) {
            return fields[2];
        }
        if (slash > 0) {
            String folder = key.substring(0, slash);
            return folder.substring(folder.lastIndexOf('/') + 1);
        }
        return "";
    }

    @Override
    public String toString() {
        return "RecordingEvent[key=" + key + ", source=" + source + ", fileSize=" + fileSize + ", metadata="
                + new TreeMap<>(metadata) + ", publicKey=" + (publicKey == null ? null : Secret.MASK)
                + ", signedUrl=" + (signedUrl == null ? null : "[present]") + ", " + storageOverride + "]";
    }
}
