package io.vaultml.kerberos;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.api.VideoInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzzer for the event parser and the result writer: 100,000 generated messages (mutations of real
 * events, random JSON of every shape, deep nesting, extreme numbers and strings, invalid UTF-8). For each, the
 * parser either returns events or throws {@link UnprocessableInputException}, never anything else, within a time
 * bound; every event it returns can be written back in both result formats. The seed is printed, and a failure
 * names the input (base64) so it can be replayed.
 */
class KerberosFuzzTest {
    static final int INPUTS = 100_000;
    static final long SLOWEST_ALLOWED_MS = 2_000;
    static final List<String> SEEDS = List.of(KerberosEventsTest.VAULT_EVENT, KerberosEventsTest.OLD_VAULT_EVENT,
            "{\"source\":\"s3\",\"payload\":{\"key\":\"u/1.mp4\",\"fileSize\":\"42\",\"signedUrl\":\"http://x/y?sig=1\","
                    + "\"metadata\":{\"publickey\":\"P\",\"event-instancename\":\"cam\"}},\"data\":{\"storage_uri\":"
                    + "\"http://v/api\",\"storage_access_key\":\"a\",\"storage_secret\":\"b\"},\"events\":[\"x\"]}",
            "[{\"payload\":{\"key\":\"a\"}},{\"payload\":{\"key\":\"b\",\"metadata\":{\"n\":1.50}}}]");
    static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "false", "-0", "1e999999999",
        "-1E-999999999", "123456789012345678901234567890", "0.930047333240509", "NaN", "Infinity", "\"payload\"", "\"key\"",
        "\"data\"", "\"metadata\"", "\"publickey\"", "\"fileSize\"", "\"storage_uri\"", "\u0000", "\uD800", "é", "\n", " "};

    @Test
    void parserAndWriterOnlyEverRejectWithAnUnprocessableInputException() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("[fuzz] seed %d (replay with -Dfuzz.seed=%d)%n", seed, seed);
        int accepted = 0;
        int rejected = 0;
        int events = 0;
        long slowest = 0;
        long started = System.nanoTime();
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = generate(random);
            long t = System.nanoTime();
            try {
                for (KerberosEvents.Parsed p : KerberosEvents.parseEach(input, 100)) {
                    if (p.ok()) {
                        events++;
                        write(p.event());
                    } else {
                        rejected++;
                    }
                }
                accepted++;
            } catch (UnprocessableInputException e) {
                rejected++;
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            } catch (Throwable e) {
                fail("input " + i + " (seed " + seed + ") threw " + e + "; base64: "
                        + Base64.getEncoder().encodeToString(input), e);
            }
            long ms = (System.nanoTime() - t) / 1_000_000;
            slowest = Math.max(slowest, ms);
            if (ms > SLOWEST_ALLOWED_MS) {
                fail("input " + i + " took " + ms + " ms; base64: " + Base64.getEncoder().encodeToString(input));
            }
        }
        System.out.printf("[fuzz] %d inputs in %d ms: %d parsed (%d events written in both formats), %d rejections, "
                + "slowest %d ms%n", INPUTS, (System.nanoTime() - started) / 1_000_000, accepted, events, rejected, slowest);
        assertTrue(accepted > INPUTS / 50, "the generator must also produce valid events, not only garbage");
    }

    static final VideoInfo VIDEO = new VideoInfo(640, 360, 25, 100, 4_000_000, "h264");
    static final DetectorInfo DETECTOR = new DetectorInfo("fuzz", "fuzz.onnx", "cpu");

    static void write(RecordingEvent event) {
        Detection person = new Detection("person", 0, 0.9f, new BoundingBox(1, 2, 30, 40));
        Track track = new Track(1, "person", List.of(new TrackPoint(0, 0, "person", 0.9f, person.box()),
                new TrackPoint(10, 400_000, "person", 0.8f, new BoundingBox(50, 2, 80, 40))), 49, 49, true);
        AnalysisResult result = new AnalysisResult(event, VIDEO, List.of(new FrameDetections(0, 0, List.of(person)),
                new FrameDetections(10, 400_000, List.of(person))), List.of(track), true, DETECTOR, Duration.ZERO);
        for (ResultFormat format : ResultFormat.values()) {
            byte[] json = KerberosResults.toJson(result, format);
            KerberosResults.withoutCredentials(json, false);
        }
    }

    static byte[] generate(Random r) {
        return switch (r.nextInt(6)) {
            case 0, 1 -> mutate(SEEDS.get(r.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8), r);
            case 2 -> randomJson(r, 0).getBytes(StandardCharsets.UTF_8);
            case 3 -> tokens(r).getBytes(StandardCharsets.UTF_8);
            case 4 -> deep(r).getBytes(StandardCharsets.UTF_8);
            default -> validEvent(r).getBytes(StandardCharsets.UTF_8);
        };
    }

    static byte[] mutate(byte[] seed, Random r) {
        byte[] out = seed.clone();
        int edits = 1 + r.nextInt(8);
        for (int e = 0; e < edits && out.length > 0; e++) {
            int at = r.nextInt(out.length);
            switch (r.nextInt(4)) {
                case 0 -> out[at] = (byte) r.nextInt(256);
                case 1 -> out = splice(out, at, TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 2 -> out = java.util.Arrays.copyOf(out, at); // truncate
                default -> out = splice(out, at, java.util.Arrays.copyOfRange(out, r.nextInt(out.length), out.length));
            }
        }
        return out;
    }

    static byte[] splice(byte[] in, int at, byte[] insert) {
        byte[] out = new byte[in.length + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at, out, at + insert.length, in.length - at);
        return out;
    }

    static String tokens(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(60);
        for (int i = 0; i < n; i++) {
            b.append(TOKENS[r.nextInt(TOKENS.length)]);
        }
        return b.toString();
    }

    static String deep(Random r) {
        int depth = 1 + r.nextInt(r.nextBoolean() ? 100 : 30_000);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String inner = r.nextBoolean() ? "{\"payload\":{\"key\":\"k\"}}" : "1";
        return "{\"payload\":{\"key\":\"k\"},\"x\":" + open.repeat(depth) + inner + close.repeat(depth) + "}";
    }

    static String randomJson(Random r, int depth) {
        int kind = depth > 6 ? 3 + r.nextInt(4) : r.nextInt(7);
        return switch (kind) {
            case 0 -> {
                StringBuilder b = new StringBuilder("{");
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append('"').append(pick(r, "payload", "key", "data", "metadata",
                            "fileSize", "source", "storage_uri", "publickey", "x")).append("\":").append(randomJson(r, depth + 1));
                }
                yield b.append('}').toString();
            }
            case 1 -> {
                StringBuilder b = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append(randomJson(r, depth + 1));
                }
                yield b.append(']').toString();
            }
            case 2 -> "{\"payload\":" + randomJson(r, depth + 1) + "}";
            case 3 -> '"' + randomString(r) + '"';
            case 4 -> pick(r, "0", "-1", "1.50", "1e308", "1e999999999", "-1E-999999999", "12345678901234567890123",
                    "9223372036854775807", "9223372036854775808", "0.1");
            case 5 -> pick(r, "true", "false", "null");
            default -> "\"" + "x".repeat(r.nextInt(3) == 0 ? 100_000 : 10) + "\"";
        };
    }

    static String randomString(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            b.append(pick(r, "a", "/", " ", "é", "\\n", "\\u0000", "\\ud800", "\\\"", "\\\\", "http://h/p?s=1", "file:/x"));
        }
        return b.toString();
    }

    static String validEvent(Random r) {
        return "{\"source\":\"" + randomString(r) + "\",\"payload\":{\"key\":\"u/" + r.nextInt(1000) + "-" + randomString(r)
                + ".mp4\",\"fileSize\":" + pick(r, "1", "\"7\"", "null", "1.0", "0") + ",\"metadata\":{\"publickey\":\""
                + randomString(r) + "\",\"n\":" + pick(r, "1", "1.50", "true", "null", "\"s\"") + "}},\"data\":"
                + pick(r, "null", "{}", "{\"storage_uri\":\"http://v/api\",\"storage_secret\":\"s\"}",
                "{\"probabilities\":[[1]],\"keep\":1}") + ",\"extra\":" + randomJson(r, 3) + "}";
    }

    static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }
}
