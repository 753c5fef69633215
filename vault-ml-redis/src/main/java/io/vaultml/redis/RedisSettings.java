package io.vaultml.redis;

import io.vaultml.api.Secret;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The settings of {@code STATIONARY_MEMORY=redis}. */
public final class RedisSettings {
    static final String GROUP = "Redis (STATIONARY_MEMORY=redis)";

    /** A secret: {@code redis://user:password@host} carries the password. */
    public static final ConfigKey<Secret> REDIS_URL = ConfigKey.secret("REDIS_URL").group(GROUP)
            .doc("The Redis server that keeps the memory of parked objects for every worker: "
                    + "redis://[user:password@ or :password@]host[:port, default 6379][/database, default 0], or "
                    + "rediss:// for TLS (the server's certificate and name checked against the JVM's trusted CAs). "
                    + "Never logged whole, as it may hold a password.")
            .build();
    public static final ConfigKey<String> REDIS_KEY_PREFIX = ConfigKey.string("REDIS_KEY_PREFIX")
            .defaultValue("vault-ml:stationary:").validator(Validators.nonBlank()).group(GROUP)
            .doc("Prefix of the keys, one per camera (the prefix then the camera's name); deployments sharing one "
                    + "database keep apart by it.").build();
    public static final ConfigKey<Duration> REDIS_TIMEOUT = ConfigKey.duration("REDIS_TIMEOUT")
            .defaultValue(Duration.ofSeconds(1)).group(GROUP)
            .doc("How long one recording's update of the memory may take in all: a connection, the commands, and "
                    + "collisions with other workers' updates of the same camera. Past it the recording counts every "
                    + "object; when Redis is what failed, the recordings of the next 5 s do not ask it at all.")
            .build();

    public static final ConfigDef CONFIG = new ConfigDef().define(REDIS_URL, REDIS_KEY_PREFIX, REDIS_TIMEOUT)
            .frozen();

    private RedisSettings() {
    }

    /** Every problem of these settings, without connecting; no message repeats the URL. */
    static List<String> problems(Config config) {
        List<String> problems = new ArrayList<>();
        Secret url = config.find(REDIS_URL).orElse(null);
        if (url == null || url.isEmpty()) {
            problems.add("STATIONARY_MEMORY=redis needs REDIS_URL, for example redis://127.0.0.1:6379/0");
            return problems;
        }
        URI uri;
        try {
            uri = new URI(url.reveal().trim());
        } catch (java.net.URISyntaxException e) {
            problems.add("REDIS_URL is not a URL (redis://host:port/database)");
            return problems;
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            problems.add("REDIS_URL must start with redis:// or rediss://, not " + uri.getScheme() + ":");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            problems.add("REDIS_URL names no host");
        }
        String user = uri.getRawUserInfo();
        if (user != null && !user.contains(":")) {
            problems.add("REDIS_URL's user information must be user:password or :password (before the @)");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (!path.isEmpty() && !path.matches("\\d{1,4}")) {
            problems.add("REDIS_URL's path must be a database number, for example /0");
        }
        Duration timeout = config.get(REDIS_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            problems.add("REDIS_TIMEOUT must be positive, for example 1s");
        }
        return problems;
    }
}
