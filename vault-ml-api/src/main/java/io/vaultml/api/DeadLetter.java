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

    public static DeadLetter of(Delivery delivery, String recordingKey, UnprocessableInputException cause) {
        return new DeadLetter(delivery, recordingKey, cause.stage(), String.valueOf(cause.getMessage()),
                cause.getClass().getName());
    }
}
