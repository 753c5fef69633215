package io.vaultml.vision.onnx;

import io.vaultml.api.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Class names of a YOLO model and the class filter. */
final class ClassNames {
    private static final Logger log = LoggerFactory.getLogger(ClassNames.class);
    private static final Pattern NAME_ENTRY = Pattern.compile("(\\d+)\\s*:\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\")");

    private ClassNames() {
    }

    /**
     * The class names of a model: the labels file when given (one per line), else the model's {@code names}
     * metadata (Ultralytics writes a Python dict), else COCO-80 for an 80-class model (or one whose class count is
     * unknown), else {@code class_<id>}.
     *
     * @param classes the model's class count, or -1 when its output does not say
     */
    static List<String> load(Path labels, Map<String, String> metadata, int classes, String model) {
        if (labels != null) {
            try {
                List<String> lines = Files.readAllLines(labels, StandardCharsets.UTF_8).stream()
                        .map(String::trim).filter(s -> !s.isEmpty()).toList();
                if (classes > 0 && lines.size() < classes) {
                    throw new ConfigException("Labels file " + labels + " has " + lines.size()
                            + " names but the model has " + classes + " classes");
                }
                return lines;
            } catch (IOException e) {
                throw new ConfigException("Labels file " + labels + " cannot be read: " + e.getMessage());
            }
        }
        String raw = metadata.get("names");
        if (raw != null) {
            TreeMap<Integer, String> parsed = new TreeMap<>();
            Matcher m = NAME_ENTRY.matcher(raw);
            while (m.find()) {
                parsed.put(Integer.parseInt(m.group(1)), m.group(2) != null ? m.group(2) : m.group(3));
            }
            if (!parsed.isEmpty()) {
                List<String> names = new ArrayList<>();
                for (int i = 0; i <= parsed.lastKey(); i++) {
                    names.add(parsed.getOrDefault(i, "class_" + i));
                }
                return names;
            }
        }
        if (classes == 80 || classes < 0) {
            log.info("{} has no class names; using the COCO-80 names", model);
            return coco();
        }
        log.warn("{} has no class names and no labels file was given; classes are named class_<id>",
                model);
        List<String> generic = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            generic.add("class_" + i);
        }
        return generic;
    }

    static List<String> coco() {
        try (InputStream in = ClassNames.class.getResourceAsStream("coco-80.names")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("coco-80.names resource missing", e);
        }
    }

    /** Which class ids ALLOWED_CLASSIFICATIONS keeps (ids or names, any case); all when it is empty. */
    static boolean[] allowedMask(List<String> names, List<String> allowedClasses) {
        int size = Math.max(names.size(), 1024);
        boolean[] mask = new boolean[size];
        if (allowedClasses.isEmpty()) {
            java.util.Arrays.fill(mask, true);
            return mask;
        }
        Set<String> unknown = new HashSet<>();
        for (String wanted : allowedClasses) {
            String w = wanted.trim();
            if (w.matches("\\d+")) {
                int id = Integer.parseInt(w);
                if (id < size) {
                    mask[id] = true;
                    continue;
                }
            }
            int at = names.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList().indexOf(w.toLowerCase(Locale.ROOT));
            if (at >= 0) {
                mask[at] = true;
            } else {
                unknown.add(w);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("ALLOWED_CLASSIFICATIONS names classes the model does not have: "
                    + String.join(", ", new java.util.TreeSet<>(unknown)));
        }
        return mask;
    }
}
