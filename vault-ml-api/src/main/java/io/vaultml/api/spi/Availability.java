package io.vaultml.api.spi;

import java.util.Objects;

/**
 * Whether a provider can work in this process, and if not, why (shown when selection fails).
 *
 * @param usable true when {@link ComponentProvider#create} can be expected to succeed
 * @param reason why it is not available; empty when it is
 */
public record Availability(boolean usable, String reason) {

    private static final Availability AVAILABLE = new Availability(true, "");

    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    public static Availability ok() {
        return AVAILABLE;
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
