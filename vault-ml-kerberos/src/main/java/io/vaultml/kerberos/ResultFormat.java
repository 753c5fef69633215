package io.vaultml.kerberos;

import java.util.Locale;

/** How a result is written (docs: kerberos-protocol §4). */
public enum ResultFormat {
    /**
     * The original vault-ml format: the inbound event plus {@code operation: "classification"} and
     * {@code data: {probabilities, labels, boxes}}, one entry per analysed frame.
     */
    LEGACY("classification"),
    /**
     * The Kerberos Hub format: the inbound event plus {@code operation: "classify"} and {@code data} merged with
     * {@code {objectCount, properties, details[]}}, one detail per tracked object.
     */
    HUB("classify");

    private final String operation;

    ResultFormat(String operation) {
        this.operation = operation;
    }

    /** The {@code operation} field value this format writes. */
    public String operation() {
        return operation;
    }

    /** Accepts {@code legacy} and {@code hub} in any case: the values {@code RESULT_FORMAT} takes. */
    public static ResultFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "legacy" -> LEGACY;
            case "hub" -> HUB;
            default -> throw new IllegalArgumentException("unknown result format '" + text + "'; use legacy or hub");
        };
    }
}
