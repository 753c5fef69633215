package io.vaultml.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Detector;
import io.vaultml.api.ProviderNotFoundException;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigSource;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvidersTest {
    static final Config EMPTY = new ConfigDef().parse(ConfigSource.of(Map.of()));

    record Stub(String name, int priority, Availability availability) implements DetectorProvider {
        @Override
        public Availability availability(Config config) {
            return availability;
        }

        @Override
        public Detector create(Config config) {
            throw new UnsupportedOperationException();
        }
    }

    /** Components of a kind made up for the test: greetings. */
    interface GreetingProvider extends ComponentProvider<String> {
    }

    static final io.vaultml.api.config.ConfigKey<String> GREETING = io.vaultml.api.config.ConfigKey
            .string("GREETING").doc("what to say").build();

    record Loud(int priority) implements GreetingProvider {
        @Override
        public String name() {
            return "loud";
        }

        @Override
        public ConfigDef configDef() {
            return new ConfigDef().define(GREETING);
        }

        @Override
        public List<String> validate(Config config) {
            return config.find(GREETING).isPresent() ? List.of() : List.of("GREETING is required for loud");
        }

        @Override
        public String create(Config config) {
            return config.get(GREETING).toUpperCase(java.util.Locale.ROOT) + "!";
        }
    }

    record Quiet(int priority) implements GreetingProvider {
        @Override
        public String name() {
            return "quiet";
        }

        @Override
        public String create(Config config) {
            return "...";
        }
    }

    @Test
    void oneCallSelectsParsesValidatesAndCreatesAsTheWorkerDoes() {
        Providers<GreetingProvider> found = Providers.of(GreetingProvider.class, List.of(new Loud(10), new Quiet(1)));
        assertEquals("HELLO!", Providers.create(found, "loud", ConfigSource.of(Map.of("GREETING", "hello"))));
        assertEquals("HELLO!", Providers.create(found, null, ConfigSource.of(Map.of("GREETING", "hello"))),
                "no name: the highest priority");
        assertEquals("...", Providers.create(found, "quiet", ConfigSource.of(Map.of())));
        io.vaultml.api.ConfigException e = assertThrows(io.vaultml.api.ConfigException.class,
                () -> Providers.create(found, "loud", ConfigSource.of(Map.of())));
        assertEquals(List.of("GREETING is required for loud"), e.problems());
        assertThrows(ProviderNotFoundException.class, () -> Providers.create(found, "shy", ConfigSource.of(Map.of())));
    }

    static Providers<DetectorProvider> of(DetectorProvider... p) {
        return Providers.of(DetectorProvider.class, List.of(p));
    }

    @Test
    void explicitNameWinsOverPriority() {
        Stub low = new Stub("hog", 10, Availability.ok());
        Stub high = new Stub("onnx-yolo", 100, Availability.ok());
        assertSame(low, of(high, low).select("hog", EMPTY));
        assertSame(high, of(low, high).select(null, EMPTY));
        assertSame(high, of(low, high).select("  ", EMPTY));
    }

    @Test
    void unavailableProvidersAreSkippedAndReportedWhenNothingIsLeft() {
        Stub onnx = new Stub("onnx-yolo", 100, Availability.unavailable("no model configured"));
        Stub hog = new Stub("hog", 10, Availability.ok());
        assertSame(hog, of(onnx, hog).select(null, EMPTY));
        ProviderNotFoundException e = assertThrows(ProviderNotFoundException.class,
                () -> of(onnx, new Stub("x", 1, Availability.unavailable("needs CUDA"))).select(null, EMPTY));
        assertEquals("No usable detector provider. Tried: onnx-yolo (priority 100): no model configured; "
                + "x (priority 1): needs CUDA", e.getMessage());
    }

    @Test
    void tiesAreBrokenByNameNotClassPathOrder() {
        Stub a = new Stub("a", 5, Availability.ok());
        Stub b = new Stub("b", 5, Availability.ok());
        assertSame(a, of(b, a).select(null, EMPTY));
        assertSame(a, of(a, b).select(null, EMPTY));
    }

    @Test
    void unknownOrUnusableNameFailsWithTheAlternatives() {
        Stub hog = new Stub("hog", 10, Availability.ok());
        ProviderNotFoundException e = assertThrows(ProviderNotFoundException.class,
                () -> of(hog, new Stub("fake", 0, Availability.ok())).select("yolo", EMPTY));
        assertEquals("No detector provider named 'yolo'. Available: fake, hog", e.getMessage());
        ProviderNotFoundException e2 = assertThrows(ProviderNotFoundException.class,
                () -> of(new Stub("cuda", 1, Availability.unavailable("no GPU"))).select("cuda", EMPTY));
        assertEquals("detector provider 'cuda' is not usable: no GPU", e2.getMessage());
    }

    @Test
    void duplicateNamesAreAnError() {
        ProviderNotFoundException e = assertThrows(ProviderNotFoundException.class,
                () -> of(new Stub("hog", 1, Availability.ok()), new Stub("hog", 2, Availability.ok()))
                        .select("hog", EMPTY));
        assertTrue(e.getMessage().startsWith("Several detector providers share a name: hog ("), e.getMessage());
    }

    /** A provider registered by ServiceLoader in the test below. */
    public static final class Registered implements DetectorProvider {
        @Override
        public String name() {
            return "registered";
        }

        @Override
        public Detector create(Config config) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aBrokenProviderJarIsReportedNotFatal(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services/" + DetectorProvider.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, "com.example.DoesNotExist\n" + Registered.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            Providers<DetectorProvider> providers = Providers.load(DetectorProvider.class, loader);
            assertEquals(List.of("registered"), providers.names());
            assertEquals(1, providers.loadErrors().size());
            assertTrue(providers.loadErrors().get(0).contains("com.example.DoesNotExist"),
                    providers.loadErrors().toString());
            assertEquals("registered", providers.select(null, EMPTY).name());
        }
    }
}
