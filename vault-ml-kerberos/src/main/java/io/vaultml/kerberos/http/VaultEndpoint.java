package io.vaultml.kerberos.http;

import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Secret;
import io.vaultml.api.StorageOverride;
import io.vaultml.api.UnprocessableInputException;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Vault API base URL and account credentials, plus the hosts the operator trusts with them.
 *
 * <p>{@link #forEvent} applies a Hub dispatch's per-recording overrides ({@code data.storage_uri},
 * {@code storage_access_key}, {@code storage_secret}) to one call only: the configured endpoint is immutable, so
 * an override never leaks into later recordings. The configured keys go only to the configured Vault's host or a
 * host in {@code trustedHosts} ({@code VAULT_ALLOWED_HOSTS}): an override that points anywhere else must bring
 * both its own keys, or the event is rejected (stage {@code fetch}) before anything is sent. A
 * {@code storage_uri} that is not an absolute http(s) URL is rejected the same way.
 *
 * @param baseUrl e.g. {@code http://vault-lb.kerberos-vault/api}
 * @param accessKey account access key
 * @param secretKey account secret
 * @param trustedHosts further places that may receive the configured keys: an origin
 *     ({@code https://vault-b:8443}, matched exactly: scheme, host and port), or a bare host name, which trusts that
 *     host only on the configured Vault's scheme and port, or on https's default port: never plain http or another
 *     port the operator did not name
 * @param configured whether this is the operator's endpoint (false for one an event named)
 */
public record VaultEndpoint(String baseUrl, String accessKey, Secret secretKey, Set<String> trustedHosts,
        boolean configured) {

    public VaultEndpoint {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        baseUrl = baseUrl.replaceAll("/+$", "");
        trustedHosts = trustedHosts.stream().map(VaultEndpoint::normalise).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** A bare host in lower case, or an origin written as {@link HttpCall#origin} writes it. */
    private static String normalise(String entry) {
        String e = entry.trim().toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        if (!e.contains("://")) {
            return e;
        }
        try {
            return HttpCall.origin(HttpCall.httpUrl(e, "An entry of VAULT_ALLOWED_HOSTS", "config"));
        } catch (RuntimeException invalid) {
            return ""; // not a URL: trusts nothing
        }
    }

    /** The operator's Vault, trusted with its own keys only. */
    public VaultEndpoint(String baseUrl, String accessKey, Secret secretKey) {
        this(baseUrl, accessKey, secretKey, Set.of(), true);
    }

    /** The same endpoint, also trusting {@code hosts} with the configured keys. */
    public VaultEndpoint trusting(Set<String> hosts) {
        return new VaultEndpoint(baseUrl, accessKey, secretKey, hosts, configured);
    }

    /**
     * Where this event's calls go, and with which keys.
     *
     * @throws UnprocessableInputException (stage {@code fetch}) for a {@code storage_uri} that is not an absolute
     *     http(s) URL, or one on a host that may not receive the configured keys and brings none of its own
     */
    public VaultEndpoint forEvent(RecordingEvent event) {
        StorageOverride o = event.storageOverride();
        if (o.isEmpty()) {
            return this;
        }
        if (o.uriOverride().isEmpty()) {
            return new VaultEndpoint(baseUrl, o.accessKeyOverride().orElse(accessKey),
                    o.secretKeyOverride().orElse(secretKey), trustedHosts, configured);
        }
        String what = "Recording " + event.key() + ": data.storage_uri";
        URI target = HttpCall.httpUrl(o.uri(), what, VaultMediaFetcher.STAGE);
        String host = target.getHost().toLowerCase(Locale.ROOT);
        boolean sameVault = HttpCall.origin(target).equals(HttpCall.origin(uri()));
        boolean trusted = sameVault || trusts(target);
        if (trusted) {
            return new VaultEndpoint(o.uri(), o.accessKeyOverride().orElse(accessKey),
                    o.secretKeyOverride().orElse(secretKey), trustedHosts, sameVault);
        }
        if (o.accessKeyOverride().isEmpty() || o.secretKeyOverride().isEmpty()) {
            throw new UnprocessableInputException(VaultMediaFetcher.STAGE, what + " names host " + host
                    + ", which is neither the configured Vault (VAULT_API_URL) nor in VAULT_ALLOWED_HOSTS, and the "
                    + "event does not bring both data.storage_access_key and data.storage_secret: the configured "
                    + "keys are never sent to another host");
        }
        return new VaultEndpoint(o.uri(), o.accessKey(), o.secretKey(), Set.of(), false);
    }

    /** Whether {@code target}'s origin may receive the configured keys (see {@link #trustedHosts}). */
    private boolean trusts(URI target) {
        String origin = HttpCall.origin(target);
        if (trustedHosts.contains(origin)) {
            return true;
        }
        String host = target.getHost().toLowerCase(Locale.ROOT);
        if (!trustedHosts.contains(host)) {
            return false;
        }
        URI configuredVault = uri();
        String asConfigured = HttpCall.origin(URI.create(configuredVault.getScheme() + "://" + host
                + (configuredVault.getPort() >= 0 ? ":" + configuredVault.getPort() : "")));
        return origin.equals(asConfigured) || origin.equals("https://" + host + ":443");
    }

    /** The base URL's origin ({@code scheme://host:port}): its circuit breaker's name. */
    String origin() {
        return HttpCall.origin(uri());
    }

    private URI uri() {
        return URI.create(baseUrl);
    }

    URI resolve(String path) {
        return HttpCall.httpUrl(baseUrl + path, "Vault URL", VaultMediaFetcher.STAGE);
    }

    HttpCall call(String method, String path, RecordingEvent event, boolean withProvider) {
        HttpCall call = new HttpCall(method, resolve(path))
                .header("X-Kerberos-Storage-FileName", event.key())
                .header("X-Kerberos-Storage-AccessKey", accessKey)
                .header("X-Kerberos-Storage-SecretAccessKey", secretKey.reveal());
        if (withProvider) {
            call.header("X-Kerberos-Storage-Provider", event.source());
        }
        return call;
    }

    @Override
    public String toString() {
        return "VaultEndpoint[" + baseUrl + ", accessKey=" + Secret.MASK + ", secretKey=" + Secret.MASK
                + (trustedHosts.isEmpty() ? "" : ", trustedHosts=" + trustedHosts) + (configured ? "" : ", from an event")
                + "]";
    }
}
