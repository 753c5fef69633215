package io.vaultml.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.OutageException;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigSource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The store against the machine's Redis: atomic per camera across "workers", expiry in Redis, outages. */
class RedisStationaryStoreTest {
    final String prefix = "vault-ml-test:" + UUID.randomUUID() + ":";

    @Test
    void updatesOfOneCameraFromTwoWorkersAtOnceLoseNothing() throws Exception {
        URI redis = LocalRedis.require();
        // Two stores, two connection pools: as two worker processes sharing the server.
        try (RedisStationaryStore a = new RedisStationaryStore(redis, prefix, Duration.ofSeconds(2));
                RedisStationaryStore b = new RedisStationaryStore(redis, prefix, Duration.ofSeconds(2))) {
            int threads = 8;
            int each = 40;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                RedisStationaryStore store = t % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        store.update("cam", old -> String.valueOf(old == null ? 1 : Integer.parseInt(old) + 1),
                                Duration.ofMinutes(1));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            assertEquals(String.valueOf(threads * each), a.update("cam", old -> old, Duration.ofMinutes(1)),
                    "every increment of every worker kept");
        }
    }

    @Test
    void redisExpiresACamerasKeyAfterItsLastUpdate() {
        URI redis = LocalRedis.require();
        try (RedisStationaryStore store = new RedisStationaryStore(redis, prefix, Duration.ofSeconds(2));
                Jedis raw = new Jedis(redis)) {
            List<String> seen = new ArrayList<>();
            store.update("highway", old -> {
                seen.add(String.valueOf(old));
                return "places";
            }, Duration.ofSeconds(30));
            assertEquals(List.of("null"), seen, "a camera never seen gets null");
            long ttl = raw.pttl(prefix + "highway");
            assertTrue(ttl > 0 && ttl <= 30_000, "expiry set in Redis: " + ttl);
            assertEquals("places", raw.get(prefix + "highway"));
            raw.del(prefix + "highway");
            store.update("highway", old -> {
                assertNull(old, "expired (here: deleted) is forgotten");
                return "again";
            }, Duration.ofSeconds(30));
        }
    }

    @Test
    void aUrlWithoutPortIsRedissDefaultAndAKeyOfAnotherTypeIsNothingRemembered() {
        URI redis = LocalRedis.require();
        Assumptions.assumeTrue(redis.getPort() < 0 || redis.getPort() == 6379, "needs Redis on its default port");
        try (RedisStationaryStore store = new RedisStationaryStore(URI.create("redis://" + redis.getHost()), prefix,
                Duration.ofSeconds(2)); Jedis raw = new Jedis(redis)) {
            raw.hset(prefix + "cam", "left", "by another program");
            List<String> seen = new ArrayList<>();
            store.update("cam", old -> {
                seen.add(String.valueOf(old));
                return "places";
            }, Duration.ofMinutes(1));
            assertEquals(List.of("null"), seen);
            assertEquals("places", raw.get(prefix + "cam"));
            assertEquals("Redis at " + redis.getHost() + ":6379 (database 0)", store.describe());
        }
    }

    @Test
    void aRedisThatStopsAnsweringCostsOneUpdateItsTimeoutNotMore() {
        URI redis = LocalRedis.require();
        try (RedisStationaryStore store = new RedisStationaryStore(redis, prefix, Duration.ofMillis(200));
                Jedis raw = new Jedis(redis)) {
            store.update("cam", old -> "warm", Duration.ofMinutes(1)); // a pooled connection exists
            // Every client's commands wait 5 s (this one's too, so it is not lifted early): a Redis that hangs. Had
            // the update waited for Redis instead of its timeout, it would have succeeded after the pause.
            raw.clientPause(5_000);
            assertThrows(OutageException.class, () -> store.update("cam", old -> "x", Duration.ofMinutes(1)));
        }
        try (Jedis patient = new Jedis(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort(), 10_000)) {
            assertEquals("PONG", patient.ping(), "the pause is over before the next test");
        }
    }

    @Test
    void aRedisThatIsDownIsAnOutageThatNamesNoPassword() throws Exception {
        URI down = URI.create("redis://vault:s3cret-pass@127.0.0.1:" + LocalRedis.deadPort() + "/2");
        try (RedisStationaryStore store = new RedisStationaryStore(down, prefix, Duration.ofSeconds(1))) {
            OutageException e = assertThrows(OutageException.class,
                    () -> store.update("cam", old -> "x", Duration.ofMinutes(1)));
            assertTrue(e.getMessage().startsWith("Redis at 127.0.0.1:"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
            assertNull(e.getCause(), "no cause whose text could hold the URL");
            assertEquals("Redis at 127.0.0.1:" + down.getPort() + " (database 2)", store.describe());
            assertFalse(store.toString().contains("s3cret"));
        }
    }

    @Test
    void credentialsRedisRefusesAreAnOutageThatNamesNoPassword() {
        URI redis = LocalRedis.require();
        URI wrong = URI.create("redis://nobody-" + UUID.randomUUID() + ":s3cret-pass@" + redis.getHost() + ":"
                + (redis.getPort() < 0 ? 6379 : redis.getPort()));
        try (RedisStationaryStore store = new RedisStationaryStore(wrong, prefix, Duration.ofSeconds(1))) {
            OutageException e = assertThrows(OutageException.class,
                    () -> store.update("cam", old -> "x", Duration.ofMinutes(1)));
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
            assertTrue(e.getMessage().toUpperCase().contains("WRONGPASS") || e.getMessage().contains("AUTH"),
                    e.getMessage());
        }
    }

    @Test
    void everyProblemOfTheSettingsIsReportedWithoutTheUrl() {
        RedisStationaryStoreProvider provider = new RedisStationaryStoreProvider();
        assertEquals(List.of("STATIONARY_MEMORY=redis needs REDIS_URL, for example redis://127.0.0.1:6379/0"),
                provider.validate(config(Map.of())));
        List<String> problems = provider.validate(config(Map.of("REDIS_URL", "http://u:s3cret@/db", "REDIS_TIMEOUT",
                "0s")));
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.stream().noneMatch(p -> p.contains("s3cret")), problems.toString());
        assertEquals(List.of(), provider.validate(config(Map.of("REDIS_URL", "rediss://u:p@redis.example:6380/3"))));
        assertEquals(List.of("REDIS_URL's user information must be user:password or :password (before the @)"),
                provider.validate(config(Map.of("REDIS_URL", "redis://s3cret@redis.example"))));
        Config good = config(Map.of("REDIS_URL", "redis://u:s3cret@127.0.0.1:6379/1"));
        assertFalse(good.describe().toString().contains("s3cret"), good.describe().toString());
    }

    private static Config config(Map<String, String> env) {
        return RedisSettings.CONFIG.parse(ConfigSource.of(env));
    }
}
