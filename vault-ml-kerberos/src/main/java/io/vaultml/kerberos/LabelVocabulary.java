package io.vaultml.kerberos;

import java.util.Locale;
import java.util.Map;

/**
 * The words results use for classes. {@link #MODEL}: the model's own names (COCO's {@code person}, {@code truck}).
 * {@link #HUB}: the Kerberos Hub classifier's vocabulary, which its markers, seeded conditions and workflow
 * examples route on ({@code properties contains "pedestrian"}): it renames {@code person} to {@code pedestrian},
 * {@code truck} to {@code lorry}, {@code van} to {@code car}, {@code bicycle} to {@code cyclist}, and {@code dog},
 * {@code cat} and {@code bird} to {@code animal}; every other name is kept (the table of the Hub classifier's label
 * translation, {@code TranslateObject}).
 */
public enum LabelVocabulary {
    MODEL,
    HUB;

    private static final Map<String, String> HUB_NAMES = Map.of("person", "pedestrian", "truck", "lorry", "van", "car",
            "bicycle", "cyclist", "dog", "animal", "cat", "animal", "bird", "animal");

    /** The word for a model's class name. */
    public String translate(String label) {
        return this == HUB ? HUB_NAMES.getOrDefault(label, label) : label;
    }

    /** {@code hub}, {@code model}, or {@code auto}: the Hub's words in the Hub format, the model's in legacy. */
    public static LabelVocabulary parse(String setting, ResultFormat format) {
        return switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "hub" -> HUB;
            case "model" -> MODEL;
            case "auto" -> format == ResultFormat.HUB ? HUB : MODEL;
            default -> throw new IllegalArgumentException("LABELS must be auto, hub or model, was " + setting);
        };
    }
}
