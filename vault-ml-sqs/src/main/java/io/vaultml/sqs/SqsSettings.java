package io.vaultml.sqs;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Secret;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.QueueKeys;
import io.vaultml.api.config.Validators;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** SQS settings. Without them the AWS SDK's default region and credential chains apply. */
public final class SqsSettings {
    private SqsSettings() {
    }

    static final String GROUP = "SQS (QUEUE_SYSTEM=SQS)";

    public static final ConfigKey<String> SQS_REGION = ConfigKey.string("SQS_REGION").group(GROUP)
            .doc("AWS region; unset: the SDK's chain (AWS_REGION, profile, instance metadata).").build();
    public static final ConfigKey<String> SQS_ENDPOINT = ConfigKey.string("SQS_ENDPOINT").validator(Validators.httpUrl())
            .group(GROUP).doc("Endpoint override for ElasticMQ, LocalStack or on-premises; unset: AWS (or "
                    + "AWS_ENDPOINT_URL_SQS).").build();
    public static final ConfigKey<Secret> SQS_ACCESS_KEY = ConfigKey.secret("SQS_ACCESS_KEY").group(GROUP)
            .doc("Explicit access key id; unset: the SDK's default credential chain (env, profile, IRSA, instance role).")
            .build();
    public static final ConfigKey<Secret> SQS_SECRET_KEY = ConfigKey.secret("SQS_SECRET_KEY").group(GROUP)
            .doc("Explicit secret access key, with SQS_ACCESS_KEY.").build();
    public static final ConfigKey<Duration> SQS_VISIBILITY_TIMEOUT = ConfigKey.duration("SQS_VISIBILITY_TIMEOUT")
            .defaultValue(Duration.ofSeconds(60)).group(GROUP)
            .doc("Visibility timeout of received messages; it is extended every third of it while a recording is "
                    + "processed, and a crashed worker's messages return after it.").build();
    public static final ConfigKey<String> SQS_DEAD_LETTER_QUEUE = ConfigKey.string("SQS_DEAD_LETTER_QUEUE").group(GROUP)
            .doc("Queue (name or URL) for events that can never succeed, sent explicitly with reason attributes. "
                    + "Default: QUEUE_NAME + \"-dead-letter\" (\".fifo\" kept last for FIFO queues).").build();

    public static final ConfigDef CONFIG = new ConfigDef().include(QueueKeys.CONFIG).define(SQS_REGION, SQS_ENDPOINT,
            SQS_ACCESS_KEY, SQS_SECRET_KEY, SQS_VISIBILITY_TIMEOUT, SQS_DEAD_LETTER_QUEUE).frozen();

    public static void requireComplete(Config c) {
        ConfigException.throwIfAny(problems(c));
    }

    /** What QUEUE_SYSTEM=SQS lacks or gets wrong, one line each; empty when it is complete. */
    public static List<String> problems(Config c) {
        List<String> problems = new ArrayList<>();
        if (c.find(QueueKeys.QUEUE_NAME).isEmpty()) {
            problems.add("QUEUE_NAME is required for QUEUE_SYSTEM=SQS");
        }
        if (c.find(QueueKeys.QUEUE_TARGET).isEmpty()) {
            problems.add("QUEUE_TARGET is required for QUEUE_SYSTEM=SQS");
        }
        if (c.find(SQS_ACCESS_KEY).isPresent() != c.find(SQS_SECRET_KEY).isPresent()) {
            problems.add("SQS_ACCESS_KEY and SQS_SECRET_KEY go together");
        }
        return problems;
    }

    /** A client from the settings, with the url-connection HTTP client and a read timeout above long polling. */
    public static SqsClient client(Config c) {
        SqsClientBuilder b = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()
                .socketTimeout(Duration.ofSeconds(30)).connectionTimeout(Duration.ofSeconds(10)));
        c.find(SQS_REGION).ifPresent(r -> b.region(Region.of(r)));
        c.find(SQS_ENDPOINT).ifPresent(e -> b.endpointOverride(URI.create(e)));
        if (c.find(SQS_ACCESS_KEY).isPresent()) {
            b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(c.get(SQS_ACCESS_KEY).reveal(),
                    c.get(SQS_SECRET_KEY).reveal())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return b.build();
    }

    public static String deadLetterQueue(Config c) {
        return c.find(SQS_DEAD_LETTER_QUEUE).orElseGet(() -> {
            String name = c.get(QueueKeys.QUEUE_NAME);
            return name.endsWith(".fifo") ? name.substring(0, name.length() - 5) + "-dead-letter.fifo"
                    : name + "-dead-letter";
        });
    }
}
