package io.vaultml.kerberos.http;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Forwarder;
import io.vaultml.api.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.vaultml.kerberos.http.KerberosHttpConfig.FORWARDING_MEDIA;
import static io.vaultml.kerberos.http.KerberosHttpConfig.FORWARDING_METADATA;
import static io.vaultml.kerberos.http.KerberosHttpConfig.FORWARDING_OBJECT_THRESHOLD;
import static io.vaultml.kerberos.http.KerberosHttpConfig.HUB_API_URL;
import static io.vaultml.kerberos.http.KerberosHttpConfig.HUB_KEY;
import static io.vaultml.kerberos.http.KerberosHttpConfig.REMOVE_AFTER_PROCESSED;
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

    /**
     * Every problem of the Vault and forwarding settings, without I/O.
     *
     * @param downloads whether recordings are downloaded from Vault (the transport does not carry them)
     */
    public List<String> validate(boolean downloads) {
        List<String> problems = new ArrayList<>();
        if (downloads) {
            try {
                KerberosHttpConfig.vault(config, "downloading recordings");
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        try {
            forwarders();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        return problems;
    }

    public VaultMediaFetcher fetcher() {
        Duration timeout = config.get(VAULT_TIMEOUT);
        return new VaultMediaFetcher(KerberosHttpConfig.vault(config, "downloading recordings"),
                config.get(VAULT_DOWNLOAD).equals("blob") ? VaultMediaFetcher.Mode.BLOB : VaultMediaFetcher.Mode.SIGNED_URL,
                timeout, timeout, KerberosHttpConfig.maxRecordingBytes(config), vault, removed);
    }

    /**
     * The forwarders the settings ask for, in the order they must run: media, metadata, webhook, and delete last
     * (it runs only when everything before it succeeded).
     *
     * @throws ConfigException listing every missing setting
     */
    public List<Forwarder> forwarders() {
        Config c = config;
        List<Forwarder> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int threshold = c.get(FORWARDING_OBJECT_THRESHOLD);
        Duration timeout = c.get(VAULT_TIMEOUT);
        VaultEndpoint endpoint = null;
        if (c.get(FORWARDING_MEDIA) || c.get(REMOVE_AFTER_PROCESSED)) {
            try {
                endpoint = KerberosHttpConfig.vault(c, c.get(FORWARDING_MEDIA) ? "FORWARDING_MEDIA" : "REMOVE_AFTER_PROCESSED");
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (c.get(FORWARDING_MEDIA) && endpoint != null) {
            out.add(new VaultMediaForwarder(endpoint, threshold, timeout, vault));
        }
        if (c.get(FORWARDING_METADATA)) {
            if (c.find(HUB_API_URL).isEmpty()) {
                problems.add("HUB_API_URL is required for FORWARDING_METADATA");
            } else {
                out.add(new HubMetadataForwarder(c.get(HUB_API_URL), c.find(HUB_KEY).orElse(null), threshold, timeout,
                        KerberosHttpConfig.resilience(c, "hub")));
            }
        }
        c.find(WEBHOOK_URL).ifPresent(url -> out.add(new WebhookForwarder(URI.create(url),
                c.find(WEBHOOK_TOKEN).orElse(null), c.find(WEBHOOK_SECRET).orElse(null), threshold, timeout,
                KerberosHttpConfig.resilience(c, "webhook"))));
        if (c.get(REMOVE_AFTER_PROCESSED) && endpoint != null) {
            out.add(new VaultRemover(endpoint, timeout, vault, removed));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
    }
}
