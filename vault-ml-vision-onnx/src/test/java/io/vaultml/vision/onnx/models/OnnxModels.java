package io.vaultml.vision.onnx.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives test models from the real ones in the shared test data, at test time, so that code paths no shipped model
 * exercises still run against real weights: a dynamic batch dimension (batched inference), the YOLOv5 output layout,
 * and non-maximum suppression inside the model. The derived graphs keep the original network untouched and only
 * rewrite its batch constants or append a few standard ONNX operators after its output, so their detections are
 * the original model's, laid out differently. Nothing derived is stored in the repository.
 *
 * <p>{@code main(modelsDir, outDir)} writes the derived models to a folder, for benchmarks.
 */
public final class OnnxModels {
    // ONNX protobuf field numbers (onnx/onnx.proto).
    private static final int MODEL_OPSET = 8;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_METADATA = 14;
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_VALUE_INFO = 13;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTR_NAME = 1;
    private static final int ATTR_I = 3;
    private static final int ATTR_INTS = 8;
    private static final int ATTR_TYPE = 20;
    private static final int ATTR_TYPE_INT = 2;
    private static final int ATTR_TYPE_INTS = 7;
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_ELEM = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private OnnxModels() {
    }

    /**
     * Makes the batch dimension symbolic: graph inputs and outputs get {@code batch} as their first dimension, and
     * every {@code Reshape} of an activation whose constant target shape starts with 1 copies the batch dimension
     * instead (0 in ONNX Reshape means "as in the input"). Stale intermediate shapes are dropped.
     */
    public static byte[] withDynamicBatch(byte[] model) {
        ProtoMessage root = ProtoMessage.parse(model);
        ProtoMessage graph = root.message(MODEL_GRAPH);
        Map<String, ProtoMessage> initializers = initializers(graph);
        Map<String, String> rewritten = new HashMap<>();
        Graph edit = new Graph(graph, opsetVersion(root));
        for (ProtoMessage node : graph.messages(GRAPH_NODE)) {
            if (!node.string(NODE_OP_TYPE).equals("Reshape")) {
                continue;
            }
            List<String> inputs = node.strings(NODE_INPUT);
            ProtoMessage target = initializers.get(inputs.get(1));
            if (initializers.containsKey(inputs.get(0)) || target == null) {
                continue; // reshaping a weight, or a shape computed at run time
            }
            long[] shape = int64Values(target);
            if (shape.length == 0 || shape[0] != 1) {
                continue;
            }
            String name = rewritten.computeIfAbsent(inputs.get(1), original -> {
                long[] copy = shape.clone();
                copy[0] = 0;
                return edit.int64s(copy);
            });
            node.setString(NODE_INPUT, 1, name);
        }
        for (int field : new int[] {GRAPH_INPUT, GRAPH_OUTPUT}) {
            for (ProtoMessage value : graph.messages(field)) {
                if (!initializers.containsKey(value.string(VALUE_NAME))) {
                    List<ProtoMessage> dims = value.message(VALUE_TYPE).message(TYPE_TENSOR).message(TENSOR_TYPE_SHAPE)
                            .messages(SHAPE_DIM);
                    dims.get(0).remove(DIM_VALUE);
                    dims.get(0).remove(DIM_PARAM);
                    dims.get(0).addString(DIM_PARAM, "batch");
                }
            }
        }
        graph.remove(GRAPH_VALUE_INFO);
        java.util.Set<String> used = new java.util.HashSet<>();
        graph.messages(GRAPH_NODE).forEach(node -> used.addAll(node.strings(NODE_INPUT)));
        for (String original : rewritten.keySet()) {
            if (!used.contains(original)) {
                graph.remove(GRAPH_INITIALIZER, initializers.get(original));
            }
        }
        return root.toBytes();
    }

    /**
     * Turns an Ultralytics model ({@code [1, 4 + C, N]}: cx, cy, w, h, class scores) into the YOLOv5 layout
     * ({@code [1, 3N, 5 + C]}: cx, cy, w, h, objectness, class probabilities). Objectness is the best class score
     * and the class probabilities are divided by it, so objectness × probability gives back the original scores.
     * Every row appears three times, as a YOLOv5 model's three anchors per cell would propose the same object;
     * the detector's NMS has to merge them.
     */
    public static byte[] asYolov5Layout(byte[] ultralyticsModel) {
        ProtoMessage root = ProtoMessage.parse(ultralyticsModel);
        Graph g = new Graph(root.message(MODEL_GRAPH), opsetVersion(root));
        g.requireOpset(18);
        long[] shape = g.outputShape();
        long classes = shape[1] - 4;
        String rows = g.node("Transpose", List.of(g.outputName()), attrInts("perm", 0, 2, 1));
        String box = g.slice(rows, 0, 4, 2);
        String scores = g.slice(rows, 4, 4 + classes, 2);
        String objectness = g.node("ReduceMax", List.of(scores, g.int64s(2)), attrInt("keepdims", 1));
        String safe = g.node("Max", List.of(objectness, g.floatScalar(1e-9f)));
        String probabilities = g.node("Div", List.of(scores, safe));
        String row = g.node("Concat", List.of(box, objectness, probabilities), attrInt("axis", 2));
        String anchors = g.node("Concat", List.of(row, row, row), attrInt("axis", 1));
        g.replaceOutput(anchors, 1L, 3 * shape[2], classes + 5);
        return root.toBytes();
    }

    /**
     * Appends ONNX {@code NonMaxSuppression} to an Ultralytics model, giving the end-to-end layout
     * {@code [1, K, 6]} of x1, y1, x2, y2, score, class in input pixels (as Ultralytics' {@code nms=True} exports),
     * and marks it {@code end2end: True} in the metadata.
     */
    public static byte[] withNonMaxSuppression(byte[] ultralyticsModel, float iou, float scoreThreshold,
            int maxPerClass) {
        return appendNms(ultralyticsModel, iou, scoreThreshold, maxPerClass, false);
    }

    /**
     * Like {@link #withNonMaxSuppression} but in the YOLOv7 end-to-end layout: one {@code [K, 7]} table for the
     * whole batch, rows of batch index, x1, y1, x2, y2, class, score.
     */
    public static byte[] withNonMaxSuppressionRows(byte[] ultralyticsModel, float iou, float scoreThreshold,
            int maxPerClass) {
        return appendNms(ultralyticsModel, iou, scoreThreshold, maxPerClass, true);
    }

    private static byte[] appendNms(byte[] ultralyticsModel, float iou, float scoreThreshold, int maxPerClass,
            boolean rowsWithBatchIndex) {
        ProtoMessage root = ProtoMessage.parse(ultralyticsModel);
        Graph g = new Graph(root.message(MODEL_GRAPH), opsetVersion(root));
        g.requireOpset(13);
        long classes = g.outputShape()[1] - 4;
        String output = g.outputName();
        String boxes = g.node("Transpose", List.of(g.slice(output, 0, 4, 1)), attrInts("perm", 0, 2, 1));
        String scores = g.slice(output, 4, 4 + classes, 1);
        // selected: [K, 3] rows of batch index, class, box index.
        String selected = g.node("NonMaxSuppression", List.of(boxes, scores, g.int64s(maxPerClass),
                g.floats(iou), g.floats(scoreThreshold)), attrInt("center_point_box", 1));
        String boxIndex = g.node("Gather", List.of(selected, g.int64Scalar(2)), attrInt("axis", 1));
        String kept = g.node("Gather", List.of(g.node("Squeeze", List.of(boxes, g.int64s(0))), boxIndex),
                attrInt("axis", 0));
        String score = g.node("Unsqueeze", List.of(g.node("GatherND", List.of(
                g.node("Squeeze", List.of(scores, g.int64s(0))), g.slice(selected, 1, 3, 1))), g.int64s(1)));
        String classId = g.node("Cast", List.of(g.slice(selected, 1, 2, 1)), attrInt("to", FLOAT));
        String centre = g.slice(kept, 0, 2, 1);
        String half = g.node("Mul", List.of(g.slice(kept, 2, 4, 1), g.floatScalar(0.5f)));
        String topLeft = g.node("Sub", List.of(centre, half));
        String bottomRight = g.node("Add", List.of(centre, half));
        if (rowsWithBatchIndex) {
            String batch = g.node("Cast", List.of(g.slice(selected, 0, 1, 1)), attrInt("to", FLOAT));
            g.replaceOutput(g.node("Concat", List.of(batch, topLeft, bottomRight, classId, score),
                    attrInt("axis", 1)), "detections", 7L);
        } else {
            String detections = g.node("Concat", List.of(topLeft, bottomRight, score, classId), attrInt("axis", 1));
            g.replaceOutput(g.node("Unsqueeze", List.of(detections, g.int64s(0))), 1L, "detections", 6L);
            setMetadata(root, "end2end", "True");
        }
        return root.toBytes();
    }

    /**
     * Flattens a model's 3-d output to {@code [batch, a * b]}: a model whose output is no YOLO layout, for testing
     * how a detector refuses it.
     */
    public static byte[] withFlatOutput(byte[] model) {
        ProtoMessage root = ProtoMessage.parse(model);
        Graph g = new Graph(root.message(MODEL_GRAPH), opsetVersion(root));
        long[] shape = g.outputShape();
        String flat = g.node("Reshape", List.of(g.outputName(), g.int64s(shape[0], shape[1] * shape[2])));
        g.replaceOutput(flat, shape[0], shape[1] * shape[2]);
        return root.toBytes();
    }

    /** The names of the model's graph outputs. */
    public static List<String> outputNames(byte[] model) {
        return ProtoMessage.parse(model).message(MODEL_GRAPH).messages(GRAPH_OUTPUT).stream()
                .map(v -> v.string(VALUE_NAME)).toList();
    }

    /** Writes every derived model: {@code yolox_nano_dynamic.onnx}, {@code yolov8n_int8_v5.onnx} and others. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: OnnxModels MODELS_DIR OUT_DIR");
            System.exit(2);
        }
        Path models = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        byte[] yolox = Files.readAllBytes(models.resolve("yolox_nano.onnx"));
        byte[] v8 = Files.readAllBytes(models.resolve("yolov8n_int8.onnx"));
        Files.write(out.resolve("yolox_nano_dynamic.onnx"), withDynamicBatch(yolox));
        Files.write(out.resolve("yolov8n_int8_dynamic.onnx"), withDynamicBatch(v8));
        Files.write(out.resolve("yolov8n_int8_v5.onnx"), asYolov5Layout(v8));
        Files.write(out.resolve("yolov8n_int8_nms.onnx"), withNonMaxSuppression(v8, 0.45f, 0.25f, 100));
        Files.write(out.resolve("yolov8n_int8_nms_rows.onnx"), withNonMaxSuppressionRows(v8, 0.45f, 0.25f, 100));
        System.out.println("derived models written to " + out);
    }

    private static long opsetVersion(ProtoMessage root) {
        for (ProtoMessage opset : root.messages(MODEL_OPSET)) {
            if (opset.string(OPSET_DOMAIN).isEmpty()) {
                return opset.longValue(OPSET_VERSION, 0);
            }
        }
        return 0;
    }

    private static void setMetadata(ProtoMessage root, String key, String value) {
        for (ProtoMessage entry : root.messages(MODEL_METADATA)) {
            if (entry.string(ENTRY_KEY).equals(key)) {
                entry.remove(ENTRY_VALUE);
                entry.addString(ENTRY_VALUE, value);
                return;
            }
        }
        root.addMessage(MODEL_METADATA, new ProtoMessage().addString(ENTRY_KEY, key).addString(ENTRY_VALUE, value));
    }

    private static Map<String, ProtoMessage> initializers(ProtoMessage graph) {
        Map<String, ProtoMessage> byName = new HashMap<>();
        for (ProtoMessage t : graph.messages(GRAPH_INITIALIZER)) {
            byName.put(t.string(TENSOR_NAME), t);
        }
        return byName;
    }

    private static long[] int64Values(ProtoMessage tensor) {
        if (tensor.longValue(TENSOR_DATA_TYPE, 0) != INT64) {
            return new long[0];
        }
        byte[] raw = tensor.bytes(TENSOR_RAW_DATA);
        if (raw != null) {
            ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long[] values = new long[raw.length / Long.BYTES];
            for (int i = 0; i < values.length; i++) {
                values[i] = buffer.getLong();
            }
            return values;
        }
        return tensor.longs(TENSOR_INT64_DATA).stream().mapToLong(Long::longValue).toArray();
    }

    private static ProtoMessage attrInt(String name, long value) {
        return new ProtoMessage().addString(ATTR_NAME, name).addLong(ATTR_I, value).addLong(ATTR_TYPE, ATTR_TYPE_INT);
    }

    private static ProtoMessage attrInts(String name, long... values) {
        ProtoMessage attr = new ProtoMessage().addString(ATTR_NAME, name);
        for (long v : values) {
            attr.addLong(ATTR_INTS, v);
        }
        return attr.addLong(ATTR_TYPE, ATTR_TYPE_INTS);
    }

    /** Appends nodes and constants to a graph under names that cannot clash with the exporter's. */
    private static final class Graph {
        private final ProtoMessage graph;
        private final long opset;
        private int counter;

        Graph(ProtoMessage graph, long opset) {
            this.graph = graph;
            this.opset = opset;
        }

        void requireOpset(long minimum) {
            if (opset < minimum) {
                throw new IllegalArgumentException("this derivation needs opset " + minimum + ", the model has " + opset);
            }
        }

        private String fresh(String what) {
            return "vaultml_test/" + what + "_" + counter++;
        }

        String outputName() {
            return graph.messages(GRAPH_OUTPUT).get(0).string(VALUE_NAME);
        }

        long[] outputShape() {
            return graph.messages(GRAPH_OUTPUT).get(0).message(VALUE_TYPE).message(TYPE_TENSOR)
                    .message(TENSOR_TYPE_SHAPE).messages(SHAPE_DIM).stream()
                    .mapToLong(d -> d.longValue(DIM_VALUE, -1)).toArray();
        }

        String node(String opType, List<String> inputs, ProtoMessage... attributes) {
            String output = fresh(opType);
            ProtoMessage node = new ProtoMessage();
            inputs.forEach(i -> node.addString(NODE_INPUT, i));
            node.addString(NODE_OUTPUT, output).addString(NODE_NAME, output).addString(NODE_OP_TYPE, opType);
            for (ProtoMessage a : attributes) {
                node.addMessage(NODE_ATTRIBUTE, a);
            }
            graph.addMessage(GRAPH_NODE, node);
            return output;
        }

        String slice(String input, long start, long end, long axis) {
            return node("Slice", List.of(input, int64s(start), int64s(end), int64s(axis)));
        }

        String int64s(long... values) {
            ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                raw.putLong(v);
            }
            return constant(INT64, raw.array(), values.length);
        }

        String int64Scalar(long value) {
            return constant(INT64, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        }

        String floats(float value) {
            return constant(FLOAT, floatBytes(value), 1);
        }

        String floatScalar(float value) {
            return constant(FLOAT, floatBytes(value));
        }

        private static byte[] floatBytes(float value) {
            return ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
        }

        private String constant(int dataType, byte[] raw, long... dims) {
            String name = fresh("const");
            ProtoMessage tensor = new ProtoMessage();
            for (long d : dims) {
                tensor.addLong(TENSOR_DIMS, d);
            }
            tensor.addLong(TENSOR_DATA_TYPE, dataType).addString(TENSOR_NAME, name).addBytes(TENSOR_RAW_DATA, raw);
            graph.addMessage(GRAPH_INITIALIZER, tensor);
            return name;
        }

        /** Makes {@code name} the graph's only output, a float tensor; dims are Longs or symbolic names. */
        void replaceOutput(String name, Object... dims) {
            ProtoMessage shape = new ProtoMessage();
            for (Object d : dims) {
                ProtoMessage dim = new ProtoMessage();
                if (d instanceof Long v) {
                    dim.addLong(DIM_VALUE, v);
                } else {
                    dim.addString(DIM_PARAM, d.toString());
                }
                shape.addMessage(SHAPE_DIM, dim);
            }
            ProtoMessage tensorType = new ProtoMessage().addLong(TENSOR_TYPE_ELEM, FLOAT)
                    .addMessage(TENSOR_TYPE_SHAPE, shape);
            ProtoMessage value = new ProtoMessage().addString(VALUE_NAME, name)
                    .addMessage(VALUE_TYPE, new ProtoMessage().addMessage(TYPE_TENSOR, tensorType));
            graph.remove(GRAPH_OUTPUT);
            graph.addMessage(GRAPH_OUTPUT, value);
        }
    }
}
