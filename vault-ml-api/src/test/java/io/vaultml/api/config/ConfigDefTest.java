package io.vaultml.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDefTest {
    static final ConfigKey<Integer> FRAMES = ConfigKey.integer("NUMBER_OF_PREDICTIONS").defaultValue(5)
            .validator(Validators.atLeast(1)).doc("Frames per recording.").build();
    static final ConfigKey<Boolean> REMOVE = ConfigKey.bool("REMOVE_AFTER_PROCESSED").defaultValue(false)
            .doc("Delete after processing.").build();
    static final ConfigKey<Secret> PASSWORD = ConfigKey.secret("KAFKA_PASSWORD").doc("SASL password.").build();
    static final ConfigKey<String> SYSTEM = ConfigKey.string("QUEUE_SYSTEM").defaultValue("LOCAL")
            .validator(Validators.oneOf("LOCAL", "KAFKA", "SQS")).doc("Transport.").group("Queue").build();
    static final ConfigKey<String> URL = ConfigKey.string("VAULT_API_URL").required()
            .validator(Validators.httpUrl()).doc("Vault API base URL.").build();
    static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("SHUTDOWN_TIMEOUT")
            .defaultValue(Duration.ofSeconds(30)).doc("Drain time.").build();
    static final ConfigKey<List<String>> CLASSES = ConfigKey.list("CLASSES").defaultValue(List.of()).doc("").build();
    static final ConfigDef DEF = new ConfigDef().define(FRAMES, REMOVE, PASSWORD, SYSTEM, URL, TIMEOUT, CLASSES);

    @Test
    void parsesTypedValuesAndAppliesDefaults() {
        Config c = DEF.parse(ConfigSource.of(Map.of("VAULT_API_URL", "http://vault/api", "REMOVE_AFTER_PROCESSED",
                "True", "KAFKA_PASSWORD", "s3cret", "SHUTDOWN_TIMEOUT", "45s", "CLASSES", " person, car ,,")));
        assertEquals(5, c.get(FRAMES));
        assertTrue(c.get(REMOVE));
        assertEquals("s3cret", c.get(PASSWORD).reveal());
        assertEquals(Duration.ofSeconds(45), c.get(TIMEOUT));
        assertEquals(List.of("person", "car"), c.get(CLASSES));
        assertTrue(c.isSet(REMOVE));
        assertFalse(c.isSet(FRAMES));
    }

    @Test
    void blankValuesCountAsUnset() {
        // The predecessor crashed on int("") for variables a Dockerfile set to "".
        Config c = DEF.parse(ConfigSource.of(Map.of("VAULT_API_URL", "http://v", "NUMBER_OF_PREDICTIONS", "  ")));
        assertEquals(5, c.get(FRAMES));
        assertTrue(c.find(PASSWORD).isEmpty());
    }

    @Test
    void reportsEveryProblemAtOnceWithoutShowingSecrets() {
        ConfigException e = assertThrows(ConfigException.class, () -> DEF.parse(ConfigSource.of(Map.of(
                "NUMBER_OF_PREDICTIONS", "0", "REMOVE_AFTER_PROCESSED", "yes", "QUEUE_SYSTEM", "RABBIT",
                "SHUTDOWN_TIMEOUT", "soon"))));
        assertEquals(List.of(
                "Invalid value '0' for NUMBER_OF_PREDICTIONS: must be at least 1",
                "Invalid value 'yes' for REMOVE_AFTER_PROCESSED: must be true or false",
                "Invalid value 'RABBIT' for QUEUE_SYSTEM: must be one of LOCAL, KAFKA, SQS",
                "VAULT_API_URL is required: Vault API base URL.",
                "Invalid value 'soon' for SHUTDOWN_TIMEOUT: must be a duration such as 500ms, 30s, 5m or PT30S"),
                e.problems());
        assertTrue(e.getMessage().startsWith("5 configuration problems:"));
    }

    @Test
    void secretValidationFailureDoesNotEchoTheValue() {
        ConfigKey<Secret> key = ConfigKey.secret("HUB_KEY")
                .validator(Validators.describe((Secret s) -> s.reveal().length() < 8 ? "is too short" : null, "8+"))
                .build();
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigDef().define(key).parse(ConfigSource.of(Map.of("HUB_KEY", "abc"))));
        assertEquals("Invalid value [hidden] for HUB_KEY: is too short", e.getMessage());
    }

    @Test
    void describeMasksSecretsAndMarksDefaults() {
        Config c = DEF.parse(ConfigSource.of(Map.of("VAULT_API_URL", "http://v", "KAFKA_PASSWORD", "pw-123")));
        List<String> lines = c.describe();
        assertTrue(lines.contains("KAFKA_PASSWORD=[hidden]"), lines.toString());
        assertTrue(lines.contains("NUMBER_OF_PREDICTIONS=5 (default)"), lines.toString());
        assertTrue(lines.contains("VAULT_API_URL=http://v"), lines.toString());
        assertFalse(c.toString().contains("pw-123"));
    }

    @Test
    void warnsAboutMisspeltNamesWithASuggestion() {
        List<String> warnings = DEF.unknownNames(ConfigSource.of(Map.of("NUMBER_OF_PREDICTION", "3",
                "KAFKA_PASWORD", "x", "HOME", "/root", "KAFKA_TOTALLY_UNRELATED_THING", "1")),
                n -> n.startsWith("KAFKA_") || n.startsWith("NUMBER_"));
        assertEquals(List.of(
                "KAFKA_PASWORD is not a vault-ml setting and is ignored; did you mean KAFKA_PASSWORD?",
                "KAFKA_TOTALLY_UNRELATED_THING is not a vault-ml setting and is ignored",
                "NUMBER_OF_PREDICTION is not a vault-ml setting and is ignored; did you mean NUMBER_OF_PREDICTIONS?"),
                warnings);
    }

    @Test
    void rendersMarkdownReferenceGroupedAndEscaped() {
        String md = DEF.toMarkdown("Configuration", "Generated.");
        assertTrue(md.contains("## General"));
        assertTrue(md.contains("## Queue"));
        assertTrue(md.contains("| `NUMBER_OF_PREDICTIONS` | int | `5` | >= 1 | Frames per recording. |"), md);
        assertTrue(md.contains("| `VAULT_API_URL` | string | **required** | http(s) URL | Vault API base URL. |"), md);
        assertTrue(md.contains("SASL password. Secret: never logged."), md);
    }

    @Test
    void rejectsBadDeclarations() {
        assertThrows(IllegalStateException.class,
                () -> ConfigKey.integer("X").defaultValue(0).validator(Validators.atLeast(1)).build());
        assertThrows(IllegalStateException.class, () -> ConfigKey.integer("X").defaultValue(1).required().build());
        ConfigKey<Integer> other = ConfigKey.integer("NUMBER_OF_PREDICTIONS").build();
        assertThrows(IllegalArgumentException.class, () -> new ConfigDef().define(FRAMES, other));
        Config c = new ConfigDef().define(REMOVE).parse(ConfigSource.of(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> c.get(FRAMES));
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertEquals(Duration.ofMillis(250), ConfigDef.parseDuration("250ms"));
        assertEquals(Duration.ofMinutes(5), ConfigDef.parseDuration("5m"));
        assertEquals(Duration.ofSeconds(90), ConfigDef.parseDuration("PT1M30S"));
        assertEquals(2, ConfigDef.editDistance("KAFKA_GRUP", "KAFKA_GROUPS"));
    }

    @Test
    void aSharedDefinitionIsReadOnlyButCanBeIncluded() {
        ConfigKey<Integer> frames = ConfigKey.integer("FRAMES").defaultValue(5).build();
        ConfigDef shared = new ConfigDef().define(frames).frozen();
        assertThrows(UnsupportedOperationException.class,
                () -> shared.define(ConfigKey.string("OTHER").build()));
        ConfigDef mine = new ConfigDef().include(shared).define(ConfigKey.string("OTHER").build());
        assertEquals(2, mine.keys().size());
        assertEquals(1, shared.keys().size(), "the shared set is unchanged");
    }
}
