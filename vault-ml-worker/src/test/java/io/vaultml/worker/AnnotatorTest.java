package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotatorTest {
    static final BoundingBox VAN = new BoundingBox(652, 44, 722, 100);

    @Test
    void aParkedObjectIsDrawnDimmedInEveryFrameNotOnlyWhereItsTrackStood() {
        // The memory marked the van's one-sighting track (frame 40) static; frame 100 shows the van nudged.
        Track parked = new Track(3, "truck", List.of(new TrackPoint(40, 0, "truck", 0.7f, VAN)), 0, 0, false);
        Detection vanLater = new Detection("truck", 7, 0.66f, new BoundingBox(650, 45, 721, 101));
        Detection person = new Detection("person", 0, 0.8f, new BoundingBox(100, 200, 140, 300));
        assertTrue(Annotator.standsStill(vanLater, List.of(parked)));
        assertFalse(Annotator.standsStill(person, List.of(parked)));
        Detection personAtTheVan = new Detection("person", 0, 0.8f, new BoundingBox(651, 44, 721, 100));
        assertFalse(Annotator.standsStill(personAtTheVan, List.of(parked)), "another kind where the van stood");
        Detection carAtTheVan = new Detection("car", 2, 0.6f, new BoundingBox(651, 44, 721, 100));
        assertTrue(Annotator.standsStill(carAtTheVan, List.of(parked)), "a car for the truck: one kind of vehicle");
        Track driving = new Track(3, "truck", parked.points(), 0, 0, true);
        assertFalse(Annotator.standsStill(vanLater, List.of(driving)), "counted objects keep their colour");
    }
}
