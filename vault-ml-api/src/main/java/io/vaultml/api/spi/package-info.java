/**
 * Provider factories discovered with {@link java.util.ServiceLoader}: a jar registers a
 * {@link io.vaultml.api.spi.DetectorProvider} (or an event source or forwarder provider) in
 * {@code META-INF/services}, and {@link io.vaultml.api.spi.Providers} selects one by name or, when none is
 * named, the available one with the highest priority.
 *
 * <p>Provider constructors must be cheap and side-effect free (ServiceLoader instantiates every provider on the
 * class path, used or not): load models, open connections and touch native code only in
 * {@link io.vaultml.api.spi.ComponentProvider#create}.
 */
package io.vaultml.api.spi;
