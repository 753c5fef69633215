package io.vaultml.kafka;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Secret;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.QueueKeys;
import io.vaultml.api.config.Validators;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The original vault-ml Kafka variables, verbatim, plus what production needs. */
public final class KafkaSettings {
    private KafkaSettings() {
    }

    static final String GROUP = "Kafka (QUEUE_SYSTEM=KAFKA)";

    public static final ConfigKey<String> QUEUE_NAME = QueueKeys.QUEUE_NAME;
    public static final ConfigKey<String> QUEUE_TARGET = QueueKeys.QUEUE_TARGET;
    public static final ConfigKey<String> KAFKA_BROKER = ConfigKey.string("KAFKA_BROKER").group(GROUP)
            .doc("Bootstrap servers, comma separated (host:port,host:port).").build();
    public static final ConfigKey<String> KAFKA_GROUP = ConfigKey.string("KAFKA_GROUP").defaultValue("vault-ml")
            .group(GROUP).doc("Consumer group; workers in one group share the partitions.").build();
    public static final ConfigKey<String> KAFKA_USERNAME = ConfigKey.string("KAFKA_USERNAME").group(GROUP)
            .doc("SASL user name.").build();
    public static final ConfigKey<Secret> KAFKA_PASSWORD = ConfigKey.secret("KAFKA_PASSWORD").group(GROUP)
            .doc("SASL password.").build();
    public static final ConfigKey<String> KAFKA_MECHANISM = ConfigKey.string("KAFKA_MECHANISM").defaultValue("PLAIN")
            .validator(Validators.oneOf("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")).group(GROUP)
            .doc("SASL mechanism.").build();
    public static final ConfigKey<String> KAFKA_SECURITY = ConfigKey.string("KAFKA_SECURITY").defaultValue("PLAINTEXT")
            .validator(Validators.oneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")).group(GROUP)
            .doc("Security protocol.").build();
    public static final ConfigKey<String> KAFKA_CLIENT_ID = ConfigKey.string("KAFKA_CLIENT_ID").defaultValue("vault-ml")
            .group(GROUP).doc("Client id prefix (the host name is appended) for broker logs and quotas.").build();
    public static final ConfigKey<String> KAFKA_AUTO_OFFSET_RESET = ConfigKey.string("KAFKA_AUTO_OFFSET_RESET")
            .defaultValue("earliest").validator(Validators.oneOf("earliest", "latest")).group(GROUP)
            .doc("Where a new group starts: earliest, as the Kerberos consumers do.").build();
    public static final ConfigKey<String> KAFKA_TRUSTSTORE = ConfigKey.string("KAFKA_TRUSTSTORE").group(GROUP)
            .doc("Truststore file for SSL/SASL_SSL brokers with a private CA (PKCS12 or JKS).").build();
    public static final ConfigKey<Secret> KAFKA_TRUSTSTORE_PASSWORD = ConfigKey.secret("KAFKA_TRUSTSTORE_PASSWORD")
            .group(GROUP).doc("Truststore password.").build();
    /** A secret because passthrough properties may carry passwords (ssl.keystore.password=...). */
    public static final ConfigKey<Secret> KAFKA_PROPERTIES = ConfigKey.secret("KAFKA_PROPERTIES").group(GROUP)
            .doc("Extra client properties, comma separated key=value (e.g. max.poll.interval.ms=600000), applied to "
                    + "consumer and producers; never logged, as they may hold passwords.").build();
    public static final ConfigKey<String> DEAD_LETTER_TOPIC = ConfigKey.string("DEAD_LETTER_TOPIC").group(GROUP)
            .doc("Where events that can never succeed go, original bytes untouched, reason in headers. Default: "
                    + "QUEUE_NAME + \"-dead-letter\".").build();

    public static final ConfigKey<String> KAFKA_GROUP_INSTANCE_ID = ConfigKey.string("KAFKA_GROUP_INSTANCE_ID")
            .defaultValue("auto").group(GROUP)
            .doc("Static group membership: a worker restarted with the same id gets its partitions back at once "
                    + "instead of after KAFKA_SESSION_TIMEOUT. auto: the pod name (HOSTNAME) when running in "
                    + "Kubernetes, none elsewhere; none: off; anything else: that id, unique per worker (two workers "
                    + "with one id fence each other). A stopping worker leaves the group, so scaling down moves its "
                    + "partitions at once.").build();
    public static final ConfigKey<Duration> KAFKA_SESSION_TIMEOUT = ConfigKey.duration("KAFKA_SESSION_TIMEOUT")
            .defaultValue(Duration.ofSeconds(10)).group(GROUP)
            .doc("How long a worker that died may stay silent before the group gives its partitions to the others "
                    + "(Kafka's default is 45 s). The brokers' group.min.session.timeout.ms (6 s) bounds it.").build();

    public static final ConfigDef CONFIG = new ConfigDef().define(QUEUE_NAME, QUEUE_TARGET, KAFKA_BROKER, KAFKA_GROUP,
            KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_MECHANISM, KAFKA_SECURITY, KAFKA_CLIENT_ID, KAFKA_AUTO_OFFSET_RESET,
            KAFKA_TRUSTSTORE, KAFKA_TRUSTSTORE_PASSWORD, KAFKA_PROPERTIES, DEAD_LETTER_TOPIC, KAFKA_GROUP_INSTANCE_ID,
            KAFKA_SESSION_TIMEOUT).frozen();

    /**
     * Client properties the transport sets itself, whatever KAFKA_PROPERTIES says, and why: setting one there would
     * be silently ignored, so it is refused at startup instead.
     */
    static final Map<String, String> OWNED = Map.ofEntries(
            Map.entry("group.id", "use KAFKA_GROUP"),
            Map.entry("client.id", "use KAFKA_CLIENT_ID"),
            Map.entry("enable.auto.commit", "offsets are committed only after each event's outcome (at least once)"),
            Map.entry("auto.offset.reset", "use KAFKA_AUTO_OFFSET_RESET"),
            Map.entry("max.poll.records", "follows CONCURRENCY (the records held in flight)"),
            Map.entry("partition.assignment.strategy", "cooperative-sticky keeps rebalances from stopping every "
                    + "partition"),
            Map.entry("key.deserializer", "events are read as bytes"),
            Map.entry("value.deserializer", "events are read as bytes"),
            Map.entry("key.serializer", "results are written as bytes"),
            Map.entry("value.serializer", "results are written as bytes"),
            Map.entry("enable.idempotence", "results are written once per try"),
            Map.entry("acks", "a result counts as published only once every in-sync replica has it"),
            Map.entry("delivery.timeout.ms", "follows the publish timeout"),
            Map.entry("request.timeout.ms", "follows the publish timeout"),
            Map.entry("max.block.ms", "follows the publish timeout"));

    /** Checks what QUEUE_SYSTEM=KAFKA needs; every problem at once. */
    public static void requireComplete(Config c) {
        ConfigException.throwIfAny(problems(c));
    }

    /** What QUEUE_SYSTEM=KAFKA lacks or gets wrong, one line each; empty when it is complete. */
    public static List<String> problems(Config c) {
        List<String> problems = new ArrayList<>();
        for (ConfigKey<String> key : List.of(KAFKA_BROKER, QUEUE_NAME, QUEUE_TARGET)) {
            if (c.find(key).isEmpty()) {
                problems.add(key.name() + " is required for QUEUE_SYSTEM=KAFKA: " + key.doc());
            }
        }
        if (c.get(KAFKA_SECURITY).toUpperCase(Locale.ROOT).startsWith("SASL")
                && (c.find(KAFKA_USERNAME).isEmpty() || c.find(KAFKA_PASSWORD).isEmpty())) {
            problems.add("KAFKA_USERNAME and KAFKA_PASSWORD are required for KAFKA_SECURITY=" + c.get(KAFKA_SECURITY));
        }
        for (String item : passthrough(c)) {
            if (!item.contains("=")) {
                problems.add("Invalid item in KAFKA_PROPERTIES: an item is not key=value (items are not shown: they "
                        + "may hold passwords)");
                break;
            }
            String key = item.substring(0, item.indexOf('=')).trim();
            String why = OWNED.get(key);
            if (why != null) {
                // The key is shown, never the value.
                problems.add("KAFKA_PROPERTIES sets " + key + ", which the worker sets itself and would override: "
                        + why);
            }
        }
        return problems;
    }

    /** Client properties shared by consumer and producers: servers, security, SASL, TLS, passthrough. */
    public static Map<String, Object> common(Config c) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", c.get(KAFKA_BROKER));
        String security = c.get(KAFKA_SECURITY).toUpperCase(Locale.ROOT);
        p.put("security.protocol", security);
        if (security.startsWith("SASL")) {
            String mechanism = c.get(KAFKA_MECHANISM).toUpperCase(Locale.ROOT);
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.mechanism", mechanism);
            p.put("sasl.jaas.config", module + " required username=\"" + escape(c.get(KAFKA_USERNAME))
                    + "\" password=\"" + escape(c.get(KAFKA_PASSWORD).reveal()) + "\";");
        }
        c.find(KAFKA_TRUSTSTORE).ifPresent(t -> p.put("ssl.truststore.location", t));
        c.find(KAFKA_TRUSTSTORE_PASSWORD).ifPresent(t -> p.put("ssl.truststore.password", t.reveal()));
        for (String item : passthrough(c)) {
            int eq = item.indexOf('=');
            p.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return p;
    }

    /** The consumer's own properties on top of {@link #common}: session timeout and static membership. */
    public static Map<String, Object> consumer(Config c) {
        Map<String, Object> p = common(c);
        p.putIfAbsent("session.timeout.ms", String.valueOf(c.get(KAFKA_SESSION_TIMEOUT).toMillis()));
        groupInstanceId(c, System.getenv()).ifPresent(id -> p.putIfAbsent("group.instance.id", id));
        return p;
    }

    /** {@code KAFKA_GROUP_INSTANCE_ID} resolved: auto is the pod name inside Kubernetes, nothing elsewhere. */
    static java.util.Optional<String> groupInstanceId(Config c, Map<String, String> env) {
        String setting = c.get(KAFKA_GROUP_INSTANCE_ID).trim();
        return switch (setting.toLowerCase(Locale.ROOT)) {
            case "none", "" -> java.util.Optional.empty();
            case "auto" -> env.containsKey("KUBERNETES_SERVICE_HOST")
                    ? java.util.Optional.ofNullable(env.get("HOSTNAME")).filter(h -> !h.isBlank())
                    : java.util.Optional.empty();
            default -> java.util.Optional.of(setting);
        };
    }

    private static List<String> passthrough(Config c) {
        return c.find(KAFKA_PROPERTIES).map(s -> java.util.Arrays.stream(s.reveal().split(",")).map(String::trim)
                .filter(i -> !i.isEmpty()).toList()).orElse(List.of());
    }

    public static String deadLetterTopic(Config c) {
        return c.find(DEAD_LETTER_TOPIC).orElse(c.get(QUEUE_NAME) + "-dead-letter");
    }

    /** A client id naming the role and the host, for broker logs and quotas. */
    public static String clientId(Config c, String role) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown";
        }
        return c.get(KAFKA_CLIENT_ID) + "-" + role + "-" + host;
    }

    static Duration closeTimeout() {
        return Duration.ofSeconds(10);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
