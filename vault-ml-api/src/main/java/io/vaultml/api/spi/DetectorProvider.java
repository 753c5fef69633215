package io.vaultml.api.spi;

import io.vaultml.api.Detector;

/**
 * Creates a {@link Detector}. Register an implementation in
 * {@code META-INF/services/io.vaultml.api.spi.DetectorProvider}; select it by {@link #name()}.
 */
public interface DetectorProvider extends ComponentProvider<Detector> {
}
