package io.vaultml.kerberos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaultml.api.RecordingEvent;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The Kerberos event of a recording that is a file rather than an object in Vault: what the worker's LOCAL mode
 * makes for each file it finds, what {@code detect} analyses, and the public way for an embedding application to
 * make an event for a file. It has what Vault's event would say about a file of that name: the key, its size, its
 * upload time (the file's modification time), and, for a name in the Agent's format
 * {@code <seconds>_<x>-<y>_<camera>_<region>_<changes>_<duration>.mp4}, the event time and the camera's name
 * ({@code event-instancename}).
 */
public final class FileEvents {
    private FileEvents() {
    }

    /** The event as JSON, as a transport would deliver it. */
    public static byte[] json(String key, long size, Instant modified) {
        ObjectNode event = KerberosJson.MAPPER.createObjectNode();
        long seconds = modified.getEpochSecond();
        event.put("provider", "local").put("source", "local").put("request", "persist");
        ObjectNode payload = event.putObject("payload");
        payload.put("key", key).put("fileSize", size).put("is_fragmented", false);
        ObjectNode metadata = payload.putObject("metadata");
        metadata.put("uploadtime", String.valueOf(seconds)).put("capture", "local");
        String name = Path.of(key).getFileName().toString();
        String[] parts = name.replaceFirst("\\.mp4$", "").split("_");
        if (parts.length == 6) {
            metadata.put("event-timestamp", parts[0]).put("event-instancename", parts[2]);
        }
        event.put("date", seconds);
        try {
            return KerberosJson.MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree must serialise", e);
        }
    }

    /** The event, parsed. */
    public static RecordingEvent of(String key, long size, Instant modified) {
        return KerberosEvents.parse(json(key, size, modified)).get(0);
    }
}
