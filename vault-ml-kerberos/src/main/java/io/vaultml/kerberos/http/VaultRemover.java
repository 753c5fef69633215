package io.vaultml.kerberos.http;

import io.vaultml.api.Forwarder;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.UnprocessableInputException;
import java.time.Duration;

/**
 * {@code REMOVE_AFTER_PROCESSED}: {@code DELETE {base}/storage} with the four storage headers. Put it last in the
 * forwarder chain: it runs only after the result was published and every forwarding succeeded, and never for a
 * recording that failed. A 404 counts as done, so a redelivered event whose recording is already gone does not
 * fail here.
 */
public final class VaultRemover implements Forwarder {
    private final VaultEndpoint endpoint;
    private final Duration timeout;
    private final Resilience resilience;
    private final RemovedRecordings removed;

    public VaultRemover(VaultEndpoint endpoint, Duration timeout, Resilience resilience) {
        this(endpoint, timeout, resilience, new RemovedRecordings(0));
    }

    /** @param removed where each removed recording is remembered, for the fetcher to recognise a redelivery */
    public VaultRemover(VaultEndpoint endpoint, Duration timeout, Resilience resilience, RemovedRecordings removed) {
        this.removed = removed;
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.resilience = resilience;
    }

    @Override
    public void forward(ResultMessage message) {
        RecordingEvent event = message.result().event();
        String what = "Vault delete of " + event.key();
        VaultEndpoint target = endpoint.forEvent(event);
        HttpCall.Response r = resilience.call(target.origin(), target.configured(),
                () -> target.call("DELETE", "/storage", event, true).send(what, "forward", timeout, timeout, 1 << 16));
        if (!r.ok() && r.status() != 404) {
            throw new UnprocessableInputException("forward", what + " failed: HTTP " + r.status() + " " + r.excerpt());
        }
        removed.add(event.key());
    }

    @Override
    public String describe() {
        return "Vault delete at " + endpoint.baseUrl();
    }
}
