/**
 * The reference worker: {@link io.vaultml.worker.Main} reads the environment ({@link io.vaultml.worker.WorkerSettings}),
 * assembles an event source, a media fetcher, a detector (through {@link java.util.ServiceLoader}), the tracker
 * and the forwarders, and runs the {@link io.vaultml.worker.Worker} loop.
 */
package io.vaultml.worker;
