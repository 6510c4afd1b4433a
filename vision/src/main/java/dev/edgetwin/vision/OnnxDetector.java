package dev.edgetwin.vision;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * An object detector running in ONNX Runtime: letterbox, inference, decoding and NMS. It decodes
 * the output layouts of {@link OutputLayout} (YOLOv8/YOLO11, YOLOv5, end-to-end), recognised from
 * the output shape and the Ultralytics metadata or set in {@link Options#layout()}. It owns its
 * session (when opened from a file) and its input and output tensors; both tensors wrap direct
 * buffers allocated once, so a frame costs no tensor allocation whatever the layout.
 *
 * <p>Not thread-safe: call {@link #detect} from one inference thread. {@link #close()} may be
 * called twice; {@link #detect} after close throws {@link IllegalStateException}.
 *
 * <p>For a pipeline that overlaps the steps on separate threads, {@link #newSlot()} gives a frame
 * in flight its own preallocated input and output, and {@link #prepare}, {@link #run} and {@link
 * #decode} are the three steps of {@link #detect} on a slot: {@code prepare} from one thread,
 * {@code run} from one thread, {@code decode} from one thread (it reuses the decoder's scratch),
 * each slot in one step at a time, handed between threads with a happens-before edge (a volatile or
 * atomic hand-off). Do not call {@link #detect} while slots are in use.
 */
public final class OnnxDetector implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicLong nonFiniteFrames =
            new java.util.concurrent.atomic.AtomicLong();

    /**
     * Decoding settings.
     *
     * @param confidenceThreshold minimum class score kept, in (0, 1]
     * @param iouThreshold boxes of one class overlapping more than this are suppressed
     * @param maxDetections most detections returned per frame
     * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets ONNX Runtime decide
     * @param layout the output layout; {@link OutputLayout#AUTO} recognises it from the output
     *     shape and metadata. The IoU threshold is unused for {@link OutputLayout#END_TO_END}
     */
    public record Options(
            float confidenceThreshold,
            float iouThreshold,
            int maxDetections,
            int intraOpThreads,
            OutputLayout layout) {
        public Options {
            if (layout == null) {
                throw new IllegalArgumentException("layout must not be null (use AUTO)");
            }
            if (!(confidenceThreshold > 0 && confidenceThreshold <= 1)) {
                throw new IllegalArgumentException(
                        "confidenceThreshold must be in (0, 1], got " + confidenceThreshold);
            }
            if (!(iouThreshold > 0 && iouThreshold <= 1)) {
                throw new IllegalArgumentException(
                        "iouThreshold must be in (0, 1], got " + iouThreshold);
            }
            if (maxDetections <= 0) {
                throw new IllegalArgumentException(
                        "maxDetections must be positive, got " + maxDetections);
            }
            if (intraOpThreads < 0) {
                throw new IllegalArgumentException(
                        "intraOpThreads must be >= 0, got " + intraOpThreads);
            }
        }

        /** Options that recognise the output layout ({@link OutputLayout#AUTO}). */
        public Options(
                float confidenceThreshold,
                float iouThreshold,
                int maxDetections,
                int intraOpThreads) {
            this(
                    confidenceThreshold,
                    iouThreshold,
                    maxDetections,
                    intraOpThreads,
                    OutputLayout.AUTO);
        }

        public static Options defaults() {
            return new Options(0.5f, 0.5f, 100, 0);
        }

        /** These options with the output layout set explicitly (or back to AUTO). */
        public Options withLayout(OutputLayout layout) {
            return new Options(
                    confidenceThreshold, iouThreshold, maxDetections, intraOpThreads, layout);
        }
    }

    private final Path modelPath;
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final List<String> classNames;
    private final Map<String, String> metadata;
    private final LetterboxInput input;
    private final OnnxJavaType inputType;
    private final int inputWidth;
    private final int inputHeight;
    private final FloatBuffer outputBuffer;
    private final OnnxTensor outputTensor;
    private final DetectionDecoder decoder;
    private final boolean ownsSession;
    private long runtimeAllocatedOutputs;
    private final List<Slot> slots = new ArrayList<>();
    private volatile boolean closed;

    private OnnxDetector(
            Path modelPath,
            OrtSession session,
            String inputName,
            String outputName,
            List<String> classNames,
            Map<String, String> metadata,
            LetterboxInput input,
            OnnxJavaType inputType,
            int inputWidth,
            int inputHeight,
            FloatBuffer outputBuffer,
            OnnxTensor outputTensor,
            DetectionDecoder decoder,
            boolean ownsSession) {
        this.modelPath = modelPath;
        this.session = session;
        this.inputName = inputName;
        this.outputName = outputName;
        this.classNames = classNames;
        this.metadata = metadata;
        this.input = input;
        this.inputType = inputType;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.outputBuffer = outputBuffer;
        this.outputTensor = outputTensor;
        this.decoder = decoder;
        this.ownsSession = ownsSession;
    }

    /** Loads a detector on ONNX Runtime's CPU execution provider. */
    public static OnnxDetector open(Path modelPath, Options options) throws DetectorException {
        if (!Files.isRegularFile(modelPath) || !Files.isReadable(modelPath)) {
            throw new DetectorException(
                    DetectorException.Code.MODEL_NOT_FOUND,
                    "no readable model file at " + modelPath.toAbsolutePath());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.intraOpThreads() > 0) {
                sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            }
            session = env.createSession(modelPath.toString(), sessionOptions);
        } catch (OrtException e) {
            throw new DetectorException(
                    DetectorException.Code.MODEL_INVALID,
                    "ONNX Runtime could not load " + modelPath + ": " + e.getMessage(),
                    e);
        }
        try {
            return bind(modelPath, session, options, env, true);
        } catch (DetectorException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * A detector on a session that someone else created (with the execution providers the device
     * has) and keeps owning: {@link #close()} releases the detector's tensors, not the session,
     * which must outlive the detector.
     */
    public static OnnxDetector forSession(OrtSession session, Path modelPath, Options options)
            throws DetectorException {
        return bind(modelPath, session, options, OrtEnvironment.getEnvironment(), false);
    }

    private static OnnxDetector bind(
            Path modelPath,
            OrtSession session,
            Options options,
            OrtEnvironment env,
            boolean ownsSession)
            throws DetectorException {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            if (inputs.size() != 1 || outputs.isEmpty()) {
                throw layout(
                        modelPath,
                        "expected one image input and a detection output, found inputs "
                                + inputs.keySet()
                                + " and outputs "
                                + outputs.keySet());
            }
            String inputName = inputs.keySet().iterator().next();
            NodeInfo inputInfo = inputs.get(inputName);
            if (!(inputInfo.getInfo() instanceof TensorInfo inTensor)
                    || !LetterboxInput.supports(inTensor.type)) {
                throw layout(
                        modelPath,
                        "input "
                                + inputName
                                + " must be a float32 or uint8 image tensor, found "
                                + inputInfo.getInfo());
            }
            OnnxJavaType inputType = inTensor.type;
            long[] inShape = inTensor.getShape();
            if (inShape.length != 4 || inShape[1] != 3 || inShape[2] <= 0 || inShape[3] <= 0) {
                throw layout(
                        modelPath,
                        "expected input "
                                + inputName
                                + " of shape [1, 3, H, W] with fixed H and W, found "
                                + Arrays.toString(inShape));
            }
            String outputName = outputs.keySet().iterator().next();
            long[] outShape =
                    tensorShape(modelPath, "output " + outputName, outputs.get(outputName));
            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            List<String> names = null;
            String literal = metadata.get("names");
            if (literal != null) {
                try {
                    names = UltralyticsMetadata.parseNames(literal);
                } catch (IllegalArgumentException e) {
                    throw layout(modelPath, e.getMessage());
                }
            }
            LayoutResolver.Resolved resolved;
            try {
                resolved =
                        LayoutResolver.resolve(
                                outShape, names, metadata.get("end2end"), options.layout());
            } catch (IllegalArgumentException e) {
                throw layout(modelPath, "output " + outputName + ": " + e.getMessage());
            }
            if (names == null) {
                names = UltralyticsMetadata.defaultNames(resolved.classes());
                Logger.info(
                        "Detector {} has no 'names' metadata: labelling its classes {}",
                        modelPath.getFileName(),
                        names.isEmpty() ? "class0, class1, ... as they appear" : names);
            }
            DetectionDecoder decoder = decoder(resolved.layout(), names, outShape, options);
            LetterboxInput input =
                    LetterboxInput.create(env, inputType, (int) inShape[3], (int) inShape[2]);
            FloatBuffer outputBuffer =
                    ByteBuffer.allocateDirect(decoder.expectedLength() * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
            OnnxTensor outputTensor;
            try {
                outputTensor = OnnxTensor.createTensor(env, outputBuffer, outShape);
            } catch (OrtException e) {
                input.close();
                throw e;
            }
            Logger.info(
                    "Detector {} loaded: input {} {} {}, output {} {} decoded as {} ({}), classes"
                            + " {}",
                    modelPath.getFileName(),
                    inputName,
                    input.uint8() ? "uint8" : "float32",
                    Arrays.toString(inShape),
                    outputName,
                    Arrays.toString(outShape),
                    resolved.layout(),
                    resolved.how(),
                    names.isEmpty() ? "from the model's class indices" : names);
            return new OnnxDetector(
                    modelPath,
                    session,
                    inputName,
                    outputName,
                    names,
                    Map.copyOf(metadata),
                    input,
                    inputType,
                    (int) inShape[3],
                    (int) inShape[2],
                    outputBuffer,
                    outputTensor,
                    decoder,
                    ownsSession);
        } catch (OrtException e) {
            throw new DetectorException(
                    DetectorException.Code.MODEL_INVALID,
                    "could not inspect " + modelPath + ": " + e.getMessage(),
                    e);
        }
    }

    private static DetectionDecoder decoder(
            OutputLayout layout, List<String> names, long[] outShape, Options options) {
        return switch (layout) {
            case YOLOV8 ->
                    new YoloV8Decoder(
                            names,
                            (int) outShape[2],
                            options.confidenceThreshold(),
                            options.iouThreshold(),
                            options.maxDetections());
            case YOLOV5 ->
                    new YoloV5Decoder(
                            names,
                            (int) outShape[1],
                            options.confidenceThreshold(),
                            options.iouThreshold(),
                            options.maxDetections());
            case END_TO_END ->
                    new EndToEndDecoder(
                            names,
                            (int) outShape[1],
                            options.confidenceThreshold(),
                            options.maxDetections());
            case AUTO -> throw new IllegalStateException("AUTO is resolved before decoding");
        };
    }

    private static long[] tensorShape(Path modelPath, String what, NodeInfo info)
            throws DetectorException {
        if (!(info.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw layout(modelPath, what + " must be a float32 tensor, found " + info.getInfo());
        }
        return tensor.getShape();
    }

    private static DetectorException layout(Path modelPath, String message) {
        return new DetectorException(
                DetectorException.Code.UNSUPPORTED_LAYOUT,
                modelPath.getFileName() + ": " + message);
    }

    /** Detects objects in one frame; boxes are in the frame's pixels. */
    public List<Detection> detect(Frame frame) throws DetectorException {
        if (closed) {
            throw new IllegalStateException("detector " + modelPath.getFileName() + " is closed");
        }
        LetterboxTransform transform = input.prepare(frame);
        try (OrtSession.Result result =
                session.run(Map.of(inputName, input.tensor()), Map.of(outputName, outputTensor))) {
            for (int i = 0; i < result.size(); i++) {
                if (result.isResultOwner(i)) {
                    runtimeAllocatedOutputs++;
                }
            }
            countNonFinite(outputBuffer);
            return decoder.decode(outputBuffer, transform);
        } catch (OrtException e) {
            throw new DetectorException(
                    DetectorException.Code.INFERENCE_FAILED,
                    "inference failed on " + frame + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * One frame in flight: its own letterboxed input and pinned output tensors, allocated once and
     * rewritten for every frame, and the letterbox transform of the frame it holds. Owns its
     * tensors; {@link #close()} may be called twice, and the detector's {@link
     * OnnxDetector#close()} closes the slots still open.
     */
    public final class Slot implements AutoCloseable {
        private final LetterboxInput slotInput;
        private final FloatBuffer output;
        private final OnnxTensor outputValue;
        private final Map<String, OnnxTensor> inputs;
        private final Map<String, OnnxTensor> outputs;
        private LetterboxTransform transform;
        private long allocatedOutputs;
        private volatile boolean slotClosed;

        private Slot(OrtEnvironment env) throws OrtException {
            slotInput = LetterboxInput.create(env, inputType, inputWidth, inputHeight);
            output =
                    ByteBuffer.allocateDirect(decoder.expectedLength() * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
            try {
                outputValue = OnnxTensor.createTensor(env, output, decoder.outputShape());
            } catch (OrtException e) {
                slotInput.close();
                throw e;
            }
            inputs = Map.of(inputName, slotInput.tensor());
            outputs = Map.of(outputName, outputValue);
        }

        /** Outputs ONNX Runtime allocated instead of writing this slot's pinned output; 0. */
        public long runtimeAllocatedOutputs() {
            return allocatedOutputs;
        }

        private void check() {
            if (closed) {
                throw new IllegalStateException(
                        "detector " + modelPath.getFileName() + " is closed");
            }
            if (slotClosed) {
                throw new IllegalStateException("slot is closed");
            }
        }

        @Override
        public void close() {
            synchronized (OnnxDetector.this) {
                if (slotClosed) {
                    return;
                }
                slotClosed = true;
                slots.remove(this);
            }
            slotInput.close();
            outputValue.close();
        }
    }

    /**
     * A new slot for {@link #prepare}, {@link #run} and {@link #decode}; about 2x the input size.
     */
    public synchronized Slot newSlot() throws DetectorException {
        if (closed) {
            throw new IllegalStateException("detector " + modelPath.getFileName() + " is closed");
        }
        try {
            Slot slot = new Slot(OrtEnvironment.getEnvironment());
            slots.add(slot);
            return slot;
        } catch (OrtException e) {
            throw new DetectorException(
                    DetectorException.Code.INFERENCE_FAILED,
                    "cannot allocate the tensors of a slot for "
                            + modelPath.getFileName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Step 1 of {@link #detect}: letterboxes {@code frame} into the slot's input. */
    public void prepare(Frame frame, Slot slot) {
        slot.check();
        slot.transform = slot.slotInput.prepare(frame);
    }

    /** Step 2 of {@link #detect}: runs the model on the slot's input into its pinned output. */
    public void run(Slot slot) throws DetectorException {
        slot.check();
        if (slot.transform == null) {
            throw new IllegalStateException("run before prepare: the slot holds no frame");
        }
        try (OrtSession.Result result = session.run(slot.inputs, slot.outputs)) {
            for (int i = 0; i < result.size(); i++) {
                if (result.isResultOwner(i)) {
                    slot.allocatedOutputs++;
                }
            }
        } catch (OrtException e) {
            throw new DetectorException(
                    DetectorException.Code.INFERENCE_FAILED,
                    "inference failed on " + modelPath.getFileName() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Step 3 of {@link #detect}: decodes (threshold, NMS) the slot's output; boxes are in the
     * pixels of the frame it was prepared from.
     */
    public List<Detection> decode(Slot slot) {
        slot.check();
        if (slot.transform == null) {
            throw new IllegalStateException("decode before prepare: the slot holds no frame");
        }
        countNonFinite(slot.output);
        return decoder.decode(slot.output, slot.transform);
    }

    /**
     * Frames whose output held a NaN or an infinity. The decoders skip such values box by box; a
     * model that produces them at all is broken, and model probation watches this count.
     */
    public long framesWithNonFiniteOutput() {
        return nonFiniteFrames.get();
    }

    private void countNonFinite(java.nio.FloatBuffer output) {
        for (int i = 0, n = output.limit(); i < n; i++) {
            if (!Float.isFinite(output.get(i))) {
                nonFiniteFrames.incrementAndGet();
                return;
            }
        }
    }

    /**
     * Outputs ONNX Runtime had to allocate instead of writing into the pinned output; stays 0 in
     * steady state.
     */
    public long runtimeAllocatedOutputs() {
        return runtimeAllocatedOutputs;
    }

    /**
     * Class names in index order: from the metadata, else {@code class0..class(C-1)}; empty for an
     * end-to-end model without names (labels then come from the class index in each row).
     */
    public List<String> classNames() {
        return classNames;
    }

    /** The layout the output is decoded as (never {@link OutputLayout#AUTO}). */
    public OutputLayout outputLayout() {
        return decoder.layout();
    }

    /** The model's custom metadata (Ultralytics keys, provenance). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Path modelPath() {
        return modelPath;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Slot> open;
        synchronized (this) {
            open = new ArrayList<>(slots);
        }
        open.forEach(Slot::close);
        input.close();
        outputTensor.close();
        if (ownsSession) {
            closeQuietly(session);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            Logger.warn(e, "Closing the ONNX Runtime session failed");
        }
    }

    @Override
    public String toString() {
        return "OnnxDetector[" + modelPath.getFileName() + ", classes=" + classNames.size() + "]";
    }
}
