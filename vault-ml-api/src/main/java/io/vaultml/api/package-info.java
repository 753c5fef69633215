/**
 * The vault-ml contract: immutable model types (a {@link io.vaultml.api.RecordingEvent}, the fetched
 * {@link io.vaultml.api.Media}, decoded {@link io.vaultml.api.Frame}s, {@link io.vaultml.api.Detection}s,
 * {@link io.vaultml.api.Track}s and the {@link io.vaultml.api.AnalysisResult}) and the five extension points
 * a pipeline is assembled from: {@link io.vaultml.api.EventSource}, {@link io.vaultml.api.MediaFetcher},
 * {@link io.vaultml.api.Detector}, {@link io.vaultml.api.Tracker} and {@link io.vaultml.api.Forwarder}
 * (plus {@link io.vaultml.api.DeadLetterSink} for events that can never succeed).
 *
 * <p>Everything here is non-null unless a parameter or accessor says otherwise. Coordinates are pixels of the
 * original (decoded) image, origin top-left, x to the right, y down.
 *
 * <p>Failures are unchecked and sorted into three classes: {@link io.vaultml.api.ConfigException} (the
 * worker cannot start), {@link io.vaultml.api.RetriableException} (transient: back off and try again,
 * nothing is committed) and {@link io.vaultml.api.UnprocessableInputException} (permanent for this
 * recording: it goes to the dead-letter destination with the reason, then is committed).
 */
package io.vaultml.api;
