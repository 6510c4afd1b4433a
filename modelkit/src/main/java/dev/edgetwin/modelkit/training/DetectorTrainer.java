package dev.edgetwin.modelkit.training;

import static dev.edgetwin.modelkit.training.DetectorLayout.CLASSES;
import static dev.edgetwin.modelkit.training.DetectorLayout.DESCRIPTOR;
import static dev.edgetwin.modelkit.training.DetectorLayout.HYPOTHESES;
import static dev.edgetwin.modelkit.training.DetectorLayout.RANDOM_FEATURES;
import static dev.edgetwin.modelkit.training.DetectorLayout.SCORE_CENTRE;
import static dev.edgetwin.modelkit.training.DetectorLayout.SCORE_GAIN;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM1;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM2;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM_IN;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgetwin.modelkit.DetectorContract;
import dev.edgetwin.modelkit.ModelFiles;
import dev.edgetwin.modelkit.ModelKitVersion;
import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.TrainingScenes;
import dev.edgetwin.vision.Boxes;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.LetterboxPreprocessor;
import dev.edgetwin.vision.LetterboxTransform;
import dev.edgetwin.vision.YoloV8Decoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.tinylog.Logger;

/**
 * Trains the reference detector on {@link TrainingScenes} and writes it as a YOLOv8-layout ONNX
 * model that the vision module's {@code OnnxDetector} runs like any Ultralytics export.
 *
 * <p><b>Method</b> (see {@link FeatureStack} for the layers): nothing is trained by gradient
 * descent. The stem's two 1x1 conv + ReLU layers and the 128-unit random ReLU layer of the score
 * heads are drawn from the seed (directions Gaussian, biases placed through sampled training
 * inputs, so every unit cuts through the data). Two heads are fitted in closed form by ridge
 * regression: the pixel head (1x1 conv: stem features to per-class scores, targets the share of
 * each cell covered by each class in the renderer's object-id buffer), and the score heads (per box
 * hypothesis and class: descriptor and random features to the IoU of the slot's box with the
 * best-matching object of its class). Boxes themselves are not regressed: they are the exact
 * extents of the class-mask blobs through each anchor, whole (hypothesis 0), cut at brightness
 * edges (hypothesis 1), and also cut where the outline steps between neighbouring columns
 * (hypothesis 2); the scores choose between them. Non-maximum suppression (in the decoder) keeps
 * the best-scored box per object.
 *
 * <p><b>Determinism.</b> The same {@link Config} gives byte-identical models: every random draw
 * comes from {@link SplittableRandom}s seeded from the config's seed and the scene index, the
 * forward pass is plain float arithmetic in a fixed order, per-scene partial sums are merged in
 * scene order whatever the number of threads, and the held-out figures in the metadata come from
 * the same Java pass. The measured wall-clock time is reported in {@link Result}, not written into
 * the model.
 */
public final class DetectorTrainer {
    /**
     * Changes whenever the method changes in a way that changes the weights, so that {@code
     * ModelCache} never serves a model trained by older code under a new one's name.
     */
    static final int REVISION = 1;

    private static final double PIXEL_RIDGE = 1e-4;
    private static final double SCORE_RIDGE = 1e-5;
    private static final int STEM_INIT_SCENES = 20;
    private static final int RANDOM_INIT_SCENES = 10;

    /** Background cells kept for the pixel head: 1 in 8 (weighted 8); object cells 1 in 2. */
    private static final int BACKGROUND_KEEP = 8;

    private static final int OBJECT_KEEP = 2;
    private static final float[] STEM_INPUT_SCALE = {6, 6, 6, 2f / 3};
    private static final double RANDOM_FEATURE_SCALE = 3;

    /**
     * What to train.
     *
     * @param seed seeds the training scenes ({@code TrainingScenes.random(seed, i)}) and every
     *     random draw of the method
     * @param scenes training scenes (one frame each), at least 1
     * @param inputSize model input width and height: 320, 416 or 640 (640x480 frames letterboxed)
     * @param testSeed seeds the held-out scenes measured into the metadata; must differ from {@code
     *     seed}
     * @param testScenes held-out scenes, 0 to skip the measurement
     * @param threads worker threads, 0 for one per processor; the model does not depend on it
     */
    public record Config(
            long seed, int scenes, int inputSize, long testSeed, int testScenes, int threads) {
        public Config {
            if (scenes < 1 || scenes > 100_000) {
                throw new IllegalArgumentException("scenes must be in [1, 100000], got " + scenes);
            }
            if (inputSize != 320 && inputSize != 416 && inputSize != 640) {
                throw new IllegalArgumentException(
                        "inputSize must be 320, 416 or 640, got " + inputSize);
            }
            if (testScenes < 0 || testScenes > 100_000) {
                throw new IllegalArgumentException(
                        "testScenes must be in [0, 100000], got " + testScenes);
            }
            if (testSeed == seed) {
                throw new IllegalArgumentException(
                        "testSeed must differ from seed (" + seed + "): test on unseen scenes");
            }
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            }
        }

        /** 400 training scenes of seed 1 at 320x320, 200 held-out scenes of seed 2. */
        public static Config defaults() {
            return new Config(1, 400, 320, 2, 200, 0);
        }

        public Config withScenes(int trainScenes, int heldOutScenes) {
            return new Config(seed, trainScenes, inputSize, testSeed, heldOutScenes, threads);
        }

        public Config withSeed(long trainSeed) {
            return new Config(trainSeed, scenes, inputSize, testSeed, testScenes, threads);
        }

        public Config withThreads(int workerThreads) {
            return new Config(seed, scenes, inputSize, testSeed, testScenes, workerThreads);
        }

        /** Everything that decides the model's bytes, as one line (threads excluded). */
        public String canonical() {
            return "revision="
                    + REVISION
                    + " seed="
                    + seed
                    + " scenes="
                    + scenes
                    + " imgsz="
                    + inputSize
                    + " test_seed="
                    + testSeed
                    + " test_scenes="
                    + testScenes;
        }

        /**
         * The first 16 hex digits of the SHA-256 of the project version and {@link #canonical()}:
         * names the model a config trains.
         */
        public String fingerprint() {
            return HexFormat.of()
                    .formatHex(
                            sha256(
                                    (ModelKitVersion.VERSION + " " + canonical())
                                            .getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        }
    }

    /**
     * A finished training run.
     *
     * @param model the ONNX model
     * @param heldOut the model on the held-out scenes (the trainer's Java forward pass, decoded
     *     like {@code OnnxDetector} does); null when the config asks for none
     * @param trainingTime wall-clock time of the training proper (rendering and fitting)
     * @param evaluationTime wall-clock time of the held-out measurement
     */
    public record Result(
            byte[] model,
            EvaluationReport heldOut,
            Duration trainingTime,
            Duration evaluationTime) {
        @Override
        public String toString() {
            return "DetectorTrainer.Result["
                    + model.length
                    + " bytes, "
                    + heldOut
                    + ", training "
                    + trainingTime.toMillis()
                    + " ms, evaluation "
                    + evaluationTime.toMillis()
                    + " ms]";
        }
    }

    private final Config config;
    private final DetectorLayout layout;
    private final FeatureStack stack;

    public DetectorTrainer(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.layout = new DetectorLayout(config.inputSize());
        this.stack = new FeatureStack(layout);
    }

    public Config config() {
        return config;
    }

    private static byte[] defaultModel;

    /**
     * The model of {@link Config#defaults()}, trained on the first call in this JVM (about 20 s on
     * two cores) and kept in memory for later ones; a fresh copy each call.
     */
    public static synchronized byte[] defaultModel() {
        if (defaultModel == null) {
            defaultModel = new DetectorTrainer(Config.defaults()).train();
        }
        return defaultModel.clone();
    }

    /** Trains and returns the ONNX model. */
    public byte[] train() {
        return run().model();
    }

    /**
     * Trains and writes the model to {@code output} (temporary file, forced to disk, atomic rename;
     * see {@link ModelFiles#writeAtomically}).
     */
    public Path train(Path output) throws IOException {
        ModelFiles.writeAtomically(output, train());
        return output;
    }

    /** Trains, measures the held-out scenes, and returns the model with its figures. */
    public Result run() {
        int threads = threads();
        ExecutorService pool = Executors.newFixedThreadPool(threads, DetectorTrainer::daemon);
        try {
            long start = System.nanoTime();
            Fit fit = fit(pool, threads);
            Duration trainingTime = Duration.ofNanos(System.nanoTime() - start);
            long evaluationStart = System.nanoTime();
            EvaluationReport heldOut = null;
            if (config.testScenes() > 0) {
                heldOut = evaluate(fit.weights(), pool, threads);
            }
            Duration evaluationTime = Duration.ofNanos(System.nanoTime() - evaluationStart);
            byte[] model = write(fit, heldOut);
            Logger.info(
                    "Trained detector: {} bytes in {} ms (held-out {} in {} ms)",
                    model.length,
                    trainingTime.toMillis(),
                    heldOut == null ? "not measured" : heldOut,
                    evaluationTime.toMillis());
            return new Result(model, heldOut, trainingTime, evaluationTime);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The fitted weights and how many samples each head saw. */
    record Fit(DetectorWeights weights, long pixelSamples, long slotSamples) {}

    /** Renders the training scenes and fits the heads (no held-out measurement). */
    Fit fit() {
        int threads = threads();
        ExecutorService pool = Executors.newFixedThreadPool(threads, DetectorTrainer::daemon);
        try {
            return fit(pool, threads);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The model file for {@code fit}, with {@code heldOut} (or none) in its metadata. */
    byte[] write(Fit fit, EvaluationReport heldOut) {
        return write(fit.weights(), heldOut, fit.pixelSamples(), fit.slotSamples());
    }

    DetectorLayout layout() {
        return layout;
    }

    private int threads() {
        return config.threads() == 0
                ? Runtime.getRuntime().availableProcessors()
                : config.threads();
    }

    private Fit fit(ExecutorService pool, int threads) {
        Logger.info("Training detector ({}) on {} threads", config.canonical(), threads);
        List<TrainingSample> samples = new ArrayList<>(config.scenes());
        forEachOrdered(
                pool,
                threads,
                config.scenes(),
                i -> TrainingSample.render(TrainingScenes.random(config.seed(), i), stack),
                samples::add);

        float[][] stem = drawStem(samples);
        RidgeRegression pixel = new RidgeRegression(STEM1 + STEM2 + 1, CLASSES);
        forEachOrdered(
                pool,
                threads,
                samples.size(),
                i -> pixelSums(samples.get(i), stem, i),
                pixel::merge);
        float[][] pixelFit = pixel.solve(PIXEL_RIDGE);
        float[] pixelHead = new float[CLASSES * (STEM1 + STEM2)];
        float[] pixelBias = new float[CLASSES];
        for (int k = 0; k < CLASSES; k++) {
            System.arraycopy(pixelFit[k], 0, pixelHead, k * (STEM1 + STEM2), STEM1 + STEM2);
            pixelBias[k] = pixelFit[k][STEM1 + STEM2];
        }
        DetectorWeights partial =
                new DetectorWeights(
                        stem[0],
                        stem[1],
                        stem[2],
                        stem[3],
                        pixelHead,
                        pixelBias,
                        new float[RANDOM_FEATURES * DESCRIPTOR],
                        new float[RANDOM_FEATURES],
                        new float[HYPOTHESES * CLASSES * (DESCRIPTOR + RANDOM_FEATURES)],
                        new float[HYPOTHESES * CLASSES]);

        float[][] random = drawRandomFeatures(samples, partial);
        int heads = HYPOTHESES * CLASSES;
        RidgeRegression[] score = new RidgeRegression[heads];
        for (int h = 0; h < heads; h++) {
            score[h] = new RidgeRegression(DESCRIPTOR + RANDOM_FEATURES + 1, 1);
        }
        forEachOrdered(
                pool,
                threads,
                samples.size(),
                i -> scoreSums(samples.get(i), partial, random),
                part -> {
                    for (int h = 0; h < heads; h++) {
                        score[h].merge(part[h]);
                    }
                });
        int inputs = DESCRIPTOR + RANDOM_FEATURES;
        float[] scoreWeights = new float[heads * inputs];
        float[] scoreBias = new float[heads];
        long scoreSamples = 0;
        for (int h = 0; h < heads; h++) {
            float[] head = score[h].solve(SCORE_RIDGE)[0];
            for (int i = 0; i < inputs; i++) {
                scoreWeights[h * inputs + i] = SCORE_GAIN * head[i];
            }
            scoreBias[h] = SCORE_GAIN * (head[inputs] - SCORE_CENTRE);
            scoreSamples += score[h].samples();
        }
        DetectorWeights weights =
                new DetectorWeights(
                        stem[0],
                        stem[1],
                        stem[2],
                        stem[3],
                        pixelHead,
                        pixelBias,
                        random[0],
                        random[1],
                        scoreWeights,
                        scoreBias);
        return new Fit(weights, pixel.samples(), scoreSamples);
    }

    /**
     * The fixed stem: first-layer directions Gaussian (scaled per input), biases placing each
     * unit's hyperplane through a random cell of the first scenes; the second layer likewise on the
     * first layer's output. Returns {w1, b1, w2, b2}.
     */
    private float[][] drawStem(List<TrainingSample> samples) {
        var random = new SplittableRandom(streamSeed(config.seed(), 1));
        int scenes = Math.min(STEM_INIT_SCENES, samples.size());
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < scenes; i++) {
            inputs.add(stack.stemInput(samples.get(i).cells()));
        }
        int n = layout.cells * layout.cells;
        float[] w1 = new float[STEM1 * STEM_IN];
        float[] b1 = new float[STEM1];
        for (int o = 0; o < STEM1; o++) {
            float[] in = inputs.get(random.nextInt(inputs.size()));
            int p = random.nextInt(n);
            float bias = 0;
            for (int i = 0; i < STEM_IN; i++) {
                float w = (float) (random.nextGaussian() * STEM_INPUT_SCALE[i]);
                w1[o * STEM_IN + i] = w;
                bias -= w * in[i * n + p];
            }
            b1[o] = bias;
        }
        float[] w2 = new float[STEM2 * STEM1];
        float[] b2 = new float[STEM2];
        float[] first = new float[STEM1];
        for (int o = 0; o < STEM2; o++) {
            float[] in = inputs.get(random.nextInt(inputs.size()));
            int p = random.nextInt(n);
            for (int q = 0; q < STEM1; q++) {
                float v = b1[q];
                for (int i = 0; i < STEM_IN; i++) {
                    v += w1[q * STEM_IN + i] * in[i * n + p];
                }
                first[q] = Math.max(0, v);
            }
            float bias = 0;
            for (int i = 0; i < STEM1; i++) {
                w2[o * STEM1 + i] = (float) (random.nextGaussian() / Math.sqrt(STEM1));
                bias -= w2[o * STEM1 + i] * first[i];
            }
            b2[o] = bias;
        }
        return new float[][] {w1, b1, w2, b2};
    }

    /** Pixel-head normal equations of one scene: stem features to class shares per cell. */
    private RidgeRegression pixelSums(TrainingSample sample, float[][] stem, int index) {
        var random = new SplittableRandom(streamSeed(config.seed(), 1000 + index));
        float[] hidden =
                stack.stemFeatures(
                        stem[0], stem[1], stem[2], stem[3], stack.stemInput(sample.cells()));
        int n = layout.cells * layout.cells;
        int inputs = STEM1 + STEM2;
        RidgeRegression sums = new RidgeRegression(inputs + 1, CLASSES);
        float[] x = new float[inputs + 1];
        float[] y = new float[CLASSES];
        float samplePoints = TrainingSample.LABEL_SAMPLES * TrainingSample.LABEL_SAMPLES;
        byte[] labels = sample.labels();
        for (int p = 0; p < n; p++) {
            boolean object = false;
            for (int k = 0; k < CLASSES; k++) {
                y[k] = labels[k * n + p] / samplePoints;
                object |= labels[k * n + p] > 0;
            }
            int keep = object ? OBJECT_KEEP : BACKGROUND_KEEP;
            if (random.nextInt(keep) != 0) {
                continue;
            }
            for (int i = 0; i < inputs; i++) {
                x[i] = hidden[i * n + p];
            }
            x[inputs] = 1;
            sums.add(x, y, keep);
        }
        return sums;
    }

    /**
     * The random ReLU layer of the score heads: rows Gaussian over the descriptor's root mean
     * square, biases through descriptors of occupied anchors of the first scenes. Returns {W, b}.
     */
    private float[][] drawRandomFeatures(List<TrainingSample> samples, DetectorWeights w) {
        List<float[]> descriptors = new ArrayList<>();
        int scenes = Math.min(RANDOM_INIT_SCENES, samples.size());
        for (int i = 0; i < scenes; i++) {
            TrainingSample sample = samples.get(i);
            FeatureStack.Slots slots = slots(sample, w);
            for (int k = 0; k < CLASSES; k++) {
                for (int a = 0; a < layout.anchors; a++) {
                    if (slots.present()[k * layout.anchors + a] > 0) {
                        float[] d = new float[DESCRIPTOR];
                        stack.descriptor(slots, k, a, d);
                        descriptors.add(d);
                    }
                }
            }
        }
        if (descriptors.isEmpty()) {
            throw new IllegalStateException(
                    "no object found in the first " + scenes + " training scenes");
        }
        double[] rms = new double[DESCRIPTOR];
        for (float[] d : descriptors) {
            for (int i = 0; i < DESCRIPTOR; i++) {
                rms[i] += (double) d[i] * d[i];
            }
        }
        for (int i = 0; i < DESCRIPTOR; i++) {
            rms[i] = Math.sqrt(rms[i] / descriptors.size()) + 1e-3;
        }
        var random = new SplittableRandom(streamSeed(config.seed(), 2));
        float[] weights = new float[RANDOM_FEATURES * DESCRIPTOR];
        float[] bias = new float[RANDOM_FEATURES];
        for (int o = 0; o < RANDOM_FEATURES; o++) {
            float[] through = descriptors.get(random.nextInt(descriptors.size()));
            float b = 0;
            for (int i = 0; i < DESCRIPTOR; i++) {
                float v =
                        (float)
                                (random.nextGaussian()
                                        / rms[i]
                                        / Math.sqrt(DESCRIPTOR)
                                        * RANDOM_FEATURE_SCALE);
                weights[o * DESCRIPTOR + i] = v;
                b -= v * through[i];
            }
            bias[o] = b;
        }
        return new float[][] {weights, bias};
    }

    private FeatureStack.Slots slots(TrainingSample sample, DetectorWeights w) {
        float[] hidden = stack.stemFeatures(w, stack.stemInput(sample.cells()));
        return stack.slots(stack.masks(w, hidden), sample.cells());
    }

    /**
     * Score-head normal equations of one scene, one per head: each occupied slot's score inputs to
     * the IoU of its box with the best-matching object of its class. Slots whose best match is an
     * object that does not count ({@link DetectionEvaluator#counts}) at IoU >= 0.5 are left out:
     * neither reward nor punish finding what the evaluation ignores.
     */
    private RidgeRegression[] scoreSums(
            TrainingSample sample, DetectorWeights w, float[][] random) {
        FeatureStack.Slots slots = slots(sample, w);
        int heads = HYPOTHESES * CLASSES;
        RidgeRegression[] sums = new RidgeRegression[heads];
        for (int h = 0; h < heads; h++) {
            sums[h] = new RidgeRegression(DESCRIPTOR + RANDOM_FEATURES + 1, 1);
        }
        float[] d = new float[DESCRIPTOR];
        float[] x = new float[DESCRIPTOR + RANDOM_FEATURES + 1];
        float[] y = new float[1];
        LetterboxTransform letterbox = sample.letterbox();
        for (int k = 0; k < CLASSES; k++) {
            for (int a = 0; a < layout.anchors; a++) {
                boolean any = false;
                for (int h = 0; h < HYPOTHESES; h++) {
                    any |= slots.present()[(h * CLASSES + k) * layout.anchors + a] > 0;
                }
                if (!any) {
                    continue;
                }
                stack.descriptor(slots, k, a, d);
                FeatureStack.scoreInputs(random[0], random[1], d, x);
                float ax = layout.anchorCentre(a % layout.grid);
                float ay = layout.anchorCentre(a / layout.grid);
                for (int h = 0; h < HYPOTHESES; h++) {
                    int slot = (h * CLASSES + k) * layout.anchors + a;
                    if (slots.present()[slot] == 0) {
                        continue;
                    }
                    float x1 = (float) letterbox.toSourceX(ax - slots.left()[slot]);
                    float y1 = (float) letterbox.toSourceY(ay - slots.top()[slot]);
                    float x2 = (float) letterbox.toSourceX(ax + slots.right()[slot]);
                    float y2 = (float) letterbox.toSourceY(ay + slots.bottom()[slot]);
                    double best = 0;
                    GroundTruth match = null;
                    for (GroundTruth g : sample.groundTruth()) {
                        if (g.objectClass().id() != k) {
                            continue;
                        }
                        double iou = Boxes.iou(x1, y1, x2, y2, g.x1(), g.y1(), g.x2(), g.y2());
                        if (iou > best) {
                            best = iou;
                            match = g;
                        }
                    }
                    if (match != null
                            && best >= DetectionEvaluator.IOU_THRESHOLD
                            && !DetectionEvaluator.counts(match)) {
                        continue;
                    }
                    y[0] = (float) best;
                    sums[h * CLASSES + k].add(x, y, 1);
                }
            }
        }
        return sums;
    }

    /** The held-out scenes through the Java forward pass, decoded as OnnxDetector decodes. */
    private EvaluationReport evaluate(DetectorWeights weights, ExecutorService pool, int threads) {
        int scenes = config.testScenes();
        List<List<Detection>> detections = new ArrayList<>(scenes);
        List<List<GroundTruth>> truth = new ArrayList<>(scenes);
        var options = DetectionEvaluator.options();
        forEachOrdered(
                pool,
                threads,
                scenes,
                i -> {
                    RenderedFrame frame = TrainingScenes.random(config.testSeed(), i).render();
                    var pre = new LetterboxPreprocessor(layout.inputSize, layout.inputSize);
                    LetterboxTransform transform = pre.prepare(frame.frame());
                    float[] out = stack.output(weights, pre.inputBuffer());
                    var decoder =
                            new YoloV8Decoder(
                                    DetectorContract.CLASS_NAMES,
                                    layout.slots,
                                    options.confidenceThreshold(),
                                    options.iouThreshold(),
                                    options.maxDetections());
                    return new Object[] {
                        decoder.decode(FloatBuffer.wrap(out), transform), frame.groundTruth()
                    };
                },
                result -> {
                    @SuppressWarnings("unchecked")
                    List<Detection> found = (List<Detection>) result[0];
                    @SuppressWarnings("unchecked")
                    List<GroundTruth> objects = (List<GroundTruth>) result[1];
                    detections.add(found);
                    truth.add(objects);
                });
        return DetectionEvaluator.score(
                "trained detector (Java forward pass)", config.testSeed(), detections, truth);
    }

    private byte[] write(
            DetectorWeights weights, EvaluationReport heldOut, long pixelSamples, long slots) {
        String version = ModelKitVersion.VERSION;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("edgetwin.generator", DetectorTrainer.class.getName() + " " + version);
        meta.put("edgetwin.seed", Long.toString(config.seed()));
        meta.put(
                "edgetwin.method",
                "fixed stem (grey-world chromaticity, 1x1 conv+ReLU 4-32-32, seeded random)"
                        + " and ridge-fitted 1x1 pixel head -> class masks; blob boxes from"
                        + " same-class runs (hypothesis 1 also cut at brightness edges); per-anchor"
                        + " descriptor + 128 seeded random ReLU features -> ridge-fitted IoU heads,"
                        + " sigmoid");
        meta.put(
                "edgetwin.trained_on",
                "edgetwin-simulator "
                        + version
                        + " TrainingScenes.random("
                        + config.seed()
                        + ", i) for i in 0.."
                        + (config.scenes() - 1)
                        + ": "
                        + config.scenes()
                        + " scenes, one 640x480 frame each (default camera)");
        meta.put("edgetwin.training_config", config.canonical());
        meta.put(
                "edgetwin.training_samples",
                pixelSamples + " cells (pixel head), " + slots + " anchor slots (score heads)");
        meta.put("edgetwin.held_out", heldOut == null ? "not measured" : heldOutLine(heldOut));
        meta.put(
                "edgetwin.output",
                HYPOTHESES
                        + " hypotheses x "
                        + CLASSES
                        + " classes x "
                        + layout.grid
                        + "x"
                        + layout.grid
                        + " anchors (stride "
                        + DetectorLayout.STRIDE
                        + ") = "
                        + layout.slots
                        + " slots, one class score each");
        ModelProto model = DetectorGraph.build(layout, weights, meta);
        String digest = HexFormat.of().formatHex(sha256(model.getGraph().toByteArray()));
        return model.toBuilder()
                .addMetadataProps(
                        StringStringEntryProto.newBuilder()
                                .setKey(GRAPH_DIGEST_KEY)
                                .setValue(digest))
                .build()
                .toByteArray();
    }

    static final String GRAPH_DIGEST_KEY = "edgetwin.graph_sha256";
    static final String CONFIG_KEY = "edgetwin.training_config";

    private String heldOutLine(EvaluationReport r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "mAP50 %.4f (", r.meanAp()));
        for (int i = 0; i < r.classes().size(); i++) {
            EvaluationReport.ClassResult c = r.classes().get(i);
            s.append(i == 0 ? "" : ", ")
                    .append(c.name())
                    .append(String.format(Locale.ROOT, " %.4f", c.ap()));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        ") on %d scenes of TrainingScenes.random(%d, i), %d objects; IoU 0.5,"
                                + " VOC all-point AP; trainer's Java forward pass",
                        r.scenes(),
                        r.testSeed(),
                        r.groundTruth()));
        return s.toString();
    }

    /**
     * Whether {@code file} holds a complete model this config trained: it parses, names the config
     * in its metadata, and its graph still has the digest recorded beside it (a torn or edited file
     * fails).
     */
    public static boolean isIntact(Path file, Config config) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
        String recordedConfig = null;
        String recordedDigest = null;
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (e.getKey().equals(CONFIG_KEY)) {
                recordedConfig = e.getValue();
            } else if (e.getKey().equals(GRAPH_DIGEST_KEY)) {
                recordedDigest = e.getValue();
            }
        }
        return config.canonical().equals(recordedConfig)
                && HexFormat.of()
                        .formatHex(sha256(model.getGraph().toByteArray()))
                        .equals(recordedDigest);
    }

    /**
     * Runs {@code task(0..count-1)} on the pool, at most {@code 2 * threads} at a time, and hands
     * the results to {@code fold} in index order on the calling thread.
     */
    private static <T> void forEachOrdered(
            ExecutorService pool, int threads, int count, IntFunction<T> task, Consumer<T> fold) {
        ArrayDeque<Future<T>> inFlight = new ArrayDeque<>();
        int next = 0;
        try {
            while (next < count || !inFlight.isEmpty()) {
                while (next < count && inFlight.size() < 2 * threads) {
                    int i = next++;
                    inFlight.add(pool.submit(() -> task.apply(i)));
                }
                fold.accept(inFlight.removeFirst().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(cause);
        } finally {
            for (Future<T> f : inFlight) {
                f.cancel(true);
            }
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "detector-trainer");
        t.setDaemon(true);
        return t;
    }

    /** An independent random stream per (seed, purpose). */
    private static long streamSeed(long seed, long purpose) {
        return TrainingScenes.sceneSeed(seed ^ 0x5DEECE66DL, (int) purpose);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
