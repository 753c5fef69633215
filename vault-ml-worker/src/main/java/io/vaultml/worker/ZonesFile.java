package io.vaultml.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vaultml.api.CameraZones;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Polygon;
import io.vaultml.api.RecordingEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ZONES_FILE}: zones and masks per camera, YAML or JSON (by the file's extension), coordinates normalised to
 * the frame:
 * <pre>
 * cameras:
 *   highway:
 *     zones:
 *       walkway: {polygon: [[0.18,0.25],[0.30,0.25],[0.36,1.0],[0.05,1.0]], labels: [person, bicycle]}
 *     masks:
 *       - [[0.9,0.0],[1.0,0.0],[1.0,0.1],[0.9,0.1]]
 * </pre>
 * Every problem of the file is reported at once, naming the camera, the zone or mask, and the point. The file is
 * read again when it changes (its modification time or size, looked at most once a second, when a recording
 * needs its camera's zones): a change that validates applies to the next recordings; one that does not is logged
 * once and the zones before it stay.
 */
final class ZonesFile implements Function<RecordingEvent, CameraZones> {
    private static final Logger log = LoggerFactory.getLogger(ZonesFile.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final Path file;
    private final LongSupplier clock;
    private volatile Map<String, CameraZones> cameras;
    private Set<String> classes = Set.of();
    private Set<String> required = Set.of();
    private FileTime modified;
    private long size;
    private long checkedAt;
    private String lastProblem = "";

    private ZonesFile(Path file, Map<String, CameraZones> cameras, LongSupplier clock) throws IOException {
        this.file = file;
        this.cameras = cameras;
        this.clock = clock;
        this.modified = Files.getLastModifiedTime(file);
        this.size = Files.size(file);
        this.checkedAt = clock.getAsLong();
    }

    /** Reads and checks the file. @throws ConfigException listing every problem */
    static ZonesFile load(Path file) {
        return load(file, System::nanoTime);
    }

    static ZonesFile load(Path file, LongSupplier clock) {
        try {
            return new ZonesFile(file, parse(Files.readAllBytes(file), file.getFileName().toString(), Set.of()),
                    clock);
        } catch (IOException e) {
            throw new ConfigException("ZONES_FILE " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The zones {@code FORWARDING_ZONES} names must exist in some camera, now and after every change.
     *
     * @throws ConfigException naming each missing one
     */
    synchronized void requireZones(List<String> names) {
        required = Set.copyOf(names);
        List<String> problems = missingZones(cameras, required);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static List<String> missingZones(Map<String, CameraZones> cameras, Set<String> names) {
        Set<String> defined = new java.util.HashSet<>();
        cameras.values().forEach(c -> c.zones().forEach(z -> defined.add(z.name())));
        return names.stream().filter(n -> !defined.contains(n)).sorted().map(n -> "FORWARDING_ZONES names " + n
                + ", which no camera of ZONES_FILE has (forwarding would never happen)").toList();
    }

    /**
     * Checks every zone's labels against the classes the detector knows (empty: it does not say).
     *
     * @throws ConfigException naming each unknown label with its camera and zone
     */
    synchronized void requireKnownLabels(List<String> known) {
        classes = Set.copyOf(known);
        List<String> problems = unknownLabels(cameras, classes);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The zones of the recording's camera ({@link RecordingEvent#camera()}); none for a camera not in the file. */
    @Override
    public CameraZones apply(RecordingEvent event) {
        reloadIfChanged();
        return cameras.getOrDefault(event.camera(), CameraZones.NONE);
    }

    Set<String> cameras() {
        return cameras.keySet();
    }

    private synchronized void reloadIfChanged() {
        long now = clock.getAsLong();
        if (now - checkedAt < RECHECK_NANOS) {
            return;
        }
        checkedAt = now;
        try {
            FileTime m = Files.getLastModifiedTime(file);
            long s = Files.size(file);
            if (m.equals(modified) && s == size) {
                return;
            }
            byte[] content = Files.readAllBytes(file);
            // Taken as seen only once read: a read that failed is tried again at the next look.
            modified = m;
            size = s;
            Map<String, CameraZones> fresh = parse(content, file.getFileName().toString(), Set.of());
            List<String> problems = new ArrayList<>(unknownLabels(fresh, classes));
            problems.addAll(missingZones(fresh, required));
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            cameras = fresh;
            lastProblem = "";
            log.info("ZONES_FILE {} changed: zones for {} camera(s) now apply", file, fresh.size());
        } catch (IOException | RuntimeException e) {
            // Never this recording's failure: the zones before stay.
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(lastProblem)) {
                lastProblem = problem;
                log.error("ZONES_FILE {} changed but cannot be used; the zones before stay: {}", file, problem);
            }
        }
    }

    /** The cameras of a zones file. @throws ConfigException listing every problem */
    static Map<String, CameraZones> parse(byte[] content, String name, Set<String> known) {
        ObjectMapper mapper = name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (IOException e) {
            throw new ConfigException("ZONES_FILE " + name + " is not valid " + (name.endsWith(".json") ? "JSON"
                    : "YAML") + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.path("cameras").isObject()) {
            throw new ConfigException("ZONES_FILE " + name + ": expected 'cameras:' with one entry per camera name");
        }
        List<String> problems = new ArrayList<>();
        Map<String, CameraZones> cameras = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("cameras").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> camera = it.next();
            String where = "ZONES_FILE camera " + camera.getKey();
            JsonNode body = camera.getValue();
            if (!body.isObject()) {
                problems.add(where + ": expected zones: and/or masks:");
                continue;
            }
            unknownKeys(body, Set.of("zones", "masks"), where, problems);
            List<CameraZones.Zone> zones = new ArrayList<>();
            List<Polygon> masks = new ArrayList<>();
            JsonNode zoneNodes = body.path("zones");
            if (!zoneNodes.isMissingNode() && !zoneNodes.isObject()) {
                problems.add(where + ": zones must map names to {polygon: [[x, y], ...], labels: [...]}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> z = zoneNodes.fields(); z.hasNext(); ) {
                Map.Entry<String, JsonNode> zone = z.next();
                String at = where + ", zone " + zone.getKey();
                unknownKeys(zone.getValue(), Set.of("polygon", "labels"), at, problems);
                Polygon area = polygon(zone.getValue().path("polygon"), at, problems);
                Set<String> labels = new LinkedHashSet<>();
                JsonNode labelNodes = zone.getValue().path("labels");
                if (labelNodes.isValueNode()) {
                    labels.add(labelNodes.asText()); // labels: person, one label without brackets
                } else if (labelNodes.isArray()) {
                    labelNodes.forEach(l -> labels.add(l.asText()));
                } else if (!labelNodes.isMissingNode()) {
                    problems.add(at + ": labels must be a list of class names, e.g. [person, bicycle]");
                }
                if (area != null) {
                    zones.add(new CameraZones.Zone(zone.getKey(), area, labels));
                }
            }
            JsonNode maskNodes = body.path("masks");
            if (!maskNodes.isMissingNode() && !maskNodes.isArray()) {
                problems.add(where + ": masks must be a list of polygons [[x, y], ...]");
            }
            int i = 0;
            for (JsonNode mask : maskNodes) {
                Polygon area = polygon(mask, where + ", mask " + (++i), problems);
                if (area != null) {
                    masks.add(area);
                }
            }
            cameras.put(camera.getKey(), new CameraZones(zones, masks));
        }
        problems.addAll(unknownLabels(cameras, known));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return Map.copyOf(cameras);
    }

    /** A misspelt key (mask: for masks:) would otherwise be ignored without a word. */
    private static void unknownKeys(JsonNode node, Set<String> known, String at, List<String> problems) {
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                problems.add(at + ": unknown key '" + k + "' (expected " + String.join(" or ", new java.util.TreeSet<>(known))
                        + ")");
            }
        });
    }

    private static Polygon polygon(JsonNode node, String at, List<String> problems) {
        if (!node.isArray() || node.size() < 3) {
            problems.add(at + ": a polygon needs at least 3 points [[x, y], ...], normalised to the frame (0..1)");
            return null;
        }
        List<Polygon.Point> points = new ArrayList<>();
        boolean ok = true;
        int n = 0;
        for (JsonNode p : node) {
            n++;
            if (!p.isArray() || p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                problems.add(at + ", point " + n + ": expected [x, y] numbers, got " + p);
                ok = false;
                continue;
            }
            double x = p.get(0).asDouble();
            double y = p.get(1).asDouble();
            if (x < 0 || x > 1 || y < 0 || y > 1) {
                problems.add(at + ", point " + n + ": [" + x + ", " + y + "] is outside the frame (0..1 each)");
                ok = false;
            }
            points.add(new Polygon.Point(x, y));
        }
        if (!ok) {
            return null;
        }
        Polygon polygon = new Polygon(points);
        if (polygon.selfIntersecting()) { // first: a crossed polygon's signed areas can cancel out
            problems.add(at + ": the polygon crosses itself; list its corners in order around it");
            return null;
        }
        if (polygon.area() < 1e-6) {
            problems.add(at + ": the polygon has no area (its points are on one line or repeated)");
            return null;
        }
        return polygon;
    }

    private static List<String> unknownLabels(Map<String, CameraZones> cameras, Set<String> known) {
        List<String> problems = new ArrayList<>();
        if (known.isEmpty()) {
            return problems;
        }
        cameras.forEach((camera, zones) -> zones.zones().forEach(z -> z.labels().stream()
                .filter(l -> !known.contains(l)).forEach(l -> problems.add("ZONES_FILE camera " + camera + ", zone "
                        + z.name() + ": unknown label '" + l + "' (not a class of the model; its names are those "
                        + "ALLOWED_CLASSIFICATIONS takes, e.g. person, bicycle, car)"))));
        return problems;
    }
}
