package io.vaultml.kerberos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelVocabularyTest {

    @Test
    void theHubsWordsReplaceTheseCocoNamesAndKeepEveryOther() {
        Map<String, String> table = Map.of("person", "pedestrian", "truck", "lorry", "van", "car", "bicycle", "cyclist",
                "dog", "animal", "cat", "animal", "bird", "animal");
        table.forEach((coco, hub) -> assertEquals(hub, LabelVocabulary.HUB.translate(coco)));
        for (String kept : List.of("car", "motorcycle", "bus", "backpack", "handbag", "suitcase", "horse")) {
            assertEquals(kept, LabelVocabulary.HUB.translate(kept));
        }
        assertEquals("person", LabelVocabulary.MODEL.translate("person"));
    }

    @Test
    void autoFollowsTheFormat() {
        assertEquals(LabelVocabulary.HUB, LabelVocabulary.parse("auto", ResultFormat.HUB));
        assertEquals(LabelVocabulary.MODEL, LabelVocabulary.parse("auto", ResultFormat.LEGACY));
        assertEquals(LabelVocabulary.HUB, LabelVocabulary.parse("HUB", ResultFormat.LEGACY));
        assertEquals(LabelVocabulary.MODEL, LabelVocabulary.parse("model", ResultFormat.HUB));
        assertThrows(IllegalArgumentException.class, () -> LabelVocabulary.parse("coco", ResultFormat.HUB));
    }
}
