package io.vaultml.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Redis tests run against: {@code $REDIS_URL}, default {@code redis://127.0.0.1:6379}. Where none
 * answers the test is skipped, saying so, unless {@code VAULT_ML_REQUIRE_REDIS=true} (CI sets it, and starts the
 * machine's server first), where it fails.
 */
public final class LocalRedis {
    private LocalRedis() {
    }

    /** The server's URL, or a skip (a failure where Redis is required). */
    public static URI require() {
        URI uri = URI.create(Optional.ofNullable(System.getenv("REDIS_URL")).filter(s -> !s.isBlank())
                .orElse("redis://127.0.0.1:6379"));
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), 2000);
            return uri;
        } catch (IOException e) {
            String why = "no Redis answers at " + uri.getHost() + ":" + port + " (" + e.getMessage()
                    + "); start one (redis-server --daemonize yes --save \"\") or set REDIS_URL";
            if (Boolean.parseBoolean(System.getenv("VAULT_ML_REQUIRE_REDIS"))) {
                return Assertions.fail("Redis is required (VAULT_ML_REQUIRE_REDIS=true) but " + why);
            }
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
            return uri;
        }
    }

    /** A port on this machine where nothing listens (found free a moment ago). */
    public static int deadPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
