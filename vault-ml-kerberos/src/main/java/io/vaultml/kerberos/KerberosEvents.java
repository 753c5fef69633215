package io.vaultml.kerberos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
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
    /** Vault object keys are paths such as {@code user/1630567591_..._769.mp4}; they fit in an HTTP header. */
    static final int MAX_KEY_LENGTH = 1024;

    private KerberosEvents() {
    }

    /** The most events one message may carry when the caller does not say: one delivery is one unit of work. */
    public static final int DEFAULT_MAX_EVENTS = 100;

    /**
     * One element of a message: an event, or why that element is not one. An array's valid elements are
     * processed even when a sibling is invalid.
     *
     * @param index the element's position (0 for a single object)
     * @param event the event, or null when {@code error} is set
     * @param error why the element is not an event, or null
     */
    public record Parsed(int index, RecordingEvent event, UnprocessableInputException error) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Parses a message body into one event per JSON object.
     *
     * @throws UnprocessableInputException on the first element that is not a valid event
     */
    public static List<RecordingEvent> parse(byte[] body) {
        List<RecordingEvent> events = new ArrayList<>();
        for (Parsed p : parseEach(body, Integer.MAX_VALUE)) {
            if (!p.ok()) {
                throw p.error();
            }
            events.add(p.event());
        }
        return events;
    }

    /**
     * Parses a message body into one outcome per element: an object is one element, an array one per item.
     *
     * @param maxEvents the most elements a message may have
     * @throws UnprocessableInputException when the message as a whole is unusable: empty, not JSON, nested deeper
     *     than {@value KerberosJson#MAX_DEPTH} levels, neither an object nor an array, an empty array, or an array
     *     longer than {@code maxEvents}
     */
    public static List<Parsed> parseEach(byte[] body, int maxEvents) {
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new UnprocessableInputException(STAGE, "Event is empty: expected a JSON object with payload.key");
        }
        JsonNode root;
        try {
            root = KerberosJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UnprocessableInputException(STAGE, "Event is not valid JSON: " + describe(e));
        } catch (IOException e) {
            throw new UnprocessableInputException(STAGE, "Event could not be read: " + e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            // Jackson lets some value errors through unwrapped (a number whose exponent BigDecimal cannot hold).
            throw new UnprocessableInputException(STAGE, "Event is not valid JSON: a value cannot be represented ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (root.isObject()) {
            return List.of(parseElement((ObjectNode) root, 0, ""));
        }
        if (root.isArray()) {
            if (root.isEmpty()) {
                throw new UnprocessableInputException(STAGE, "Event array is empty: expected at least one event");
            }
            if (root.size() > maxEvents) {
                throw new UnprocessableInputException(STAGE, "Event array has " + root.size()
                        + " elements, more than the " + maxEvents + " one message may carry (MAX_EVENTS_PER_MESSAGE)");
            }
            List<Parsed> events = new ArrayList<>(root.size());
            for (int i = 0; i < root.size(); i++) {
                JsonNode element = root.get(i);
                if (!element.isObject()) {
                    events.add(new Parsed(i, null, new UnprocessableInputException(STAGE,
                            "Event array element [" + i + "] must be a JSON object, got " + kind(element))));
                } else {
                    events.add(parseElement((ObjectNode) element, i, "[" + i + "]"));
                }
            }
            return events;
        }
        throw new UnprocessableInputException(STAGE,
                "Event must be a JSON object or an array of objects, got " + kind(root));
    }

    private static Parsed parseElement(ObjectNode node, int index, String where) {
        try {
            return new Parsed(index, toEvent(node, where), null);
        } catch (UnprocessableInputException e) {
            return new Parsed(index, null, e);
        }
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
        if (key.length() > MAX_KEY_LENGTH || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new UnprocessableInputException(STAGE, "Event" + where + " payload.key must be at most "
                    + MAX_KEY_LENGTH + " characters without control characters (a Vault object key)");
        }
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

    /**
     * What is wrong and where, never what was there: Jackson's own messages quote the offending token, which may
     * be an unquoted secret.
     */
    static String describe(JsonProcessingException e) {
        String what;
        if (e instanceof StreamConstraintsException) {
            what = "it exceeds a parser limit (nesting deeper than " + KerberosJson.MAX_DEPTH
                    + " levels, or an overly long string or number)";
        } else if (e instanceof JsonEOFException) {
            what = "it ends early";
        } else {
            String message = String.valueOf(e.getOriginalMessage());
            int cut = message.length();
            for (char c : new char[] {'\'', '"', '(', ':', '`', '\n'}) {
                int at = message.indexOf(c);
                if (at >= 0 && at < cut) {
                    cut = at;
                }
            }
            what = message.substring(0, Math.min(cut, 80)).trim();
            if (what.isEmpty()) {
                what = "malformed input";
            }
            what = what.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + what.substring(1);
        }
        var loc = e.getLocation();
        return loc == null ? what : what + " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
}
