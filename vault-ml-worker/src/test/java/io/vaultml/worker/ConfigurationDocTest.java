package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import io.vaultml.api.spi.TransportProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from the declarations; this keeps it from going stale. */
class ConfigurationDocTest {
    /** The providers the worker jar ships (the test kit's "fake" and "memory" are only on the test class path). */
    static Providers<DetectorProvider> shipped() {
        return Providers.of(DetectorProvider.class, Providers.load(DetectorProvider.class).all().stream()
                .filter(p -> !p.name().equals("fake")).toList());
    }

    static Providers<TransportProvider> shippedTransports() {
        return Providers.of(TransportProvider.class, Providers.load(TransportProvider.class).all().stream()
                .filter(p -> !p.name().equals("memory")).toList());
    }

    @Test
    void theReferencePageMatchesTheDeclarations() throws Exception {
        Path page = Path.of("..", "docs", "configuration.md");
        String expected = Main.configReference(shipped(), shippedTransports());
        assertEquals(expected, Files.readString(page),
                "docs/configuration.md is stale: run java -jar vault-ml-worker/target/vault-ml-worker.jar config-docs "
                        + "> docs/configuration.md");
    }

    @Test
    void theOriginalVaultMlNamesAreDeclared() {
        ConfigDef def = WorkerApp.definition(shipped(), shippedTransports());
        for (String name : List.of("QUEUE_SYSTEM", "NUMBER_OF_PREDICTIONS", "MOVE_DISTANCE")) {
            assertTrue(def.byName().containsKey(name), name);
        }
    }
}
