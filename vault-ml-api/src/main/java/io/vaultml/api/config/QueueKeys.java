package io.vaultml.api.config;

/** The original vault-ml queue settings, shared by every transport (Kafka topic names, SQS queue names or URLs). */
public final class QueueKeys {
    private QueueKeys() {
    }

    static final String GROUP = "Queue";

    public static final ConfigKey<String> QUEUE_NAME = ConfigKey.string("QUEUE_NAME").group(GROUP)
            .doc("The topic (KAFKA), queue name or URL (SQS) or queue (RABBITMQ) recording events are consumed "
                    + "from.").build();
    public static final ConfigKey<String> QUEUE_TARGET = ConfigKey.string("QUEUE_TARGET").group(GROUP)
            .doc("Once an inference is done, the result is sent to this topic or queue, keyed by recording.").build();

    public static final ConfigDef CONFIG = new ConfigDef().define(QUEUE_NAME, QUEUE_TARGET).frozen();
}
