package io.vaultml.test;

import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.Transport;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import io.vaultml.api.spi.TransportProvider;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A transport made only of the test kit's fakes, registered like any plugin
 * ({@code META-INF/services/io.vaultml.api.spi.TransportProvider}) and selected with {@code QUEUE_SYSTEM=memory}:
 * it shows that a transport needs no change to the worker. Tests reach the open transport through
 * {@link #channel(String)}: offer events, register recordings, read results and dead letters.
 */
public final class MemoryTransportProvider implements TransportProvider {
    public static final ConfigKey<String> MEMORY_CHANNEL = ConfigKey.string("MEMORY_CHANNEL")
            .validator(Validators.nonBlank()).group("Memory transport (tests)")
            .doc("Which in-memory channel the worker uses (tests share it through MemoryTransportProvider).").build();

    /** One channel's events, recordings and outcomes. */
    public static final class Channel {
        public final InMemoryEventSource events = new InMemoryEventSource();
        public final RecordingForwarder outcomes = new RecordingForwarder();
        public final Map<String, byte[]> recordings = new ConcurrentHashMap<>();
    }

    private static final Map<String, Channel> CHANNELS = new ConcurrentHashMap<>();

    /** The channel of that name, created on first use. */
    public static Channel channel(String name) {
        return CHANNELS.computeIfAbsent(name, n -> new Channel());
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().define(MEMORY_CHANNEL);
    }

    @Override
    public List<String> validate(Config config) {
        return config.find(MEMORY_CHANNEL).isPresent() ? List.of()
                : List.of("MEMORY_CHANNEL is required for QUEUE_SYSTEM=memory");
    }

    @Override
    public boolean fetchesFromVault() {
        return false;
    }

    @Override
    public Transport open(Config config, int maxInFlight) {
        Channel channel = channel(config.get(MEMORY_CHANNEL));
        MediaFetcher media = event -> {
            byte[] bytes = channel.recordings.get(event.key());
            if (bytes == null) {
                throw new UnprocessableInputException("fetch", "Recording " + event.key() + " is not in the channel");
            }
            return new Media(event.key(), ByteBuffer.wrap(bytes), "video/mp4");
        };
        return new Transport() {
            @Override
            public InMemoryEventSource events() {
                return channel.events;
            }

            @Override
            public RecordingForwarder results() {
                return channel.outcomes;
            }

            @Override
            public RecordingForwarder deadLetters() {
                return channel.outcomes;
            }

            @Override
            public Optional<MediaFetcher> media() {
                return Optional.of(media);
            }

            @Override
            public void close() {
                channel.events.close();
            }
        };
    }
}
