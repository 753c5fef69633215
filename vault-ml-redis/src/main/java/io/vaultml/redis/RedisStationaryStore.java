package io.vaultml.redis;

import io.vaultml.api.OutageException;
import io.vaultml.api.StationaryStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * {@code STATIONARY_MEMORY=redis}: each camera's text under one key ({@code REDIS_KEY_PREFIX} + camera), shared by
 * every worker. An update is optimistic: {@code WATCH} the key, read it, compute, then {@code MULTI SET PX EXEC};
 * Redis refuses the {@code EXEC} when another worker changed the key in between, and the update is computed again
 * from the new text, so no worker's recording is lost. Redis itself expires a camera's key {@code ttl} after its last
 * update ({@code PX}), so a camera that stops recording leaves nothing behind.
 *
 * <p>Credentials and TLS come from the URL ({@code rediss://}); no message, log line or {@link #describe()} holds
 * the URL's user information. Connections are pooled (at most {@value #CONNECTIONS}) and made on first use, so a
 * Redis that is down at startup only costs the memory until it answers. Every command waits at most the timeout.
 */
public final class RedisStationaryStore implements StationaryStore {
    /** Updates of one camera that may collide in a row before this one gives up (the recording then counts all). */
    static final int ATTEMPTS = 16;
    /** As many as recordings may be analysed at once ({@code CONCURRENCY} at most 64): none waits for another's. */
    static final int CONNECTIONS = 64;

    private final JedisPool pool;
    private final String keyPrefix;
    private final String where;
    private final String password;
    private final long timeoutNanos;

    /**
     * @param uri {@code redis://} or {@code rediss://}; without a port, 6379
     * @param timeout how long one update may take in all: connecting, waiting for a pooled connection, and every
     *     command of every attempt
     */
    public RedisStationaryStore(URI uri, String keyPrefix, Duration timeout) {
        uri = withPort(uri);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.timeoutNanos = timeout.toNanos();
        HostAndPort server = JedisURIHelper.getHostAndPort(uri);
        this.where = "Redis at " + server + " (database " + (JedisURIHelper.hasDbIndex(uri)
                ? JedisURIHelper.getDBIndex(uri) : 0) + (JedisURIHelper.isRedisSSLScheme(uri) ? ", TLS" : "") + ")";
        this.password = JedisURIHelper.getPassword(uri);
        this.keyPrefix = keyPrefix;
        JedisPoolConfig connections = new JedisPoolConfig();
        connections.setMaxTotal(CONNECTIONS);
        connections.setMaxIdle(CONNECTIONS);
        connections.setMinIdle(0);
        connections.setMaxWait(timeout); // an exhausted pool waits no longer than a command would
        connections.setJmxEnabled(false);
        pool = new JedisPool(connections, server, DefaultJedisClientConfig.builder(uri).connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis).clientName("vault-ml").build());
    }

    @Override
    public String update(String camera, UnaryOperator<String> change, Duration ttl) {
        String key = keyPrefix + camera;
        SetParams expiry = SetParams.setParams().px(Math.max(1, ttl.toMillis()));
        long deadline = System.nanoTime() + timeoutNanos;
        try (Jedis redis = pool.getResource()) {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                // Each attempt's commands share what is left of the update's time.
                redis.getConnection().setSoTimeout(remainingMillis(deadline, camera, attempt));
                redis.watch(key);
                String next;
                try {
                    next = change.apply(current(redis, key));
                } catch (RuntimeException e) {
                    redis.unwatch(); // the connection goes back to the pool clean
                    throw e;
                }
                Transaction tx = redis.multi();
                tx.set(key, next, expiry);
                List<Object> done = tx.exec();
                if (done != null && !done.isEmpty()) {
                    return next;
                }
                // Another worker updated this camera between WATCH and EXEC: compute again from its text, after a
                // random pause growing with the attempts, so that colliding workers fall out of step.
                pause(Math.min(ThreadLocalRandom.current().nextInt(1, 2 + 4 * attempt),
                        remainingMillis(deadline, camera, attempt + 1)));
            }
            throw new java.util.ConcurrentModificationException(ATTEMPTS + " updates of camera " + camera
                    + " in a row met another worker's");
        } catch (JedisException e) {
            throw new OutageException(where + ": " + redacted(e), Duration.ofSeconds(5));
        }
    }

    /** The camera's text; a key of another type (left by another program) is nothing remembered: SET replaces it. */
    private static String current(Jedis redis, String key) {
        try {
            return redis.get(key);
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
                return null;
            }
            throw e;
        }
    }

    /**
     * What is left of the update's time, in whole milliseconds. None left before the first attempt: Redis was too
     * slow to give a connection (an outage); before a later one: other workers' updates won (the store works).
     */
    private int remainingMillis(long deadline, String camera, int attempt) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 && attempt <= 1) {
            throw new OutageException(where + ": no connection within REDIS_TIMEOUT", Duration.ofSeconds(5));
        }
        if (left <= 0) {
            throw new java.util.ConcurrentModificationException("camera " + camera
                    + ": no time left after other workers' updates");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** The URL with Redis's port where it names none. */
    static URI withPort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri;
        }
        return URI.create(uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
                + uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1) + ":6379"
                + (uri.getRawPath() == null ? "" : uri.getRawPath()));
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutageException("interrupted while updating the memory of parked objects", Duration.ZERO);
        }
    }

    /**
     * The failure in words, without the cause chain (kept out on purpose: a cause's text is the client's, and a
     * password must never reach a log through it) and with the URL's password blanked should a message hold it.
     */
    private String redacted(JedisException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + (root != e && root.getMessage() != null ? " (" + root.getMessage() + ")" : "");
        return password == null || password.isEmpty() ? text : text.replace(password, "[hidden]");
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public String toString() {
        return where;
    }

    @Override
    public void close() {
        pool.close();
    }
}
