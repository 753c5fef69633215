package io.vaultml.vision.onnx;

import java.util.Locale;

/**
 * The YOLO output layouts the detector understands, recognised by shape (and model metadata).
 */
public enum OutputLayout {
    /** Ultralytics v8/v11: {@code [B, 4 + C, N]}, boxes cx,cy,w,h in input pixels, class scores, no objectness. */
    ULTRALYTICS(true, true),
    /** YOLOv5 style: {@code [B, N, 5 + C]}, decoded cx,cy,w,h, objectness, class scores. */
    YOLOV5(true, true),
    /** YOLOX: {@code [B, N, 5 + C]} with raw grid offsets (decoded here per stride 8/16/32); BGR 0-255, top-left. */
    YOLOX(false, false),
    /**
     * NMS inside the model: {@code [B, N, 6]} of x1,y1,x2,y2,score,class in input pixels (Ultralytics end-to-end),
     * or one {@code [N, 7]} table of batch index,x1,y1,x2,y2,class,score for the whole batch (YOLOv7 end-to-end).
     */
    NMS(true, true);

    final boolean rgbUnit;
    final boolean centred;

    OutputLayout(boolean rgbUnit, boolean centred) {
        this.rgbUnit = rgbUnit;
        this.centred = centred;
    }

    /**
     * Recognises the layout of an output of shape {@code [batch, d1, d2]} (or {@code [n, 7]}) for an input of the
     * given size.
     *
     * @throws IllegalArgumentException when the shape fits none
     */
    static OutputLayout detect(long[] shape, int inputWidth, int inputHeight, boolean metadataSaysNms) {
        if (shape.length == 2 && shape[1] == 7) {
            return NMS;
        }
        if (shape.length != 3) {
            throw new IllegalArgumentException("expected a 3-d output [batch, a, b] or NMS rows [n, 7], got "
                    + java.util.Arrays.toString(shape));
        }
        long a = shape[1];
        long b = shape[2];
        long cells = 0;
        for (int stride : new int[] {8, 16, 32}) {
            cells += (long) (inputWidth / stride) * (inputHeight / stride);
        }
        if (b == 6 && (metadataSaysNms || a <= 1000)) {
            return NMS;
        }
        if (a > 4 && a < b) {
            return ULTRALYTICS;
        }
        if (b > 5 && a == cells) {
            return YOLOX;
        }
        if (b > 5 && a > b) {
            return YOLOV5;
        }
        throw new IllegalArgumentException("unrecognised YOLO output shape " + java.util.Arrays.toString(shape));
    }

    static OutputLayout parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
