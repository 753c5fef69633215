package io.vaultml.vision.onnx;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The YOLO output layouts the detector understands, recognised by shape (and model metadata); each decodes its own
 * output into candidate boxes.
 */
public enum OutputLayout {
    /** Ultralytics v8/v11: {@code [B, 4 + C, N]}, boxes cx,cy,w,h in input pixels, class scores, no objectness. */
    ULTRALYTICS(true, true) {
        @Override
        int classes(long[] shape) {
            return (int) shape[1] - 4;
        }

        @Override
        void decode(FloatBuffer data, long[] shape, int b, float conf, boolean[] allowed, float[] grid,
                Candidates out) {
            int rows = (int) shape[1];
            int n = (int) shape[2];
            int base = b * rows * n;
            for (int i = 0; i < n; i++) {
                int best = -1;
                float bestScore = conf;
                for (int c = 0; c < rows - 4; c++) {
                    float s = data.get(base + (4 + c) * n + i);
                    if (s >= bestScore && allowed[c]) {
                        bestScore = s;
                        best = c;
                    }
                }
                if (best >= 0) {
                    out.add(best, bestScore, data.get(base + i), data.get(base + n + i), data.get(base + 2 * n + i),
                            data.get(base + 3 * n + i));
                }
            }
        }
    },
    /** YOLOv5 style: {@code [B, N, 5 + C]}, decoded cx,cy,w,h, objectness, class scores. */
    YOLOV5(true, true) {
        @Override
        int classes(long[] shape) {
            return (int) shape[2] - 5;
        }

        @Override
        void decode(FloatBuffer data, long[] shape, int b, float conf, boolean[] allowed, float[] grid,
                Candidates out) {
            decodeRows(data, shape, b, conf, allowed, out, (i, row) -> new float[] {data.get(row), data.get(row + 1),
                    data.get(row + 2), data.get(row + 3)});
        }
    },
    /** YOLOX: {@code [B, N, 5 + C]} with raw grid offsets (decoded here per stride 8/16/32); BGR 0-255, top-left. */
    YOLOX(false, false) {
        @Override
        int classes(long[] shape) {
            return (int) shape[2] - 5;
        }

        @Override
        void decode(FloatBuffer data, long[] shape, int b, float conf, boolean[] allowed, float[] grid,
                Candidates out) {
            decodeRows(data, shape, b, conf, allowed, out, (i, row) -> {
                float stride = grid[i * 3 + 2];
                return new float[] {(data.get(row) + grid[i * 3]) * stride, (data.get(row + 1) + grid[i * 3 + 1]) * stride,
                        (float) Math.exp(data.get(row + 2)) * stride, (float) Math.exp(data.get(row + 3)) * stride};
            });
        }
    },
    /**
     * NMS inside the model: {@code [B, N, 6]} of x1,y1,x2,y2,score,class in input pixels (Ultralytics end-to-end),
     * or one {@code [N, 7]} table of batch index,x1,y1,x2,y2,class,score for the whole batch (YOLOv7 end-to-end).
     */
    NMS(true, true) {
        @Override
        int classes(long[] shape) {
            return -1;
        }

        @Override
        void decode(FloatBuffer data, long[] shape, int b, float conf, boolean[] allowed, float[] grid,
                Candidates out) {
            boolean table = shape.length == 2;
            int cols = (int) shape[shape.length - 1];
            int rows = (int) shape[shape.length - 2];
            int base = table ? 0 : b * rows * cols;
            for (int i = 0; i < rows; i++) {
                int row = base + i * cols;
                if (table && (int) data.get(row) != b) {
                    continue;
                }
                int box = table ? row + 1 : row;
                float score = data.get(table ? row + 6 : row + 4);
                int cls = (int) data.get(row + 5); // column 5 in both
                if (score < conf || cls < 0 || cls >= allowed.length || !allowed[cls]) {
                    continue;
                }
                float x1 = data.get(box);
                float y1 = data.get(box + 1);
                float x2 = data.get(box + 2);
                float y2 = data.get(box + 3);
                out.add(cls, score, (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1);
            }
        }
    };

    /** Receives one candidate box: class id, score, centre and size in model-input pixels. */
    @FunctionalInterface
    interface Candidates {
        void add(int cls, float score, float cx, float cy, float w, float h);
    }

    /** Where the box of row {@code i} (starting at buffer index {@code row}) is: cx, cy, w, h. */
    @FunctionalInterface
    private interface RowBox {
        float[] at(int i, int row);
    }

    final boolean rgbUnit;
    final boolean centred;

    OutputLayout(boolean rgbUnit, boolean centred) {
        this.rgbUnit = rgbUnit;
        this.centred = centred;
    }

    /** How many classes an output of this shape has; -1 when the shape does not say. */
    abstract int classes(long[] shape);

    /**
     * The candidates of batch entry {@code b} scoring at least {@code conf} in an allowed class.
     *
     * @param grid YOLOX's cell grid ({@link #yoloxGrid}); null for the others
     */
    abstract void decode(FloatBuffer data, long[] shape, int b, float conf, boolean[] allowed, float[] grid,
            Candidates out);

    /** Rows of {@code [N, 5 + C]}: box, objectness, class scores (YOLOv5 and YOLOX). */
    private static void decodeRows(FloatBuffer data, long[] shape, int b, float conf, boolean[] allowed,
            Candidates out, RowBox box) {
        int n = (int) shape[1];
        int cols = (int) shape[2];
        int base = b * n * cols;
        for (int i = 0; i < n; i++) {
            int row = base + i * cols;
            float objectness = data.get(row + 4);
            if (objectness < conf) {
                continue;
            }
            int best = -1;
            float bestScore = conf;
            for (int c = 0; c < cols - 5; c++) {
                float s = objectness * data.get(row + 5 + c);
                if (s >= bestScore && allowed[c]) {
                    bestScore = s;
                    best = c;
                }
            }
            if (best >= 0) {
                float[] xywh = box.at(i, row);
                out.add(best, bestScore, xywh[0], xywh[1], xywh[2], xywh[3]);
            }
        }
    }

    /** YOLOX's cells, x, y and stride each, for strides 8, 16 and 32 over an input of this size. */
    static float[] yoloxGrid(int width, int height) {
        List<float[]> cells = new ArrayList<>();
        for (int stride : new int[] {8, 16, 32}) {
            for (int y = 0; y < height / stride; y++) {
                for (int x = 0; x < width / stride; x++) {
                    cells.add(new float[] {x, y, stride});
                }
            }
        }
        float[] grid = new float[cells.size() * 3];
        for (int i = 0; i < cells.size(); i++) {
            System.arraycopy(cells.get(i), 0, grid, i * 3, 3);
        }
        return grid;
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
                    + Arrays.toString(shape));
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
        throw new IllegalArgumentException("unrecognised YOLO output shape " + Arrays.toString(shape));
    }

    static OutputLayout parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
