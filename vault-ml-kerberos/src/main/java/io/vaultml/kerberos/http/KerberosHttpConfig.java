package io.vaultml.kerberos.http;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Forwarder;
import io.vaultml.api.Secret;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Settings of the Vault fetcher, the forwarders and delete, with their original vault-ml names. */
public final class KerberosHttpConfig {
    private KerberosHttpConfig() {
    }

    static final String VAULT = "Kerberos Vault";
    static final String FORWARDING = "Forwarding and removal";

    public static final ConfigKey<String> VAULT_API_URL = ConfigKey.string("VAULT_API_URL").validator(Validators.httpUrl())
            .group(VAULT).doc("Kerberos Vault API base URL, e.g. http://vault-lb.kerberos-vault/api.").build();
    public static final ConfigKey<Secret> VAULT_ACCESS_KEY = ConfigKey.secret("VAULT_ACCESS_KEY").group(VAULT)
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
            .defaultValue(0L).validator(Validators.atLeast(0L)).group(VAULT)
            .doc("Larger recordings are dead-lettered instead of downloaded (refused before the download when the "
                    + "event's payload.fileSize or the Content-Length says so). 0: an eighth of the JVM's maximum "
                    + "heap, at most 1 GiB, so CONCURRENCY downloads cannot exhaust the heap.").build();
    public static final ConfigKey<String> VAULT_ALLOWED_HOSTS = ConfigKey.string("VAULT_ALLOWED_HOSTS").group(VAULT)
            .doc("Comma-separated places, besides VAULT_API_URL, that may receive the configured Vault keys when an "
                    + "event's data.storage_uri points there: an origin (https://vault-b:8443) is matched exactly; a "
                    + "bare host name is trusted only on VAULT_API_URL's scheme and port, or on https's default "
                    + "port. An event naming any other place must bring its own data.storage_access_key and "
                    + "data.storage_secret, or it is dead-lettered.").build();
    public static final ConfigKey<Integer> VAULT_RETRIES = ConfigKey.integer("VAULT_RETRIES").defaultValue(3)
            .validator(Validators.between(1, 20)).group(VAULT)
            .doc("Tries per Vault or Hub call for connection errors, timeouts, 429 and 5xx (exponential backoff "
                    + "with jitter). Each endpoint has a circuit breaker; after an outage trips it, calls pause for "
                    + "VAULT_CIRCUIT_OPEN.").build();
    public static final ConfigKey<Duration> VAULT_CIRCUIT_OPEN = ConfigKey.duration("VAULT_CIRCUIT_OPEN")
            .defaultValue(Duration.ofSeconds(30)).group(VAULT)
            .doc("How long an endpoint's circuit breaker stays open after repeated failures before one trial call. "
                    + "While the configured Vault's or Hub's is open, the worker takes no new events.").build();

    public static final ConfigKey<Boolean> FORWARDING_MEDIA = ConfigKey.bool("FORWARDING_MEDIA").defaultValue(false)
            .group(FORWARDING).doc("If the object threshold is reached, forward the media to a remote Kerberos Vault "
                    + "(POST /storage/forward/media).").build();
    public static final ConfigKey<Boolean> FORWARDING_METADATA = ConfigKey.bool("FORWARDING_METADATA")
            .defaultValue(false).group(FORWARDING)
            .doc("If the object threshold is reached, forward the result to Kerberos Hub (POST {HUB_API_URL}/queue).")
            .build();
    public static final ConfigKey<Integer> FORWARDING_OBJECT_THRESHOLD = ConfigKey.integer("FORWARDING_OBJECT_THRESHOLD")
            .defaultValue(1).validator(Validators.atLeast(0)).group(FORWARDING)
            .doc("Objects of interest at or above which forwarding happens (the hub format's objectCount): moving "
                    + "tracks when the analysed frames can be tracked, one per object of each label's busiest frame "
                    + "when they are too far apart, the most detections in one frame with TRACKING=false.").build();
    public static final ConfigKey<List<String>> FORWARDING_ZONES = ConfigKey.list("FORWARDING_ZONES")
            .defaultValue(List.of()).group(FORWARDING)
            .doc("Zone names (of ZONES_FILE): when set, FORWARDING_OBJECT_THRESHOLD counts only the objects of "
                    + "interest that stood in at least one of them. Empty: every object counts.").build();
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
            VAULT_DOWNLOAD, VAULT_TIMEOUT, VAULT_MAX_RECORDING_BYTES, VAULT_ALLOWED_HOSTS, VAULT_RETRIES,
            VAULT_CIRCUIT_OPEN, FORWARDING_MEDIA,
            FORWARDING_METADATA, FORWARDING_OBJECT_THRESHOLD, FORWARDING_ZONES, REMOVE_AFTER_PROCESSED, HUB_API_URL, HUB_KEY,
            WEBHOOK_URL, WEBHOOK_TOKEN, WEBHOOK_SECRET).frozen();

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
        return new VaultEndpoint(c.get(VAULT_API_URL), c.get(VAULT_ACCESS_KEY).reveal(), c.get(VAULT_SECRET_KEY))
                .trusting(allowedHosts(c));
    }

    static Set<String> allowedHosts(Config c) {
        return c.find(VAULT_ALLOWED_HOSTS).map(v -> Set.of(v.split(","))).orElse(Set.of());
    }

    /** {@code VAULT_MAX_RECORDING_BYTES}, with 0 resolved against this JVM's heap. */
    public static long maxRecordingBytes(Config c) {
        long configured = c.get(VAULT_MAX_RECORDING_BYTES);
        return configured > 0 ? configured : Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 8);
    }

    static Resilience resilience(Config c, String name) {
        return new Resilience(name, c.get(VAULT_RETRIES), Duration.ofMillis(500), c.get(VAULT_CIRCUIT_OPEN));
    }
}
