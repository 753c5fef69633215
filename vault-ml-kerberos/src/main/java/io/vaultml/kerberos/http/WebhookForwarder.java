package io.vaultml.kerberos.http;

import io.vaultml.api.ResultMessage;
import io.vaultml.api.Secret;
import io.vaultml.kerberos.KerberosResults;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts results with at least {@code threshold} objects of interest to any URL, for alerting integrations. With a
 * bearer token it sends {@code Authorization: Bearer ...}; with an HMAC secret it signs the exact body:
 * {@code X-VaultML-Signature: sha256=<hex HMAC-SHA256>}, so the receiver can verify origin and integrity.
 * {@code X-VaultML-Key} carries the recording key for deduplication. The body never carries the event's Vault
 * storage credentials nor its Hub {@code publickey}.
 */
public final class WebhookForwarder extends ThresholdForwarder {
    private final URI url;
    private final Secret bearer;
    private final Secret hmacSecret;

    public WebhookForwarder(URI url, Secret bearer, Secret hmacSecret, int threshold, Duration timeout,
            Resilience resilience) {
        super(threshold, timeout, resilience);
        this.url = url;
        this.bearer = bearer;
        this.hmacSecret = hmacSecret;
    }

    @Override
    void send(ResultMessage message) {
        // A third party: never the storage credentials or the Hub publickey, whatever the result topic carries.
        byte[] body = KerberosResults.withoutCredentials(message.body(), false);
        call("webhook for " + message.key(), HttpCall.origin(url), true, () -> new HttpCall("POST", url).body(body)
                .header("Authorization", bearer == null ? null : "Bearer " + bearer.reveal())
                .header("X-VaultML-Signature", hmacSecret == null ? null : "sha256=" + sign(body))
                .header("X-VaultML-Key", message.key()));
    }

    String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacSecret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String describe() {
        return "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + url.getPath() + " (threshold " + threshold + ")";
    }
}
