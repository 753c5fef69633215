package io.vaultml.vision.onnx;

import io.vaultml.api.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Non-maximum suppression: of boxes of one class that overlap more than {@code iou}, the most confident stays. */
final class Nms {
    private Nms() {
    }

    /** Class-wise suppression, highest confidence first, at most {@code max} kept. */
    static List<Detection> suppress(List<Detection> candidates, float iou, int max) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble((Detection d) -> d.confidence()).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            boolean suppressed = false;
            for (Detection k : kept) {
                if (k.classId() == d.classId() && k.box().iou(d.box()) > iou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(d);
                if (kept.size() == max) {
                    break;
                }
            }
        }
        return kept;
    }
}
