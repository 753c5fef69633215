package io.vaultml.local;

import io.vaultml.analysis.DirectoryFetcher;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.Transport;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.spi.TransportProvider;
import io.vaultml.kerberos.http.KerberosHttpConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code QUEUE_SYSTEM=LOCAL}, the default: recordings from a watched folder (as a Kerberos Agent writes them),
 * results as JSON lines to a file or standard output, dead letters and the processed list in {@code STATE_DIR}.
 * No external service.
 */
public final class LocalTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public ConfigDef configDef() {
        return LocalSettings.CONFIG;
    }

    @Override
    public boolean fetchesFromVault() {
        return false;
    }

    @Override
    public Transport open(Config config, int maxInFlight) {
        try {
            Path watch = Path.of(config.get(LocalSettings.WATCH_DIR));
            if (!config.isSet(LocalSettings.WATCH_DIR)) {
                Files.createDirectories(watch); // the default folder may not exist yet
            }
            Path state = Path.of(config.get(LocalSettings.STATE_DIR));
            JsonLinesSink results = JsonLinesSink.open(config.get(LocalSettings.RESULTS_FILE));
            JsonLinesSink deadLetters;
            try {
                deadLetters = JsonLinesSink.toFile(state.resolve("dead-letters.jsonl"));
            } catch (RuntimeException e) {
                results.close();
                throw e;
            }
            DirectoryEventSource events = new DirectoryEventSource(watch, state, config.get(LocalSettings.WATCH_INTERVAL),
                    config.get(LocalSettings.RUN_ONCE));
            return new Opened(events, results, deadLetters,
                    new DirectoryFetcher(watch, KerberosHttpConfig.maxRecordingBytes(config)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the local folders: " + e.getMessage(), e);
        }
    }

    private record Opened(DirectoryEventSource events, JsonLinesSink results, JsonLinesSink deadLetters,
            DirectoryFetcher files) implements Transport {
        @Override
        public Optional<MediaFetcher> media() {
            return Optional.of(files);
        }

        @Override
        public void close() {
            events.close();
            results.close();
            deadLetters.close();
        }
    }
}
