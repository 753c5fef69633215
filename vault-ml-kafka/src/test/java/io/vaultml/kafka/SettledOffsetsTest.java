package io.vaultml.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettledOffsetsTest {
    @Test
    void offsetsAboveTheCommitRoundTrip() {
        String text = SettledOffsets.encode(100, List.of(99L, 100L, 103L, 101L));
        assertEquals("vaultml-settled:100:1,3", text);
        assertEquals(Set.of(101L, 103L), SettledOffsets.decode(100, text));
        assertEquals("", SettledOffsets.encode(100, List.of(100L)), "nothing above: no metadata");
    }

    @Test
    void metadataStoredUnderAnotherOffsetSkipsNothing() {
        // Offsets translated to another cluster keep the upstream text: its distances mean other records there.
        String upstream = SettledOffsets.encode(100, List.of(101L, 102L));
        assertEquals(Set.of(), SettledOffsets.decode(5_000, upstream));
        assertEquals(Set.of(), SettledOffsets.decode(100, "some other tool's note"));
        assertEquals(Set.of(), SettledOffsets.decode(100, "vaultml-settled:100:1,x"));
    }

    @Test
    void longListsAreCutToTheMetadataLimit() {
        List<Long> many = java.util.stream.LongStream.rangeClosed(1, 5_000).map(i -> i * 1_000_000L).boxed().toList();
        String text = SettledOffsets.encode(0, many);
        assertEquals(true, text.length() <= SettledOffsets.MAX_LENGTH);
        assertEquals(true, SettledOffsets.decode(0, text).size() > 100);
    }
}
