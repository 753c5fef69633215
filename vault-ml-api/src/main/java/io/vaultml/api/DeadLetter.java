package io.vaultml.api;

import java.util.Objects;

/**
 * An event that can never succeed, with why.
 *
 * @param delivery the original message, bytes untouched
 * @param recordingKey the recording it concerns, or empty when the event could not even be parsed
 * @param stage where it failed: {@code parse}, {@code fetch}, {@code decode}, {@code detect}, ...
 * @param reason human-readable cause, naming the recording; never contains a secret
 * @param exceptionClass the class of the exception that decided it
 */
public record DeadLetter(Delivery delivery, String recordingKey, String stage, String reason, String exceptionClass) {

    public DeadLetter {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(recordingKey, "recordingKey");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(exceptionClass, "exceptionClass");
    }

    /**
     * The same entry without the original body, for a destination that refused the full one (too large, say):
     * the reason says why and how large the body was, so the entry still names the recording and the cause.
     */
    public DeadLetter withoutBody(String why) {
        int size = delivery.payload().length;
        java.util.Map<String, String> attributes = new java.util.HashMap<>(delivery.attributes());
        attributes.put("vaultml-original-bytes", String.valueOf(size));
        Delivery reduced = new Delivery(delivery.id(), new byte[0], attributes, delivery.attempt());
        return new DeadLetter(reduced, recordingKey, stage, reason + " [original body of " + size
                + " bytes left out: " + why + "]", exceptionClass);
    }

    public static DeadLetter of(Delivery delivery, String recordingKey, UnprocessableInputException cause) {
        return new DeadLetter(delivery, recordingKey, cause.stage(), String.valueOf(cause.getMessage()),
                cause.getClass().getName());
    }
}
