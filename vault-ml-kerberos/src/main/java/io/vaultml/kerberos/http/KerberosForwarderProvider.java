package io.vaultml.kerberos.http;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Forwarder;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.spi.ForwarderProvider;
import io.vaultml.api.spi.SharedComponents;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The Kerberos forwarders as providers: {@code vault-media} (FORWARDING_MEDIA), {@code hub-metadata}
 * (FORWARDING_METADATA), {@code webhook} (WEBHOOK_URL) and {@code vault-remove} (REMOVE_AFTER_PROCESSED, last).
 * They share one {@link KerberosHttp} per worker through {@link SharedComponents}, so the fetcher, the media
 * forwarder and the delete see the same Vault circuit breakers and the same memory of removed recordings.
 */
public abstract class KerberosForwarderProvider implements ForwarderProvider {
    static final List<KerberosForwarderProvider> ALL = List.of(new Media(), new HubMetadata(), new Webhook(),
            new Remove());

    private final String name;
    private final int order;
    private final Predicate<Config> enabled;
    private final Function<KerberosHttp, Forwarder> make;

    KerberosForwarderProvider(String name, int order, Predicate<Config> enabled, Function<KerberosHttp, Forwarder> make) {
        this.name = name;
        this.order = order;
        this.enabled = enabled;
        this.make = make;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public boolean enabled(Config config) {
        return enabled.test(config);
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().include(KerberosHttpConfig.CONFIG); // a copy: the shared declaration stays as it is
    }

    /** Building the forwarder checks its settings without I/O: the problems it finds are the validation. */
    @Override
    public List<String> validate(Config config) {
        try {
            make.apply(KerberosHttp.from(config)).close();
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    @Override
    public Forwarder create(Config config, SharedComponents shared) {
        return make.apply(shared.get(KerberosHttp.class, () -> KerberosHttp.from(config)));
    }

    /** FORWARDING_MEDIA=true: the recording to the remote Vault. */
    public static final class Media extends KerberosForwarderProvider {
        public Media() {
            super("vault-media", 100, c -> c.get(KerberosHttpConfig.FORWARDING_MEDIA), KerberosHttp::mediaForwarder);
        }
    }

    /** FORWARDING_METADATA=true: the result to Kerberos Hub. */
    public static final class HubMetadata extends KerberosForwarderProvider {
        public HubMetadata() {
            super("hub-metadata", 200, c -> c.get(KerberosHttpConfig.FORWARDING_METADATA), KerberosHttp::hubForwarder);
        }
    }

    /** WEBHOOK_URL set: the result to a webhook. */
    public static final class Webhook extends KerberosForwarderProvider {
        public Webhook() {
            super("webhook", 300, c -> c.find(KerberosHttpConfig.WEBHOOK_URL).isPresent(), KerberosHttp::webhook);
        }
    }

    /** REMOVE_AFTER_PROCESSED=true: the recording deleted from Vault, after everything else succeeded. */
    public static final class Remove extends KerberosForwarderProvider {
        public Remove() {
            super("vault-remove", 1000, c -> c.get(KerberosHttpConfig.REMOVE_AFTER_PROCESSED), KerberosHttp::remover);
        }
    }
}
