package io.vaultml.kerberos.http;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Forwarder;
import io.vaultml.api.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.vaultml.kerberos.http.KerberosHttpConfig.FORWARDING_OBJECT_THRESHOLD;
import static io.vaultml.kerberos.http.KerberosHttpConfig.HUB_API_URL;
import static io.vaultml.kerberos.http.KerberosHttpConfig.HUB_KEY;
import static io.vaultml.kerberos.http.KerberosHttpConfig.VAULT_DOWNLOAD;
import static io.vaultml.kerberos.http.KerberosHttpConfig.VAULT_TIMEOUT;
import static io.vaultml.kerberos.http.KerberosHttpConfig.WEBHOOK_SECRET;
import static io.vaultml.kerberos.http.KerberosHttpConfig.WEBHOOK_TOKEN;
import static io.vaultml.kerberos.http.KerberosHttpConfig.WEBHOOK_URL;

/**
 * The Vault fetcher and the forwarders of one worker, built from its settings and sharing what must be shared:
 * one set of Vault circuit breakers (the fetcher and delete see the same outage) and the memory of removed
 * recordings (so a redelivered event whose recording this worker already removed is recognised).
 */
public final class KerberosHttp {
    /** Enough to cover every redelivery window a broker has; a key is a few dozen bytes. */
    private static final int REMEMBERED_REMOVALS = 10_000;

    private final Config config;
    private final Resilience vault;
    private final RemovedRecordings removed = new RemovedRecordings(REMEMBERED_REMOVALS);

    private KerberosHttp(Config config) {
        this.config = config;
        this.vault = KerberosHttpConfig.resilience(config, "vault");
    }

    public static KerberosHttp from(Config config) {
        return new KerberosHttp(config);
    }

    /** Every problem of the Vault download settings, without I/O; empty when recordings can be downloaded. */
    public List<String> validateDownloads() {
        try {
            KerberosHttpConfig.vault(config, "downloading recordings");
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    public VaultMediaFetcher fetcher() {
        Duration timeout = config.get(VAULT_TIMEOUT);
        return new VaultMediaFetcher(KerberosHttpConfig.vault(config, "downloading recordings"),
                config.get(VAULT_DOWNLOAD).equals("blob") ? VaultMediaFetcher.Mode.BLOB : VaultMediaFetcher.Mode.SIGNED_URL,
                timeout, timeout, KerberosHttpConfig.maxRecordingBytes(config), vault, removed);
    }

    /** FORWARDING_MEDIA: the recording to the remote Vault, sharing the Vault breakers. */
    Forwarder mediaForwarder() {
        return inZones(new VaultMediaForwarder(KerberosHttpConfig.vault(config, "FORWARDING_MEDIA"),
                config.get(FORWARDING_OBJECT_THRESHOLD), config.get(VAULT_TIMEOUT), vault));
    }

    /** FORWARDING_METADATA: the result to Kerberos Hub, with breakers of its own. */
    Forwarder hubForwarder() {
        if (config.find(HUB_API_URL).isEmpty()) {
            throw new ConfigException("HUB_API_URL is required for FORWARDING_METADATA");
        }
        return inZones(new HubMetadataForwarder(config.get(HUB_API_URL), config.find(HUB_KEY).orElse(null),
                config.get(FORWARDING_OBJECT_THRESHOLD), config.get(VAULT_TIMEOUT),
                KerberosHttpConfig.resilience(config, "hub")));
    }

    /** WEBHOOK_URL: the result to a webhook, with breakers of its own. */
    Forwarder webhook() {
        return inZones(new WebhookForwarder(URI.create(config.get(WEBHOOK_URL)), config.find(WEBHOOK_TOKEN).orElse(null),
                config.find(WEBHOOK_SECRET).orElse(null), config.get(FORWARDING_OBJECT_THRESHOLD),
                config.get(VAULT_TIMEOUT), KerberosHttpConfig.resilience(config, "webhook")));
    }

    /** REMOVE_AFTER_PROCESSED: the delete, sharing the Vault breakers and the memory of removed recordings. */
    Forwarder remover() {
        return new VaultRemover(KerberosHttpConfig.vault(config, "REMOVE_AFTER_PROCESSED"), config.get(VAULT_TIMEOUT),
                vault, removed);
    }

    /**
     * FORWARDING_ZONES: the forwarder acts only when enough objects of interest stood in those zones (the
     * forwarder's own threshold counts every object, never fewer, so both together ask for the zone count).
     */
    private Forwarder inZones(Forwarder forwarder) {
        java.util.List<String> zones = config.get(KerberosHttpConfig.FORWARDING_ZONES);
        if (zones.isEmpty()) {
            return forwarder;
        }
        int threshold = config.get(FORWARDING_OBJECT_THRESHOLD);
        return new Forwarder() {
            @Override
            public void forward(io.vaultml.api.ResultMessage message) {
                if (message.result().objectsOfInterestIn(zones) >= threshold) {
                    forwarder.forward(message);
                }
            }

            @Override
            public String describe() {
                return forwarder.describe() + " (objects in zones " + String.join(", ", zones) + ")";
            }
        };
    }
}
