package io.vaultml.kerberos.http;

import io.vaultml.api.RecordingEvent;
import io.vaultml.api.ResultMessage;
import java.time.Duration;

/**
 * {@code FORWARDING_MEDIA}: when a result has at least {@code threshold} objects of interest
 * ({@link io.vaultml.api.AnalysisResult#objectsOfInterest()}), asks Vault to forward the recording to the remote
 * Vault configured on the account: {@code POST {base}/storage/forward/media} with the file name, access key and
 * secret headers and no body. Vault marks the media and forwards it in the background.
 */
public final class VaultMediaForwarder extends ThresholdForwarder {
    private final VaultEndpoint endpoint;

    public VaultMediaForwarder(VaultEndpoint endpoint, int threshold, Duration timeout, Resilience resilience) {
        super(threshold, timeout, resilience);
        this.endpoint = endpoint;
    }

    @Override
    void send(ResultMessage message) {
        RecordingEvent event = message.result().event();
        VaultEndpoint target = endpoint.forEvent(event);
        call("Vault media forwarding of " + event.key(), target.origin(), target.configured(), () -> target
                .call("POST", "/storage/forward/media", event, false).header("Content-Type", "application/json"));
    }

    @Override
    public String describe() {
        return "Vault media forwarding at " + endpoint.baseUrl() + " (threshold " + threshold + ")";
    }
}
