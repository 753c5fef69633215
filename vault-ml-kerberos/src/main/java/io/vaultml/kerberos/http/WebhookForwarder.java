package io.vaultml.kerberos.http;

import io.vaultml.api.Forwarder;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.Secret;
import io.vaultml.api.UnprocessableInputException;
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
 * {@code X-VaultML-Key} carries the recording key for deduplication.
 */
public final class WebhookForwarder implements Forwarder {
    private final URI url;
    private final Secret bearer;
    private final Secret hmacSecret;
    private final int threshold;
    private final Duration timeout;
    private final Resilience resilience;

    public WebhookForwarder(URI url, Secret bearer, Secret hmacSecret, int threshold, Duration timeout,
            Resilience resilience) {
        this.url = url;
        this.bearer = bearer;
        this.hmacSecret = hmacSecret;
        this.threshold = threshold;
        this.timeout = timeout;
        this.resilience = resilience;
    }

    @Override
    public void forward(ResultMessage message) {
        if (message.result().objectsOfInterest() < threshold) {
            return;
        }
        byte[] body = message.body();
        String what = "webhook for " + message.key();
        HttpCall.Response r = resilience.call(() -> new HttpCall("POST", url).body(body)
                .header("Authorization", bearer == null ? null : "Bearer " + bearer.reveal())
                .header("X-VaultML-Signature", hmacSecret == null ? null : "sha256=" + sign(body))
                .header("X-VaultML-Key", message.key())
                .send(what, "forward", timeout, timeout, 1 << 16));
        if (!r.ok()) {
            throw new UnprocessableInputException("forward", what + " failed: HTTP " + r.status() + " " + r.excerpt());
        }
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
