package io.vaultml.vision.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.vaultml.api.BoundingBox;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Frame;
import io.vaultml.api.RetriableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * YOLO object detection on ONNX Runtime.
 *
 * <p>Preprocessing ({@link Preprocessor}) letterboxes each frame into one reused direct buffer that the input
 * tensor wraps without a copy. The output layout (Ultralytics
 * v8/v11, YOLOv5, YOLOX, or NMS-in-model) is recognised from the output shape; class names come from the model's
 * {@code names} metadata, a labels file, or COCO-80 for 80-class models. Boxes are returned in original-image
 * pixels, clipped to the image, after class-wise non-maximum suppression.
 *
 * <p>Not thread-safe (the input buffer is reused): one inference thread at a time, as the {@link Detector}
 * contract says. {@link #close()} releases the session and every native buffer.
 */
public final class OnnxYoloDetector implements Detector {
    private static final Logger log = LoggerFactory.getLogger(OnnxYoloDetector.class);
    private static final int MAX_DETECTIONS = 300;

    private final YoloOptions options;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final int inputWidth;
    private final int inputHeight;
    private final int batchCapacity;
    private final boolean fixedBatch;
    private final OutputLayout layout;
    private final List<String> names;
    private final boolean[] allowed;
    private final String device;
    private final float[] yoloxGrid;

    private final Preprocessor preprocessor;
    private boolean closed;
    // Cumulative step times, written by the inference thread only; timings() hands out snapshots.
    private long timedFrames;
    private long timedRuns;
    private long preprocessNanos;
    private long inferenceNanos;
    private long postprocessNanos;

    /** Time spent so far per step, as an immutable snapshot; subtract an earlier one for an interval. */
    public Timings timings() {
        return new Timings(timedFrames, timedRuns, preprocessNanos, inferenceNanos, postprocessNanos);
    }

    private OnnxYoloDetector(YoloOptions options) throws OrtException {
        if (OpenCv.available()) {
            OpenCv.load(); // before the session: a native library that fails to load says so here, not mid-frame
        }
        this.options = options;
        this.env = OrtEnvironment.getEnvironment();
        OrtSessions.Opened opened = OrtSessions.open(env, options);
        this.session = opened.session();
        String chosenDevice = opened.device();
        this.device = chosenDevice;
        try {
            Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
            this.inputName = input.getKey();
            long[] inShape = ((TensorInfo) input.getValue().getInfo()).getShape();
            if (inShape.length != 4 || (inShape[1] != 3 && inShape[1] > 0)) {
                throw new ConfigException("Model " + options.model().getFileName() + " input " + inputName
                        + " must be [batch, 3, height, width], is " + java.util.Arrays.toString(inShape));
            }
            this.inputHeight = inShape[2] > 0 ? (int) inShape[2] : options.inputSize();
            this.inputWidth = inShape[3] > 0 ? (int) inShape[3] : options.inputSize();
            this.batchCapacity = inShape[0] > 0 ? (int) inShape[0]
                    : options.batchSize() > 0 ? options.batchSize() : chosenDevice.startsWith("cuda") ? 8 : 1;
            this.fixedBatch = inShape[0] > 0;
            NodeInfo output = session.getOutputInfo().values().iterator().next();
            long[] outShape = ((TensorInfo) output.getInfo()).getShape();
            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            boolean nmsInModel = "true".equalsIgnoreCase(metadata.getOrDefault("nms", ""))
                    || "true".equalsIgnoreCase(metadata.getOrDefault("end2end", ""));
            if (outShape.length == 3 && (outShape[1] < 0 || outShape[2] < 0)) {
                outShape = probeOutputShape();
            }
            this.layout = options.layout() != null ? options.layout()
                    : OutputLayout.detect(outShape, inputWidth, inputHeight, nmsInModel);
            this.names = ClassNames.load(options.labels(), metadata, layout.classes(outShape),
                    options.model().getFileName().toString());
            this.allowed = ClassNames.allowedMask(names, options.allowedClasses());
            this.yoloxGrid = layout == OutputLayout.YOLOX ? OutputLayout.yoloxGrid(inputWidth, inputHeight) : null;
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
        this.preprocessor = Preprocessor.create(inputWidth, inputHeight, batchCapacity, layout);
        log.info("Loaded {} on {}: input {}x{}, batch {}, layout {}, {} classes", options.model().getFileName(),
                device, inputWidth, inputHeight, batchCapacity, layout, names.size());
    }

    /**
     * Opens the model.
     *
     * @throws ConfigException when the model cannot be loaded or used
     */
    public static OnnxYoloDetector open(YoloOptions options) {
        if (!Files.isRegularFile(options.model())) {
            throw new ConfigException("Model file not found: " + options.model());
        }
        try {
            return new OnnxYoloDetector(options);
        } catch (OrtException e) {
            throw new ConfigException("Model " + options.model() + " could not be loaded: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // An output no layout recognises: the model is not a YOLO detector this build understands.
            throw new ConfigException("Model " + options.model() + " cannot be used: " + e.getMessage()
                    + "; expected a YOLO detector output ([batch, 4 + classes, boxes] Ultralytics, [batch, boxes, "
                    + "5 + classes] YOLOv5 or YOLOX, [batch, boxes, 6] or [rows, 7] with NMS), or MODEL_LAYOUT set", e);
        }
    }

    /** The model's class names (metadata, LABELS_PATH or COCO-80), all of them, ALLOWED_CLASSIFICATIONS aside. */
    @Override
    public List<String> classes() {
        return List.copyOf(names);
    }

    @Override
    public DetectorInfo info() {
        return new DetectorInfo("onnx-yolo", options.model().getFileName().toString(), device);
    }

    public OutputLayout layout() {
        return layout;
    }

    public List<String> classNames() {
        return names;
    }

    @Override
    public int preferredBatchSize() {
        return batchCapacity;
    }

    @Override
    public List<Detection> detect(Frame frame) {
        return detectAll(List.of(frame)).get(0);
    }

    @Override
    public List<List<Detection>> detectAll(List<Frame> frames) {
        if (closed) {
            throw new IllegalStateException("detector is closed");
        }
        List<List<Detection>> out = new ArrayList<>(frames.size());
        for (int start = 0; start < frames.size(); start += batchCapacity) {
            List<Frame> chunk = frames.subList(start, Math.min(frames.size(), start + batchCapacity));
            out.addAll(runBatch(chunk));
        }
        return out;
    }

    private List<List<Detection>> runBatch(List<Frame> frames) {
        int n = frames.size();
        // A fixed-batch model always gets a full batch; the unused slots keep stale data and are ignored.
        int runBatch = fixedBatch ? batchCapacity : n;
        Letterbox[] boxes = new Letterbox[n];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            boxes[i] = preprocessor.put(frames.get(i), i);
        }
        long t1 = System.nanoTime();
        long[] shape = {runBatch, 3, inputHeight, inputWidth};
        FloatBuffer input = preprocessor.input(runBatch);
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            long t2 = System.nanoTime();
            OnnxTensor output = (OnnxTensor) result.get(0);
            long[] outShape = output.getInfo().getShape();
            FloatBuffer data = output.getFloatBuffer();
            List<List<Detection>> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                all.add(nms(decode(data, outShape, i, boxes[i], frames.get(i))));
            }
            timedFrames += n;
            timedRuns++;
            preprocessNanos += t1 - t0;
            inferenceNanos += t2 - t1;
            postprocessNanos += System.nanoTime() - t2;
            return all;
        } catch (OrtException e) {
            throw new RetriableException("Inference with " + options.model().getFileName() + " failed on " + device
                    + ": " + e.getMessage(), e);
        }
    }

    private List<Detection> decode(FloatBuffer data, long[] shape, int b, Letterbox lb, Frame frame) {
        List<Detection> found = new ArrayList<>();
        layout.decode(data, shape, b, options.confidence(), allowed, yoloxGrid,
                (cls, score, cx, cy, w, h) -> add(found, cls, score, cx, cy, w, h, lb, frame));
        return found;
    }

    private void add(List<Detection> found, int cls, float score, float cx, float cy, float w, float h,
            Letterbox lb, Frame frame) {
        double x1 = clamp(lb.toImageX(cx - w / 2), frame.width());
        double y1 = clamp(lb.toImageY(cy - h / 2), frame.height());
        double x2 = clamp(lb.toImageX(cx + w / 2), frame.width());
        double y2 = clamp(lb.toImageY(cy + h / 2), frame.height());
        if (x2 > x1 && y2 > y1) {
            found.add(new Detection(label(cls), cls, Math.min(1f, score), new BoundingBox(x1, y1, x2, y2)));
        }
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    private String label(int cls) {
        return cls < names.size() ? names.get(cls) : "class_" + cls;
    }

    private List<Detection> nms(List<Detection> candidates) {
        return Nms.suppress(candidates, options.iou(), MAX_DETECTIONS);
    }

    /** Runs one zero input to learn the concrete output shape of a model with symbolic output dimensions. */
    private long[] probeOutputShape() throws OrtException {
        long[] shape = {1, 3, options.inputSize(), options.inputSize()};
        FloatBuffer zeros = ByteBuffer.allocateDirect(3 * options.inputSize() * options.inputSize() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (OnnxTensor t = OnnxTensor.createTensor(env, zeros, shape);
                OrtSession.Result r = session.run(Map.of(inputName, t))) {
            return ((OnnxTensor) r.get(0)).getInfo().getShape();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            log.warn("Closing the ONNX session failed: {}", e.getMessage());
        }
        preprocessor.close();
    }
}
