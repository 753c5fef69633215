package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.CameraZones;
import io.vaultml.api.ConfigException;
import io.vaultml.api.RecordingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZonesFileTest {
    static final String HIGHWAY = """
            cameras:
              highway:
                zones:
                  walkway: {polygon: [[0.18,0.25],[0.30,0.25],[0.36,1.0],[0.05,1.0]], labels: [person, bicycle]}
                masks:
                  - [[0.9,0.0],[1.0,0.0],[1.0,0.1],[0.9,0.1]]
            """;
    static final RecordingEvent ON_HIGHWAY = RecordingEvent.ofKey(
            "user/1630567591_6-967003_highway_200-200-400-400_24_769.mp4");

    @Test
    void yamlAndJsonGiveTheSameZones(@TempDir Path dir) throws Exception {
        CameraZones yaml = ZonesFile.load(Files.writeString(dir.resolve("zones.yaml"), HIGHWAY)).apply(ON_HIGHWAY);
        CameraZones json = ZonesFile.load(Files.writeString(dir.resolve("zones.json"), """
                {"cameras": {"highway": {"zones": {"walkway": {"polygon": [[0.18,0.25],[0.30,0.25],[0.36,1.0],
                 [0.05,1.0]], "labels": ["person", "bicycle"]}}, "masks": [[[0.9,0.0],[1.0,0.0],[1.0,0.1],[0.9,0.1]]]}}}
                """)).apply(ON_HIGHWAY);
        assertEquals(yaml, json);
        assertEquals("walkway", yaml.zones().get(0).name());
        assertEquals(1, yaml.masks().size());
        assertEquals(CameraZones.NONE, ZonesFile.load(dir.resolve("zones.yaml")).apply(RecordingEvent.ofKey("x/y.mp4")));
    }

    @Test
    void everyProblemIsReportedWithItsCameraZoneAndPoint(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("zones.yaml"), """
                cameras:
                  highway:
                    zones:
                      wide: {polygon: [[0.1,0.1],[1.2,0.1],[0.5,0.9]]}
                      line: {polygon: [[0.1,0.1],[0.5,0.5],[0.9,0.9]]}
                      bowtie: {polygon: [[0,0],[1,1],[1,0],[0,1]]}
                      short: {polygon: [[0,0],[1,1]]}
                    masks:
                      - [[0.9,0.0],[1.0,"x"],[1.0,0.1]]
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ZonesFile.load(file));
        assertEquals(List.of(
                "ZONES_FILE camera highway, zone wide, point 2: [1.2, 0.1] is outside the frame (0..1 each)",
                "ZONES_FILE camera highway, zone line: the polygon has no area (its points are on one line or repeated)",
                "ZONES_FILE camera highway, zone bowtie: the polygon crosses itself; list its corners in order around it",
                "ZONES_FILE camera highway, zone short: a polygon needs at least 3 points [[x, y], ...], normalised to "
                        + "the frame (0..1)",
                "ZONES_FILE camera highway, mask 1, point 2: expected [x, y] numbers, got [1.0,\"x\"]"), e.problems());
    }

    @Test
    void labelsMustBeClassesOfTheModel(@TempDir Path dir) throws Exception {
        ZonesFile zones = ZonesFile.load(Files.writeString(dir.resolve("zones.yaml"), HIGHWAY.replace("bicycle", "bike")));
        ConfigException e = assertThrows(ConfigException.class,
                () -> zones.requireKnownLabels(List.of("person", "bicycle", "car")));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("ZONES_FILE camera highway, zone walkway: unknown label 'bike'"),
                e.problems().toString());
    }

    @Test
    void aChangedFileAppliesToTheNextRecordingsAndABrokenChangeKeepsTheZonesBefore(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("zones.yaml"), HIGHWAY);
        AtomicLong now = new AtomicLong();
        ZonesFile zones = ZonesFile.load(file, now::get);
        zones.requireKnownLabels(List.of("person", "bicycle", "car"));
        assertEquals(1, zones.apply(ON_HIGHWAY).masks().size());

        Files.writeString(file, HIGHWAY.replace("    masks:\n      - [[0.9,0.0],[1.0,0.0],[1.0,0.1],[0.9,0.1]]\n", ""));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(1, zones.apply(ON_HIGHWAY).masks().size(), "looked at most once a second");
        now.addAndGet(2_000_000_000L);
        assertEquals(0, zones.apply(ON_HIGHWAY).masks().size(), "the change applies");

        Files.writeString(file, "cameras: [not, a, map]");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        now.addAndGet(2_000_000_000L);
        assertEquals("walkway", zones.apply(ON_HIGHWAY).zones().get(0).name(), "a broken change keeps the zones");
        Files.writeString(file, HIGHWAY.replace("bicycle", "unicorn"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(15)));
        now.addAndGet(2_000_000_000L);
        assertEquals(java.util.Set.of("person", "bicycle"), zones.apply(ON_HIGHWAY).zones().get(0).labels(),
                "a label the model does not have is refused on reload too");
        zones.requireZones(List.of("walkway"));
        Files.writeString(file, HIGHWAY.replace("walkway", "footpath"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(20)));
        now.addAndGet(2_000_000_000L);
        assertEquals("walkway", zones.apply(ON_HIGHWAY).zones().get(0).name(),
                "a change that drops a zone FORWARDING_ZONES names is refused");
    }

    @Test
    void aMisspeltKeyIsReportedAndOneLabelNeedsNoBrackets(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("zones.yaml"), """
                cameras:
                  highway:
                    zones:
                      walkway: {polygon: [[0.18,0.25],[0.30,0.25],[0.36,1.0],[0.05,1.0]], labels: person, colour: red}
                    mask:
                      - [[0.9,0.0],[1.0,0.0],[1.0,0.1]]
                  office: [not, a, map]
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ZonesFile.load(file));
        assertEquals(List.of("ZONES_FILE camera highway: unknown key 'mask' (expected masks or zones)",
                "ZONES_FILE camera highway, zone walkway: unknown key 'colour' (expected labels or polygon)",
                "ZONES_FILE camera office: expected zones: and/or masks:"), e.problems());
        Files.writeString(file, HIGHWAY.replace("labels: [person, bicycle]", "labels: person"));
        assertEquals(java.util.Set.of("person"), ZonesFile.load(file).apply(ON_HIGHWAY).zones().get(0).labels());
    }

    @Test
    void forwardingZonesMustBeZonesOfTheFile(@TempDir Path dir) throws Exception {
        ZonesFile zones = ZonesFile.load(Files.writeString(dir.resolve("zones.yaml"), HIGHWAY));
        zones.requireZones(List.of("walkway"));
        ConfigException e = assertThrows(ConfigException.class, () -> zones.requireZones(List.of("walkway", "walkways")));
        assertEquals(List.of("FORWARDING_ZONES names walkways, which no camera of ZONES_FILE has (forwarding would "
                + "never happen)"), e.problems());
    }
}
