package io.vaultml.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared test data (models, recordings, images): {@code $VAULT_ML_TESTDATA} if set, else the
 * {@code vaultml.testdata} system property, else {@code $VAULT_ML_TESTDATA_DEFAULT} (set by the build to
 * {@code ../shared/testdata} beside the checkout), else {@code shared/testdata} in any parent of the working
 * directory's parents. Tests that need it call {@link #require(String)}, which skips them with a message saying
 * where the data was looked for.
 */
public final class TestData {
    private TestData() {
    }

    /** The test data folder, if it can be found. */
    public static Optional<Path> root() {
        for (String candidate : new String[] {System.getenv("VAULT_ML_TESTDATA"),
                System.getProperty("vaultml.testdata"), System.getenv("VAULT_ML_TESTDATA_DEFAULT")}) {
            if (candidate != null && !candidate.isBlank() && Files.isDirectory(Path.of(candidate))) {
                return Optional.of(Path.of(candidate).toAbsolutePath().normalize());
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path shared = dir.resolveSibling("shared").resolve("testdata");
            if (dir.getParent() != null && Files.isDirectory(shared)) {
                return Optional.of(shared.normalize());
            }
        }
        return Optional.empty();
    }

    /**
     * A file or folder inside the test data; skips the calling test (JUnit assumption) when it is missing.
     *
     * @param relative e.g. {@code models/yolov8n_int8.onnx}
     */
    public static Path require(String relative) {
        Optional<Path> root = root();
        Assumptions.assumeTrue(root.isPresent(), () -> "SKIPPED: vault-ml test data not found (set VAULT_ML_TESTDATA "
                + "or put it at ../shared/testdata); needed " + relative);
        Path path = root.get().resolve(relative);
        Assumptions.assumeTrue(Files.exists(path), () -> "SKIPPED: test data file missing: " + path);
        return path;
    }
}
