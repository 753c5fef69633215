package io.vaultml.kerberos;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes an analysis as the result the worker publishes. The one owner of the result settings
 * ({@code RESULT_FORMAT}, {@code LABELS}, {@code RESULT_CREDENTIALS}): the worker, the {@code detect} command and
 * embedding applications build it with {@link #from(Config)} (or {@link #of(ResultFormat)}) and get the same bytes
 * for the same analysis.
 */
public final class ResultWriter {
    public static final String GROUP = "Results";
    public static final ConfigKey<String> RESULT_FORMAT = ConfigKey.string("RESULT_FORMAT").defaultValue("legacy")
            .validator(Validators.oneOf("legacy", "hub")).group(GROUP)
            .doc("legacy: operation \"classification\" with data.probabilities/labels/boxes per frame (vault-ml); "
                    + "hub: operation \"classify\" with data.objectCount/properties/details (Kerberos Hub).").build();
    public static final ConfigKey<String> LABELS = ConfigKey.string("LABELS").defaultValue("auto")
            .validator(Validators.oneOf("auto", "hub", "model")).group(GROUP)
            .doc("Words for classes in results: hub uses the Kerberos Hub classifier's (person -> pedestrian, "
                    + "truck -> lorry, van -> car, bicycle -> cyclist, dog/cat/bird -> animal), model the model's "
                    + "own names; auto: hub for RESULT_FORMAT=hub, model for legacy.").build();
    public static final ConfigKey<String> RESULT_CREDENTIALS = ConfigKey.string("RESULT_CREDENTIALS")
            .defaultValue("auto").validator(Validators.oneOf("auto", "keep", "drop")).group(GROUP)
            .doc("Whether published results echo the event's data.storage_access_key, data.storage_secret and "
                    + "payload.metadata.publickey. auto: kept in the hub format (the Hub pipeline's next stages read "
                    + "them to reach the recording and its tenant), dropped in the legacy format. Webhooks never get "
                    + "them.").build();
    /** The result settings. */
    public static final ConfigDef CONFIG = new ConfigDef().define(RESULT_FORMAT, LABELS, RESULT_CREDENTIALS).frozen();

    private final ResultFormat format;
    private final LabelVocabulary labels;
    private final boolean keepCredentials;

    /**
     * @param labels the words results use for classes
     * @param keepCredentials whether results echo the event's storage credentials and publickey
     */
    public ResultWriter(ResultFormat format, LabelVocabulary labels, boolean keepCredentials) {
        this.format = Objects.requireNonNull(format, "format");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.keepCredentials = keepCredentials;
    }

    /** {@code format} with the defaults of the other settings ({@code LABELS=auto}, {@code RESULT_CREDENTIALS=auto}). */
    public static ResultWriter of(ResultFormat format) {
        return new ResultWriter(format, LabelVocabulary.parse("auto", format), credentials("auto", format));
    }

    /** The writer the settings describe; {@code config} must be parsed with {@link #CONFIG} included. */
    public static ResultWriter from(Config config) {
        ResultFormat format = ResultFormat.parse(config.get(RESULT_FORMAT));
        return new ResultWriter(format, LabelVocabulary.parse(config.get(LABELS), format),
                credentials(config.get(RESULT_CREDENTIALS), format));
    }

    private static boolean credentials(String setting, ResultFormat format) {
        return switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "keep" -> true;
            case "drop" -> false;
            case "auto" -> format == ResultFormat.HUB; // the Hub's next stages read them; legacy consumers never did
            default -> throw new IllegalArgumentException("RESULT_CREDENTIALS must be auto, keep or drop, was " + setting);
        };
    }

    /** The result JSON, UTF-8. */
    public byte[] toJson(AnalysisResult result) {
        return KerberosResults.toJson(result, format, keepCredentials, labels);
    }

    public ResultFormat format() {
        return format;
    }

    public LabelVocabulary labels() {
        return labels;
    }

    public boolean keepsCredentials() {
        return keepCredentials;
    }

    @Override
    public String toString() {
        return "ResultWriter[" + format + ", labels " + labels + (keepCredentials ? ", credentials kept]" : "]");
    }
}
