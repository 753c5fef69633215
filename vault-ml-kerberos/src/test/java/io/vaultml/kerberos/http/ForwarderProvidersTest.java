package io.vaultml.kerberos.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.ForwarderProvider;
import io.vaultml.api.spi.Providers;
import io.vaultml.api.spi.SharedComponents;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Kerberos forwarders are found through ServiceLoader, enabled by their settings, and share one Vault state. */
class ForwarderProvidersTest {

    static Config config(Map<String, String> env) {
        return KerberosHttpConfig.CONFIG.parse(ConfigSource.of(env));
    }

    static List<ForwarderProvider> enabled(Config c) {
        return Providers.load(ForwarderProvider.class).all().stream().filter(p -> p.enabled(c))
                .sorted(Comparator.comparingInt(ForwarderProvider::order)).toList();
    }

    @Test
    void eachSettingEnablesItsForwarderAndTheDeleteRunsLast() {
        assertEquals(List.of(), enabled(config(Map.of())), "the original defaults forward nothing");
        Config all = config(Map.of("FORWARDING_MEDIA", "true", "FORWARDING_METADATA", "true", "REMOVE_AFTER_PROCESSED",
                "true", "WEBHOOK_URL", "https://alerts.example/hook", "HUB_API_URL", "https://hub.example/api",
                "VAULT_API_URL", "http://vault/api", "VAULT_ACCESS_KEY", "a", "VAULT_SECRET_KEY", "b"));
        List<ForwarderProvider> chain = enabled(all);
        assertEquals(List.of("vault-media", "hub-metadata", "webhook", "vault-remove"),
                chain.stream().map(ForwarderProvider::name).toList());
        chain.forEach(p -> assertEquals(List.of(), p.validate(all), p.name()));
        SharedComponents shared = new SharedComponents();
        KerberosHttp http = shared.get(KerberosHttp.class, () -> KerberosHttp.from(all));
        List<String> made = chain.stream().map(p -> p.create(all, shared).describe()).toList();
        assertEquals(4, made.size());
        assertSame(http, shared.get(KerberosHttp.class, () -> KerberosHttp.from(all)), "one Vault state per worker");
    }

    @Test
    void anEnabledForwarderReportsWhatItLacksWithoutIo() {
        Config c = config(Map.of("FORWARDING_METADATA", "true", "REMOVE_AFTER_PROCESSED", "true"));
        List<String> problems = enabled(c).stream().flatMap(p -> p.validate(c).stream()).toList();
        assertEquals(List.of("HUB_API_URL is required for FORWARDING_METADATA",
                "VAULT_API_URL is required for REMOVE_AFTER_PROCESSED",
                "VAULT_ACCESS_KEY is required for REMOVE_AFTER_PROCESSED",
                "VAULT_SECRET_KEY is required for REMOVE_AFTER_PROCESSED"), problems);
        assertTrue(enabled(c).stream().noneMatch(p -> p.name().equals("vault-media")));
    }
}
