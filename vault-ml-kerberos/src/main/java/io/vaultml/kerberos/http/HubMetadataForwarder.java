package io.vaultml.kerberos.http;

import io.vaultml.api.ResultMessage;
import io.vaultml.api.Secret;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.kerberos.KerberosResults;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code FORWARDING_METADATA}: when a result has at least {@code threshold} objects of interest, posts it to
 * Kerberos Hub's ingress, {@code POST {hub}/queue} with body {@code {"message": <result>}} and header
 * {@code X-Kerberos-Cloud-Key}: the configured key, else the event's {@code payload.metadata.publickey}. The
 * Vault storage credentials a Hub dispatch carried ({@code data.storage_access_key}, {@code data.storage_secret})
 * are left out of the body; the {@code publickey} stays, since it is the Hub tenant's own key.
 */
public final class HubMetadataForwarder extends ThresholdForwarder {
    private final String hubUrl;
    private final Secret configuredKey;

    /** @param configuredKey the Hub key, or null to use each event's publickey */
    public HubMetadataForwarder(String hubUrl, Secret configuredKey, int threshold, Duration timeout,
            Resilience resilience) {
        super(threshold, timeout, resilience);
        this.hubUrl = hubUrl.replaceAll("/+$", "");
        this.configuredKey = configuredKey;
    }

    @Override
    void send(ResultMessage message) {
        String key = message.key();
        Secret cloudKey = configuredKey != null ? configuredKey
                : message.result().event().hubPublicKey().orElseThrow(() -> new UnprocessableInputException("forward",
                        "Hub metadata forwarding of " + key + ": no HUB_KEY configured and the event has no publickey"));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"message\":".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(KerberosResults.withoutCredentials(message.body(), true));
        body.writeBytes("}".getBytes(StandardCharsets.UTF_8));
        URI queue = URI.create(hubUrl + "/queue");
        call("Hub metadata forwarding of " + key, HttpCall.origin(queue), true, () -> new HttpCall("POST", queue)
                .header("X-Kerberos-Cloud-Key", cloudKey.reveal()).body(body.toByteArray()));
    }

    @Override
    public String describe() {
        return "Kerberos Hub metadata at " + hubUrl + " (threshold " + threshold + ")";
    }
}
