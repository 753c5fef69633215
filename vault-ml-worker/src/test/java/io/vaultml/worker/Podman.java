package io.vaultml.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Podman for the image tests: whether the image {@code scripts/image-test.sh} builds is there (skipping without it,
 * failing where {@code VAULT_ML_REQUIRE_IMAGE=true}, as in CI), and commands with their output.
 */
final class Podman {
    static final String CPU_IMAGE = "vault-ml:cpu";

    /** What a command said and how it ended; exit -1 when it could not run or did not end in time. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Podman() {
    }

    static void requireImage(String image) {
        boolean present = run("podman", "image", "exists", image).ok();
        if (!present && Boolean.parseBoolean(System.getenv("VAULT_ML_REQUIRE_IMAGE"))) {
            throw new AssertionError("the image " + image + " is required (VAULT_ML_REQUIRE_IMAGE=true) but Podman "
                    + "does not have it: run scripts/image-test.sh first");
        }
        Assumptions.assumeTrue(present, "SKIPPED: no Podman image " + image + " (scripts/image-test.sh builds it)");
    }

    static Result run(String... command) {
        return run(List.of(command));
    }

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(did not end within 180 s)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
