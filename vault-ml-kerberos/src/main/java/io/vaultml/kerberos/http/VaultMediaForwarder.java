package io.vaultml.kerberos.http;

import io.vaultml.api.Forwarder;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.UnprocessableInputException;
import java.time.Duration;

/**
 * {@code FORWARDING_MEDIA}: when a result has at least {@code threshold} objects of interest
 * ({@link io.vaultml.api.AnalysisResult#objectsOfInterest()}), asks Vault to forward the recording to the remote
 * Vault configured on the account: {@code POST {base}/storage/forward/media} with the file name, access key and
 * secret headers and no body. Vault marks the media and forwards it in the background.
 */
public final class VaultMediaForwarder implements Forwarder {
    private final VaultEndpoint endpoint;
    private final int threshold;
    private final Duration timeout;
    private final Resilience resilience;

    public VaultMediaForwarder(VaultEndpoint endpoint, int threshold, Duration timeout, Resilience resilience) {
        this.endpoint = endpoint;
        this.threshold = threshold;
        this.timeout = timeout;
        this.resilience = resilience;
    }

    @Override
    public void forward(ResultMessage message) {
        if (message.result().objectsOfInterest() < threshold) {
            return;
        }
        RecordingEvent event = message.result().event();
        String what = "Vault media forwarding of " + event.key();
        HttpCall.Response r = resilience.call(() -> endpoint.forEvent(event)
                .call("POST", "/storage/forward/media", event, false).header("Content-Type", "application/json")
                .send(what, "forward", timeout, timeout, 1 << 16));
        if (!r.ok()) {
            throw new UnprocessableInputException("forward", what + " failed: HTTP " + r.status() + " " + r.excerpt());
        }
    }

    @Override
    public String describe() {
        return "Vault media forwarding at " + endpoint.baseUrl() + " (threshold " + threshold + ")";
    }
}
