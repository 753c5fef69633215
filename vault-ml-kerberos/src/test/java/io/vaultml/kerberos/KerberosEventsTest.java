package io.vaultml.kerberos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.RecordingEvent;
import io.vaultml.api.UnprocessableInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KerberosEventsTest {

    /** An event as Kerberos Vault sends it, verbatim. */
    static final String VAULT_EVENT = """
            {"provider": "kstorage", "source": "storj", "request": "persist",
             "payload": {"is_fragmented": false,
               "metadata": {"productid": "Bfuk14xm40eMSxwEEyrd908yzmDIwKp5", "event-timestamp": "1630567591",
                 "publickey": "ABCDEFGHI!@#$%12345", "event-instancename": "highway4", "capture": "IPCamera",
                 "event-microseconds": "0", "uploadtime": "1630567591", "event-regioncoordinates": "200-200-400-400",
                 "event-token": "0", "event-numberofchanges": "24"},
               "key": "youruser/1630567591_6-967003_highway4_200-200-400-400_24_769.mp4",
               "bytes_range_on_time": null, "fileSize": 6189104, "bytes_ranges": ""},
             "events": ["monitor", "sequence", "analysis", "throttler", "notification"],
             "date": 1630567591}
            """;

    /** The 2020 Vault form (kafka-handler README): no request, is_fragmented or byte ranges. */
    static final String OLD_VAULT_EVENT = """
            {"date": 1605611468, "events": ["monitor", "sequence", "analysis", "throttler", "notification"],
             "payload": {"fileSize": 1138688, "key": "cedricve/1605611462_6-967003_frontdoor_200-200-400-400_24_769.mp4",
               "metadata": {"capture": "IPCamera", "event-instancename": "frontdoor", "event-microseconds": "0",
                 "event-numberofchanges": "24", "event-regioncoordinates": "200-200-400-400",
                 "event-timestamp": "1605611462", "event-token": "0", "productid": "Bfuk14xm40eMSxwEEyrd908yzmDIwKp5",
                 "publickey": "ABCDEFGHI!@#$%12345", "uploadtime": "1605611468"}},
             "provider": "kstorage", "source": "gcp-europe-west1"}
            """;

    /** A Hub dispatch on kcloud-classify-queue.fifo with per-recording storage settings (§2.5). */
    static final String HUB_DISPATCH = """
            {"events": ["analysis"], "provider": "kstorage", "source": "minio", "operation": "",
             "traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "analysisStage": {"asyncOperations": ["classify"]},
             "data": {"storage_uri": "http://vault-lb.kerberos-vault/api", "storage_access_key": "AK-override",
                      "storage_secret": "SK-override"},
             "payload": {"key": "hubuser/1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4",
                         "fileSize": 2240924, "signedUrl": "https://minio/bucket/x.mp4?X-Amz-Signature=abc",
                         "metadata": {"event-instancename": "pedestrians", "duration": "30", "fps": "10"}}}
            """;

    static List<RecordingEvent> parse(String json) {
        return KerberosEvents.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesTheVerbatimVaultEvent() {
        RecordingEvent e = parse(VAULT_EVENT).get(0);
        assertEquals("youruser/1630567591_6-967003_highway4_200-200-400-400_24_769.mp4", e.key());
        assertEquals("storj", e.source());
        assertEquals(6189104, e.fileSize());
        assertEquals("highway4", e.cameraName());
        assertEquals("1630567591", e.metadata().get("event-timestamp"));
        assertEquals("ABCDEFGHI!@#$%12345", e.hubPublicKey().orElseThrow().reveal());
        assertFalse(e.metadata().containsKey("publickey"));
        assertTrue(e.storageOverride().isEmpty());
        assertFalse(e.toString().contains("ABCDEFGHI"));
    }

    @Test
    void parsesTheOldVaultEventWithoutNewerFields() {
        RecordingEvent e = parse(OLD_VAULT_EVENT).get(0);
        assertEquals("gcp-europe-west1", e.source());
        assertEquals(1138688, e.fileSize());
    }

    @Test
    void readsHubStorageOverridesAndSignedUrl() {
        RecordingEvent e = parse(HUB_DISPATCH).get(0);
        assertEquals("http://vault-lb.kerberos-vault/api", e.storageOverride().uri());
        assertEquals("AK-override", e.storageOverride().accessKey());
        assertEquals("SK-override", e.storageOverride().secretKey().reveal());
        assertTrue(e.signedMediaUrl().isPresent());
        String text = e.toString();
        assertFalse(text.contains("SK-override") || text.contains("AK-override") || text.contains("X-Amz"), text);
    }

    @Test
    void acceptsAnArrayOfEvents() {
        List<RecordingEvent> events = parse("[" + VAULT_EVENT + "," + OLD_VAULT_EVENT + "]");
        assertEquals(2, events.size());
        assertEquals("storj", events.get(0).source());
        assertEquals("gcp-europe-west1", events.get(1).source());
    }

    @Test
    void everythingButTheKeyIsOptional() {
        RecordingEvent e = parse("{\"payload\":{\"key\":\"a b/ü/c.mp4\"}}").get(0);
        assertEquals("a b/ü/c.mp4", e.key());
        assertEquals("", e.source());
        assertEquals(-1, e.fileSize());
        assertNull(e.publicKey());
        assertEquals(parse("{\"payload\":{\"key\":\"k\",\"fileSize\":\"42\"}}").get(0).fileSize(), 42);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "empty             | ``                                 | Event is empty: expected a JSON object with payload.key",
        "blank             | `  \n `                            | Event is empty: expected a JSON object with payload.key",
        "number            | 42                                 | Event must be a JSON object or an array of objects, got a number",
        "empty array       | []                                 | Event array is empty: expected at least one event",
        "array of strings  | [\"x\"]                            | Event array element [0] must be a JSON object, got a string",
        "no payload        | {\"source\":\"s\"}                 | Event has no payload (payload.key names the recording)",
        "payload string    | {\"payload\":\"k\"}                | Event payload must be an object, got a string",
        "no key            | {\"payload\":{}}                   | Event has no payload.key (the recording to analyse)",
        "numeric key       | {\"payload\":{\"key\":7}}          | Event payload.key must be a non-empty string, got a number",
        "blank key         | [{\"payload\":{\"key\":\"k\"}},{\"payload\":{\"key\":\" \"}}] | Event[1] payload.key must be a non-empty string, got a string",
        "source number     | {\"source\":1,\"payload\":{\"key\":\"k\"}} | Event for recording k: source must be a string, got a number",
        "fileSize negative | {\"payload\":{\"key\":\"k\",\"fileSize\":-1}} | Event for recording k: payload.fileSize must be a non-negative integer, got a number",
        "fileSize float    | {\"payload\":{\"key\":\"k\",\"fileSize\":1.5}} | Event for recording k: payload.fileSize must be a non-negative integer, got a number",
        "metadata array    | {\"payload\":{\"key\":\"k\",\"metadata\":[]}} | Event for recording k: payload.metadata must be an object, got an array",
        "metadata nested   | {\"payload\":{\"key\":\"k\",\"metadata\":{\"fps\":{}}}} | Event for recording k: payload.metadata.fps must be a string, got an object",
        "data string       | {\"data\":\"x\",\"payload\":{\"key\":\"k\"}} | Event for recording k: data must be an object, got a string",
        "secret number     | {\"data\":{\"storage_secret\":5},\"payload\":{\"key\":\"k\"}} | Event for recording k: storage_secret must be a string, got a number",
    })
    void malformedEventsGiveATypedErrorNamingTheProblem(String name, String body, String expected) {
        UnprocessableInputException e = assertThrows(UnprocessableInputException.class, () -> parse(body));
        assertEquals(expected, e.getMessage());
        assertEquals("parse", e.stage());
    }

    @Test
    void invalidJsonNamesThePositionButNotTheContent() {
        UnprocessableInputException e = assertThrows(UnprocessableInputException.class,
                () -> parse("{\"payload\":{\"key\":\"k\",\"metadata\":{\"publickey\":\"TOPSECRET\"}} trailing"));
        assertTrue(e.getMessage().startsWith("Event is not valid JSON: "), e.getMessage());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());
        UnprocessableInputException truncated = assertThrows(UnprocessableInputException.class,
                () -> parse("{\"payload\":{\"key\":\"k\""));
        assertTrue(truncated.getMessage().startsWith("Event is not valid JSON"), truncated.getMessage());
    }

    @Test
    void anUnquotedSecretNeverReachesTheErrorMessage() {
        for (String body : List.of("{\"data\":{\"storage_secret\": s3cr3t}}", "{\"data\":{\"storage_secret\":s3cr3t",
                "[s3cr3t]", "s3cr3t", "{\"payload\": {\"key\": \"k\"}, s3cr3t: 1}", "{\"a\":1}s3cr3t",
                "{\"a\":tru3s3cr3t}", "{\"a\":\"\\qs3cr3t\"}", "{\"a\":01s3cr3t}")) {
            UnprocessableInputException e = assertThrows(UnprocessableInputException.class, () -> parse(body), body);
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
            assertTrue(e.getMessage().startsWith("Event is not valid JSON: ") && e.getMessage().contains(" at line 1, "),
                    e.getMessage());
            assertNull(e.getCause(), "the parser's exception, which quotes the input, is not kept");
        }
        assertEquals("Event is not valid JSON: unrecognized token at line 1, column 28",
                assertThrows(UnprocessableInputException.class, () -> parse("{\"data\":{\"storage_secret\": s3cr3t}}"))
                        .getMessage());
    }

    @Test
    void deepNestingIsRefusedQuickly() {
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        UnprocessableInputException e = assertThrows(UnprocessableInputException.class, () -> parse(deep));
        assertTrue(e.getMessage().startsWith("Event is not valid JSON: it exceeds a parser limit (nesting deeper than 64"),
                e.getMessage());
        String deepObject = "{\"payload\":{\"key\":\"k\",\"x\":" + "{\"a\":".repeat(20_000) + "1"
                + "}".repeat(20_000) + "}}";
        assertThrows(UnprocessableInputException.class, () -> parse(deepObject));
    }

    @Test
    void eachArrayElementHasItsOwnOutcome() {
        List<KerberosEvents.Parsed> parsed = KerberosEvents.parseEach(("[{\"payload\":{\"key\":\"a\"}},7,"
                + "{\"payload\":{}},{\"payload\":{\"key\":\"d\"}}]").getBytes(StandardCharsets.UTF_8), 10);
        assertEquals(4, parsed.size());
        assertEquals("a", parsed.get(0).event().key());
        assertEquals("Event array element [1] must be a JSON object, got a number", parsed.get(1).error().getMessage());
        assertEquals("Event[2] has no payload.key (the recording to analyse)", parsed.get(2).error().getMessage());
        assertEquals("d", parsed.get(3).event().key());
        UnprocessableInputException tooMany = assertThrows(UnprocessableInputException.class, () -> KerberosEvents
                .parseEach(("[" + "{\"payload\":{\"key\":\"a\"}},".repeat(11) + "{}]").getBytes(StandardCharsets.UTF_8), 10));
        assertEquals("Event array has 12 elements, more than the 10 one message may carry (MAX_EVENTS_PER_MESSAGE)",
                tooMany.getMessage());
    }

    @Test
    void keysThatCannotBeAVaultObjectKeyAreRefused() {
        assertThrows(UnprocessableInputException.class, () -> parse("{\"payload\":{\"key\":\"a\\r\\nX-Evil: 1\"}}"));
        assertThrows(UnprocessableInputException.class, () -> parse("{\"payload\":{\"key\":\"" + "k".repeat(1025) + "\"}}"));
    }

    @Test
    void aNumberNoBigDecimalCanHoldIsABadEventNotACrash() {
        // Found by KerberosFuzzTest: Jackson throws NumberFormatException, not a parse exception, for this.
        UnprocessableInputException e = assertThrows(UnprocessableInputException.class,
                () -> parse("{\"date\": 1605611e9999999991468, \"payload\":{\"key\":\"k\"}}"));
        assertEquals("Event is not valid JSON: a value cannot be represented (NumberFormatException)", e.getMessage());
    }
}
