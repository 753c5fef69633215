package io.vaultml.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Secret;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.QueueKeys;
import io.vaultml.api.config.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The original vault-ml RabbitMQ variables, verbatim, plus what production needs. */
public final class RabbitSettings {
    private RabbitSettings() {
    }

    static final String GROUP = "RabbitMQ (QUEUE_SYSTEM=RABBITMQ)";

    public static final ConfigKey<String> QUEUE_NAME = QueueKeys.QUEUE_NAME;
    public static final ConfigKey<String> QUEUE_TARGET = QueueKeys.QUEUE_TARGET;
    /** A secret: an {@code amqp://user:password@host} URL carries the password. */
    public static final ConfigKey<Secret> RABBITMQ_HOST = ConfigKey.secret("RABBITMQ_HOST").group(GROUP)
            .doc("The broker: host:port (amqp:// is assumed), or an amqp:// or amqps:// URL, optionally with "
                    + "user:password@ and /virtual-host. Never logged whole, as a URL may hold a password.").build();
    public static final ConfigKey<String> RABBITMQ_EXCHANGE = ConfigKey.string("RABBITMQ_EXCHANGE").defaultValue("")
            .group(GROUP).doc("Exchange results and dead letters are published to, with the queue name as routing "
                    + "key. Empty: the default exchange, which routes to the queue of that name.").build();
    public static final ConfigKey<String> RABBITMQ_USERNAME = ConfigKey.string("RABBITMQ_USERNAME").group(GROUP)
            .doc("User name; overrides one in RABBITMQ_HOST. Unset everywhere: guest (which RabbitMQ accepts only "
                    + "from localhost).").build();
    public static final ConfigKey<Secret> RABBITMQ_PASSWORD = ConfigKey.secret("RABBITMQ_PASSWORD").group(GROUP)
            .doc("Password, with RABBITMQ_USERNAME.").build();
    public static final ConfigKey<String> RABBITMQ_VHOST = ConfigKey.string("RABBITMQ_VHOST").group(GROUP)
            .doc("Virtual host; overrides the path of RABBITMQ_HOST. Default: /.").build();
    public static final ConfigKey<String> RABBITMQ_QUEUE_TYPE = ConfigKey.string("RABBITMQ_QUEUE_TYPE")
            .defaultValue("quorum").validator(Validators.oneOf("quorum", "classic")).group(GROUP)
            .doc("Type of the durable queues vault-ml declares (input, target, dead letters), as Kerberos Hub "
                    + "declares them. A queue that exists with other arguments is a startup error.").build();
    public static final ConfigKey<Integer> RABBITMQ_PREFETCH = ConfigKey.integer("RABBITMQ_PREFETCH").defaultValue(0)
            .validator(Validators.atLeast(0)).group(GROUP)
            .doc("Unacknowledged messages the broker hands this worker at most; 0: the worker's own in-flight "
                    + "limit, which also caps any other value.").build();
    public static final ConfigKey<Duration> RABBITMQ_HEARTBEAT = ConfigKey.duration("RABBITMQ_HEARTBEAT")
            .defaultValue(Duration.ofSeconds(30)).group(GROUP)
            .doc("Heartbeat interval: a dead connection is noticed after about two of them and recovered.").build();
    public static final ConfigKey<String> RABBITMQ_TRUSTSTORE = ConfigKey.string("RABBITMQ_TRUSTSTORE").group(GROUP)
            .doc("Truststore (PKCS12 or JKS) for amqps:// brokers with a private CA; unset: the JVM's trusted CAs. "
                    + "The broker's host name is always verified.").build();
    public static final ConfigKey<Secret> RABBITMQ_TRUSTSTORE_PASSWORD = ConfigKey.secret(
            "RABBITMQ_TRUSTSTORE_PASSWORD").group(GROUP).doc("Truststore password.").build();
    public static final ConfigKey<String> RABBITMQ_DEAD_LETTER_QUEUE = ConfigKey.string("RABBITMQ_DEAD_LETTER_QUEUE")
            .group(GROUP).doc("Queue for events that can never succeed: original body, reason in headers. "
                    + "Default: QUEUE_NAME + \"-dead-letter\".").build();

    public static final ConfigDef CONFIG = new ConfigDef().include(QueueKeys.CONFIG).define(RABBITMQ_HOST,
            RABBITMQ_EXCHANGE, RABBITMQ_USERNAME, RABBITMQ_PASSWORD, RABBITMQ_VHOST, RABBITMQ_QUEUE_TYPE,
            RABBITMQ_PREFETCH, RABBITMQ_HEARTBEAT, RABBITMQ_TRUSTSTORE, RABBITMQ_TRUSTSTORE_PASSWORD,
            RABBITMQ_DEAD_LETTER_QUEUE).frozen();

    public static void requireComplete(Config c) {
        ConfigException.throwIfAny(problems(c));
    }

    /** What QUEUE_SYSTEM=RABBITMQ lacks or gets wrong, one line each; empty when it is complete. */
    public static List<String> problems(Config c) {
        List<String> problems = new ArrayList<>();
        if (c.find(RABBITMQ_HOST).isEmpty()) {
            problems.add("RABBITMQ_HOST is required for QUEUE_SYSTEM=RABBITMQ");
        } else {
            try {
                Broker.parse(c.get(RABBITMQ_HOST).reveal());
            } catch (IllegalArgumentException e) {
                problems.add("RABBITMQ_HOST: " + e.getMessage());
            }
        }
        if (c.find(QueueKeys.QUEUE_NAME).isEmpty()) {
            problems.add("QUEUE_NAME is required for QUEUE_SYSTEM=RABBITMQ");
        }
        if (c.find(QueueKeys.QUEUE_TARGET).isEmpty()) {
            problems.add("QUEUE_TARGET is required for QUEUE_SYSTEM=RABBITMQ");
        }
        if (c.find(RABBITMQ_PASSWORD).isPresent() && c.find(RABBITMQ_USERNAME).isEmpty()) {
            problems.add("RABBITMQ_PASSWORD is set without RABBITMQ_USERNAME");
        }
        c.find(RABBITMQ_TRUSTSTORE).ifPresent(t -> {
            if (!Files.isReadable(Path.of(t))) {
                problems.add("RABBITMQ_TRUSTSTORE " + t + " is not a readable file");
            }
        });
        return problems;
    }

    public static String deadLetterQueue(Config c) {
        return c.find(RABBITMQ_DEAD_LETTER_QUEUE).orElseGet(() -> c.get(QueueKeys.QUEUE_NAME) + "-dead-letter");
    }

    /** Where the broker is, without credentials: safe to log. */
    public static String describe(Config c) {
        Broker b = Broker.parse(c.get(RABBITMQ_HOST).reveal());
        return b.scheme() + "://" + b.host() + ":" + b.port() + "/" + c.find(RABBITMQ_VHOST).orElse(b.vhost());
    }

    /**
     * A connection factory with automatic connection and topology recovery and heartbeats. amqps:// verifies the
     * broker's certificate and host name (the client's own {@code setUri} would trust every certificate).
     */
    public static ConnectionFactory connectionFactory(Config c) {
        Broker broker = Broker.parse(c.get(RABBITMQ_HOST).reveal());
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(broker.host());
        f.setPort(broker.port());
        f.setVirtualHost(c.find(RABBITMQ_VHOST).orElse(broker.vhost()));
        String user = c.find(RABBITMQ_USERNAME).orElse(broker.username());
        if (user != null) {
            f.setUsername(user);
            f.setPassword(c.find(RABBITMQ_PASSWORD).map(Secret::reveal).orElse(
                    c.find(RABBITMQ_USERNAME).isPresent() ? "" : broker.password()));
        }
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        // Recover consumers only: the queues are durable and survive, and they were declared on short-lived
        // channels that recovery could not reuse. Exchanges and bindings are the operator's.
        f.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
            @Override
            public boolean filterExchange(RecordedExchange exchange) {
                return false;
            }

            @Override
            public boolean filterQueue(RecordedQueue queue) {
                return false;
            }

            @Override
            public boolean filterBinding(RecordedBinding binding) {
                return false;
            }
        });
        f.setNetworkRecoveryInterval(Duration.ofSeconds(5).toMillis());
        f.setRequestedHeartbeat((int) Math.max(1, c.get(RABBITMQ_HEARTBEAT).toSeconds()));
        f.setConnectionTimeout((int) Duration.ofSeconds(10).toMillis());
        f.setHandshakeTimeout((int) Duration.ofSeconds(10).toMillis());
        f.setChannelRpcTimeout((int) Duration.ofSeconds(30).toMillis());
        if (broker.tls()) {
            f.useSslProtocol(sslContext(c));
            f.enableHostnameVerification();
        }
        return f;
    }

    private static SSLContext sslContext(Config c) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (c.find(RABBITMQ_TRUSTSTORE).isPresent()) {
                Path path = Path.of(c.get(RABBITMQ_TRUSTSTORE));
                char[] password = c.find(RABBITMQ_TRUSTSTORE_PASSWORD).map(s -> s.reveal().toCharArray()).orElse(null);
                KeyStore store = KeyStore.getInstance(path.toString().endsWith(".jks") ? "JKS" : "PKCS12");
                try (InputStream in = Files.newInputStream(path)) {
                    store.load(in, password);
                }
                tmf.init(store);
            } else {
                tmf.init((KeyStore) null);
            }
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("RABBITMQ_TRUSTSTORE cannot be used: " + e.getClass().getSimpleName());
        }
    }

    /** RABBITMQ_HOST taken apart; the password is only ever handed to the connection factory. */
    record Broker(String scheme, String host, int port, String vhost, String username, String password) {
        static Broker parse(String value) {
            String text = value.trim();
            if (!text.contains("://")) {
                text = "amqp://" + text; // the original's rule: a bare host:port gets amqp://
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a host:port or amqp(s):// URL (at index " + e.getIndex() + ")");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
                throw new IllegalArgumentException("scheme must be amqp or amqps, was " + scheme);
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("no host name");
            }
            boolean tls = scheme.equals("amqps");
            int port = uri.getPort() > 0 ? uri.getPort() : tls ? 5671 : 5672;
            String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "/"
                    : URLDecoder.decode(uri.getRawPath().substring(1), StandardCharsets.UTF_8);
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
            }
            return new Broker(scheme, uri.getHost(), port, path, user, password);
        }

        boolean tls() {
            return scheme.equals("amqps");
        }

        @Override
        public String toString() {
            return scheme + "://" + host + ":" + port + "/" + vhost;
        }
    }
}
