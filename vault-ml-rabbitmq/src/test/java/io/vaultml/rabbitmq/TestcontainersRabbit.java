package io.vaultml.rabbitmq;

import java.net.URI;
import java.util.Optional;

/**
 * A RabbitMQ broker in a container, where Docker runs. Kept apart from {@link RabbitBroker} so that a test class
 * path without Testcontainers (it is an optional dependency of the test kit) only loses this last resort.
 */
final class TestcontainersRabbit {
    private TestcontainersRabbit() {
    }

    /** The AMQP URL of a started container, or empty without Docker or without Testcontainers. */
    static Optional<URI> start() {
        try {
            return Started.start();
        } catch (LinkageError | RuntimeException e) {
            return Optional.empty(); // Testcontainers absent, or Docker unusable
        }
    }

    /** Loaded only when Testcontainers is on the class path. */
    private static final class Started {
        static Optional<URI> start() {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
            org.testcontainers.rabbitmq.RabbitMQContainer broker = new org.testcontainers.rabbitmq.RabbitMQContainer(
                    org.testcontainers.utility.DockerImageName.parse("rabbitmq:3.13"));
            broker.start(); // stopped by Testcontainers' reaper when the JVM ends
            return Optional.of(URI.create("amqp://" + broker.getAdminUsername() + ":" + broker.getAdminPassword() + "@"
                    + broker.getHost() + ":" + broker.getAmqpPort()));
        }
    }
}
