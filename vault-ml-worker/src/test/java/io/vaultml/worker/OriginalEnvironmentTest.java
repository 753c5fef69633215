package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.kafka.KafkaSettings;
import io.vaultml.kerberos.http.KerberosHttpConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The env block of the original kerberos-io/vault-ml README configures this worker unchanged. */
class OriginalEnvironmentTest {
    /** The original worker's environment block, with its README's example values. */
    static final Map<String, String> ORIGINAL = Map.ofEntries(
            Map.entry("QUEUE_SYSTEM", "KAFKA"), Map.entry("QUEUE_NAME", "kcloud-classify-queue"),
            Map.entry("QUEUE_TARGET", "kcloud-analysis-queue"),
            Map.entry("KAFKA_BROKER", "kafka1.yourdomain.com:9094,kafka2.yourdomain.com:9094"),
            Map.entry("KAFKA_GROUP", "mygroup"), Map.entry("KAFKA_USERNAME", "yourusername"),
            Map.entry("KAFKA_PASSWORD", "yourpassword"), Map.entry("KAFKA_MECHANISM", "PLAIN"),
            Map.entry("KAFKA_SECURITY", "SASL_PLAINTEXT"), Map.entry("VAULT_API_URL", "https://staging.api.vault.xxx.live"),
            Map.entry("VAULT_ACCESS_KEY", "XXX"), Map.entry("VAULT_SECRET_KEY", "XXX"),
            Map.entry("NUMBER_OF_PREDICTIONS", "5"), Map.entry("FORWARDING_MEDIA", "false"),
            Map.entry("FORWARDING_METADATA", "false"), Map.entry("FORWARDING_OBJECT_THRESHOLD", "1"),
            Map.entry("REMOVE_AFTER_PROCESSED", "False"), Map.entry("MOVE_DISTANCE", "100"));

    @Test
    void everyOriginalVariableIsUnderstoodWithItsMeaning() {
        ConfigDef def = WorkerApp.definition(ConfigurationDocTest.shipped());
        ConfigSource env = ConfigSource.of(ORIGINAL);
        Config c = def.parse(env);
        assertTrue(def.unknownNames(env, n -> true).isEmpty(), def.unknownNames(env, n -> true).toString());
        KafkaSettings.requireComplete(c);
        assertEquals("kafka1.yourdomain.com:9094,kafka2.yourdomain.com:9094",
                KafkaSettings.common(c).get("bootstrap.servers"));
        assertEquals("SASL_PLAINTEXT", KafkaSettings.common(c).get("security.protocol"));
        assertEquals("PLAIN", KafkaSettings.common(c).get("sasl.mechanism"));
        assertEquals(5, c.get(io.vaultml.video.VideoConfig.NUMBER_OF_PREDICTIONS));
        assertEquals(100.0, c.get(io.vaultml.tracking.TrackerSettings.MOVE_DISTANCE));
        assertEquals(1, c.get(KerberosHttpConfig.FORWARDING_OBJECT_THRESHOLD));
        assertTrue(WorkerApp.enabledForwarders(c).isEmpty(), "no forwarding or removal asked for");
        assertEquals("VaultEndpoint[https://staging.api.vault.xxx.live, accessKey=[hidden], secretKey=[hidden]]",
                KerberosHttpConfig.vault(c, "test").toString());
        assertTrue(c.describe().contains("KAFKA_PASSWORD=[hidden]"));
    }
}
