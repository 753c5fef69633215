package io.vaultml.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A serialised result on its way out: what a {@link Forwarder} publishes.
 *
 * @param key the recording key ({@code payload.key}); Kafka uses it as the record key so consumers can
 *     deduplicate redeliveries and compact
 * @param body the result JSON, UTF-8
 * @param headers provenance (model, detector, processing time); never secrets
 * @param result the structured result the body was made from, for forwarders that decide on it (thresholds)
 */
public record ResultMessage(String key, byte[] body, Map<String, String> headers, AnalysisResult result) {

    public ResultMessage {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(result, "result");
        body = body.clone();
        headers = Map.copyOf(headers);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResultMessage m && key.equals(m.key) && java.util.Arrays.equals(body, m.body)
                && headers.equals(m.headers) && result.equals(m.result);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, java.util.Arrays.hashCode(body), headers);
    }

    @Override
    public String toString() {
        return "ResultMessage[key=" + key + ", " + body.length + " bytes, headers=" + headers + "]";
    }
}
