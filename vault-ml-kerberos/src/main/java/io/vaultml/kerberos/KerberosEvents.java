package io.vaultml.kerberos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Secret;
import io.vaultml.api.StorageOverride;
import io.vaultml.api.UnprocessableInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Kerberos Vault events (docs: kerberos-protocol §2). The body is one JSON object or an array of them;
 * every field is optional except {@code payload.key}, which names the recording; unknown fields are kept in
 * {@link RecordingEvent#rawJson()}. Metadata values are strings on the wire; other scalars are accepted as
 * their text.
 *
 * <p>Any problem is an {@link UnprocessableInputException} with stage {@code parse} whose message says what is
 * wrong and where, names the recording when its key is known, and never quotes the body.
 */
public final class KerberosEvents {
    static final String STAGE = "parse";

    private KerberosEvents() {
    }

    /** Parses a message body into one event per JSON object. */
    public static List<RecordingEvent> parse(byte[] body) {
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new UnprocessableInputException(STAGE, "Event is empty: expected a JSON object with payload.key");
        }
        JsonNode root;
        try {
            root = KerberosJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UnprocessableInputException(STAGE, "Event is not valid JSON: " + describe(e), e);
        } catch (IOException e) {
            throw new UnprocessableInputException(STAGE, "Event could not be read: " + e.getMessage(), e);
        }
        if (root.isObject()) {
            return List.of(toEvent((ObjectNode) root, ""));
        }
        if (root.isArray()) {
            if (root.isEmpty()) {
                throw new UnprocessableInputException(STAGE, "Event array is empty: expected at least one event");
            }
            List<RecordingEvent> events = new ArrayList<>(root.size());
            for (int i = 0; i < root.size(); i++) {
                JsonNode element = root.get(i);
                if (!element.isObject()) {
                    throw new UnprocessableInputException(STAGE,
                            "Event array element [" + i + "] must be a JSON object, got " + kind(element));
                }
                events.add(toEvent((ObjectNode) element, "[" + i + "]"));
            }
            return events;
        }
        throw new UnprocessableInputException(STAGE,
                "Event must be a JSON object or an array of objects, got " + kind(root));
    }

    private static RecordingEvent toEvent(ObjectNode node, String where) {
        JsonNode payload = node.get("payload");
        if (payload == null || payload.isNull()) {
            throw new UnprocessableInputException(STAGE, "Event" + where + " has no payload (payload.key names the recording)");
        }
        if (!payload.isObject()) {
            throw new UnprocessableInputException(STAGE, "Event" + where + " payload must be an object, got " + kind(payload));
        }
        JsonNode keyNode = payload.get("key");
        if (keyNode == null || keyNode.isNull()) {
            throw new UnprocessableInputException(STAGE, "Event" + where + " has no payload.key (the recording to analyse)");
        }
        if (!keyNode.isTextual() || keyNode.asText().isBlank()) {
            throw new UnprocessableInputException(STAGE,
                    "Event" + where + " payload.key must be a non-empty string, got " + kind(keyNode));
        }
        String key = keyNode.asText();
        String context = "Event" + where + " for recording " + key;

        String source = optionalText(node, "source", context);
        long fileSize = fileSize(payload.get("fileSize"), context);
        String signedUrl = optionalText(payload, "signedUrl", context);

        Map<String, String> metadata = new LinkedHashMap<>();
        Secret publicKey = null;
        JsonNode meta = payload.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new UnprocessableInputException(STAGE, context + ": payload.metadata must be an object, got " + kind(meta));
            }
            for (Map.Entry<String, JsonNode> field : meta.properties()) {
                JsonNode v = field.getValue();
                if (v.isNull()) {
                    continue;
                }
                if (!v.isValueNode()) {
                    throw new UnprocessableInputException(STAGE,
                            context + ": payload.metadata." + field.getKey() + " must be a string, got " + kind(v));
                }
                if (field.getKey().equals("publickey")) {
                    publicKey = v.asText().isEmpty() ? null : Secret.of(v.asText());
                } else {
                    metadata.put(field.getKey(), v.asText());
                }
            }
        }

        StorageOverride override = StorageOverride.NONE;
        JsonNode data = node.get("data");
        if (data != null && !data.isNull()) {
            if (!data.isObject()) {
                throw new UnprocessableInputException(STAGE, context + ": data must be an object, got " + kind(data));
            }
            String secret = optionalText(data, "storage_secret", context);
            override = new StorageOverride(optionalText(data, "storage_uri", context),
                    optionalText(data, "storage_access_key", context), secret == null ? null : Secret.of(secret));
        }
        String raw;
        try {
            raw = KerberosJson.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree must serialise", e);
        }
        return new RecordingEvent(key, source == null ? "" : source, fileSize, metadata, publicKey, signedUrl,
                override, raw);
    }

    private static String optionalText(JsonNode parent, String field, String context) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new UnprocessableInputException(STAGE, context + ": " + field + " must be a string, got " + kind(v));
        }
        return v.asText();
    }

    private static long fileSize(JsonNode v, String context) {
        if (v == null || v.isNull()) {
            return -1;
        }
        if (v.canConvertToExactIntegral() && v.canConvertToLong() && v.asLong() >= 0) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().matches("\\d{1,18}")) {
            return Long.parseLong(v.asText());
        }
        throw new UnprocessableInputException(STAGE,
                context + ": payload.fileSize must be a non-negative integer, got " + kind(v));
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message.length() > 160) {
            message = message.substring(0, 160) + "...";
        }
        var loc = e.getLocation();
        return loc == null ? message : message + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
