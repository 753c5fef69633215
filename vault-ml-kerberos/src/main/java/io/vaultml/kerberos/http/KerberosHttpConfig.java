package io.vaultml.kerberos.http;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Forwarder;
import io.vaultml.api.Secret;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Settings of the Vault fetcher, the forwarders and delete, with their original vault-ml names. */
public final class KerberosHttpConfig {
    private KerberosHttpConfig() {
    }

    static final String VAULT = "Kerberos Vault";
    static final String FORWARDING = "Forwarding and removal";

    public static final ConfigKey<String> VAULT_API_URL = ConfigKey.string("VAULT_API_URL").validator(Validators.httpUrl())
            .group(VAULT).doc("Kerberos Vault API base URL, e.g. http://vault-lb.kerberos-vault/api.").build();
    public static final ConfigKey<String> VAULT_ACCESS_KEY = ConfigKey.string("VAULT_ACCESS_KEY").group(VAULT)
            .doc("Vault account access key.").build();
    public static final ConfigKey<Secret> VAULT_SECRET_KEY = ConfigKey.secret("VAULT_SECRET_KEY").group(VAULT)
            .doc("Vault account secret key.").build();
    public static final ConfigKey<String> VAULT_DOWNLOAD = ConfigKey.string("VAULT_DOWNLOAD").defaultValue("blob")
            .validator(Validators.oneOf("blob", "signed-url")).group(VAULT)
            .doc("blob: GET /storage/blob; signed-url: GET /storage for a signed URL, then download from it.").build();
    public static final ConfigKey<Duration> VAULT_TIMEOUT = ConfigKey.duration("VAULT_TIMEOUT")
            .defaultValue(Duration.ofSeconds(60)).group(VAULT)
            .doc("Connect and read timeout of each Vault or Hub call.").build();
    public static final ConfigKey<Long> VAULT_MAX_RECORDING_BYTES = ConfigKey.longKey("VAULT_MAX_RECORDING_BYTES")
            .defaultValue(1L << 30).validator(Validators.atLeast(1L)).group(VAULT)
            .doc("Larger recordings are dead-lettered instead of downloaded.").build();
    public static final ConfigKey<Integer> VAULT_RETRIES = ConfigKey.integer("VAULT_RETRIES").defaultValue(3)
            .validator(Validators.between(1, 20)).group(VAULT)
            .doc("Tries per Vault or Hub call for connection errors, timeouts, 429 and 5xx (exponential backoff "
                    + "with jitter). After an outage trips the circuit breaker, calls pause for 30 s.").build();

    public static final ConfigKey<Boolean> FORWARDING_MEDIA = ConfigKey.bool("FORWARDING_MEDIA").defaultValue(false)
            .group(FORWARDING).doc("If the object threshold is reached, forward the media to a remote Kerberos Vault "
                    + "(POST /storage/forward/media).").build();
    public static final ConfigKey<Boolean> FORWARDING_METADATA = ConfigKey.bool("FORWARDING_METADATA")
            .defaultValue(false).group(FORWARDING)
            .doc("If the object threshold is reached, forward the result to Kerberos Hub (POST {HUB_API_URL}/queue).")
            .build();
    public static final ConfigKey<Integer> FORWARDING_OBJECT_THRESHOLD = ConfigKey.integer("FORWARDING_OBJECT_THRESHOLD")
            .defaultValue(1).validator(Validators.atLeast(0)).group(FORWARDING)
            .doc("Objects of interest at or above which forwarding happens: moving tracks when tracking is on, "
                    + "otherwise the most detections in one analysed frame.").build();
    public static final ConfigKey<Boolean> REMOVE_AFTER_PROCESSED = ConfigKey.bool("REMOVE_AFTER_PROCESSED")
            .defaultValue(false).group(FORWARDING)
            .doc("Remove the recording from Kerberos Vault after it was processed: only after the result was "
                    + "published and forwarding succeeded, never when processing failed.").build();
    public static final ConfigKey<String> HUB_API_URL = ConfigKey.string("HUB_API_URL").validator(Validators.httpUrl())
            .group(FORWARDING).doc("Kerberos Hub API base URL for FORWARDING_METADATA.").build();
    public static final ConfigKey<Secret> HUB_KEY = ConfigKey.secret("HUB_KEY").group(FORWARDING)
            .doc("X-Kerberos-Cloud-Key for Hub; unset: each event's payload.metadata.publickey.").build();
    public static final ConfigKey<String> WEBHOOK_URL = ConfigKey.string("WEBHOOK_URL").validator(Validators.httpUrl())
            .group(FORWARDING).doc("Also POST results at or above the threshold here (alerting).").build();
    public static final ConfigKey<Secret> WEBHOOK_TOKEN = ConfigKey.secret("WEBHOOK_TOKEN").group(FORWARDING)
            .doc("Bearer token for WEBHOOK_URL.").build();
    public static final ConfigKey<Secret> WEBHOOK_SECRET = ConfigKey.secret("WEBHOOK_SECRET").group(FORWARDING)
            .doc("HMAC-SHA256 key: the body's signature is sent as X-VaultML-Signature: sha256=<hex>.").build();

    public static final ConfigDef CONFIG = new ConfigDef().define(VAULT_API_URL, VAULT_ACCESS_KEY, VAULT_SECRET_KEY,
            VAULT_DOWNLOAD, VAULT_TIMEOUT, VAULT_MAX_RECORDING_BYTES, VAULT_RETRIES, FORWARDING_MEDIA,
            FORWARDING_METADATA, FORWARDING_OBJECT_THRESHOLD, REMOVE_AFTER_PROCESSED, HUB_API_URL, HUB_KEY,
            WEBHOOK_URL, WEBHOOK_TOKEN, WEBHOOK_SECRET);

    /** The configured Vault account, or a config error naming what is missing for {@code purpose}. */
    public static VaultEndpoint vault(Config c, String purpose) {
        List<String> missing = new ArrayList<>();
        if (c.find(VAULT_API_URL).isEmpty()) {
            missing.add("VAULT_API_URL");
        }
        if (c.find(VAULT_ACCESS_KEY).isEmpty()) {
            missing.add("VAULT_ACCESS_KEY");
        }
        if (c.find(VAULT_SECRET_KEY).isEmpty()) {
            missing.add("VAULT_SECRET_KEY");
        }
        if (!missing.isEmpty()) {
            throw new ConfigException(missing.stream().map(m -> m + " is required for " + purpose).toList());
        }
        return new VaultEndpoint(c.get(VAULT_API_URL), c.get(VAULT_ACCESS_KEY), c.get(VAULT_SECRET_KEY));
    }

    public static VaultMediaFetcher fetcher(Config c) {
        return new VaultMediaFetcher(vault(c, "downloading recordings"),
                c.get(VAULT_DOWNLOAD).equals("blob") ? VaultMediaFetcher.Mode.BLOB : VaultMediaFetcher.Mode.SIGNED_URL,
                c.get(VAULT_TIMEOUT), c.get(VAULT_TIMEOUT), c.get(VAULT_MAX_RECORDING_BYTES),
                new Resilience("vault", c.get(VAULT_RETRIES), Duration.ofMillis(500), Duration.ofSeconds(30)));
    }

    /**
     * The forwarders the settings ask for, in the order they must run: media, metadata, webhook, and delete last
     * (it runs only when everything before it succeeded).
     */
    public static List<Forwarder> forwarders(Config c) {
        List<Forwarder> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int threshold = c.get(FORWARDING_OBJECT_THRESHOLD);
        Duration timeout = c.get(VAULT_TIMEOUT);
        Resilience vault = new Resilience("vault", c.get(VAULT_RETRIES), Duration.ofMillis(500), Duration.ofSeconds(30));
        VaultEndpoint endpoint = null;
        if (c.get(FORWARDING_MEDIA) || c.get(REMOVE_AFTER_PROCESSED)) {
            try {
                endpoint = vault(c, c.get(FORWARDING_MEDIA) ? "FORWARDING_MEDIA" : "REMOVE_AFTER_PROCESSED");
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
                        new Resilience("hub", c.get(VAULT_RETRIES), Duration.ofMillis(500), Duration.ofSeconds(30))));
            }
        }
        c.find(WEBHOOK_URL).ifPresent(url -> out.add(new WebhookForwarder(URI.create(url), c.find(WEBHOOK_TOKEN).orElse(null),
                c.find(WEBHOOK_SECRET).orElse(null), threshold, timeout,
                new Resilience("webhook", c.get(VAULT_RETRIES), Duration.ofMillis(500), Duration.ofSeconds(30)))));
        if (c.get(REMOVE_AFTER_PROCESSED) && endpoint != null) {
            out.add(new VaultRemover(endpoint, timeout, vault));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
    }
}
