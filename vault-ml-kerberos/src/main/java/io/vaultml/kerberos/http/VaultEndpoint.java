package io.vaultml.kerberos.http;

import io.vaultml.api.ConfigException;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Secret;
import io.vaultml.api.StorageOverride;
import java.net.URI;
import java.util.Objects;

/**
 * A Vault API base URL and account credentials. {@link #forEvent} applies a Hub dispatch's per-recording
 * overrides ({@code data.storage_uri}, {@code storage_access_key}, {@code storage_secret}) to one call only: the
 * configured endpoint is immutable, so an override can never leak into later recordings (the predecessor's bug).
 *
 * @param baseUrl e.g. {@code http://vault-lb.kerberos-vault/api}
 * @param accessKey account access key
 * @param secretKey account secret
 */
public record VaultEndpoint(String baseUrl, String accessKey, Secret secretKey) {

    public VaultEndpoint {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        baseUrl = baseUrl.replaceAll("/+$", "");
    }

    public VaultEndpoint forEvent(RecordingEvent event) {
        StorageOverride o = event.storageOverride();
        if (o.isEmpty()) {
            return this;
        }
        return new VaultEndpoint(o.uriOverride().orElse(baseUrl), o.accessKeyOverride().orElse(accessKey),
                o.secretKeyOverride().orElse(secretKey));
    }

    URI resolve(String path) {
        try {
            return URI.create(baseUrl + path);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Vault URL " + baseUrl + " is not valid");
        }
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
        return "VaultEndpoint[" + baseUrl + ", accessKey=" + Secret.MASK + ", secretKey=" + Secret.MASK + "]";
    }
}
