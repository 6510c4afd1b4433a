package dev.edgetwin.modelkit.scorer;

import static dev.edgetwin.modelkit.scorer.ScorerContract.FEATURES;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEPS;

import dev.edgetwin.modelkit.ModelKitVersion;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tinylog.Logger;

/**
 * Trains the reference trajectory scorer and exports it as ONNX: scenes from a seeded sampler,
 * collision-risk labels from Monte Carlo rollouts of people's motion, a small per-person MLP fitted
 * with Adam on the cross-entropy against those soft labels (see {@link PersonRiskNetwork} for the
 * model, docs/models.md for the figures).
 *
 * <p>Deterministic: the same {@link Config} gives the same bytes on every run and thread count
 * (labels are seeded per scene, training runs on one thread), and by design on every platform
 * (every transcendental function is {@link StrictMath}'s; not yet checked on arm64).
 */
public final class TrajectoryScorerTrainer {
    /** Person samples per Adam step. */
    static final int BATCH_SIZE = 128;

    /** Adam's step size at the start; it decays along a cosine to 1% of this by the end. */
    static final double LEARNING_RATE = 3e-3;

    private static final String DESCRIPTION =
            "edgetwin trajectory scorer: probability that a candidate trajectory comes within 0.8"
                    + " m of a person within 2 s, people moving stochastically";

    private static byte[] defaultModel;

    /**
     * What to train on and how long.
     *
     * @param seed the training scenes' seed (also the weights' initialisation and shuffling)
     * @param scenes training scenes; each holds 1 to 4 people, each person is one sample
     * @param rollouts Monte Carlo rollouts per label, for training and held-out scenes
     * @param hidden units in each of the two hidden layers
     * @param epochs passes over the training samples
     * @param heldOutSeed the held-out scenes' seed; must differ from {@code seed}
     * @param heldOutScenes held-out scenes the metrics in the metadata are measured on
     */
    public record Config(
            long seed,
            int scenes,
            int rollouts,
            int hidden,
            int epochs,
            long heldOutSeed,
            int heldOutScenes) {
        public Config {
            check("scenes", scenes, 10, 1_000_000);
            check("rollouts", rollouts, 1, 100_000);
            check("hidden", hidden, 1, 1024);
            check("epochs", epochs, 1, 10_000);
            check("heldOutScenes", heldOutScenes, 2, 1_000_000);
            if (heldOutSeed == seed) {
                throw new IllegalArgumentException(
                        "heldOutSeed must differ from seed (both " + seed + ")");
            }
        }

        /** The released model's configuration. */
        public static Config defaults() {
            return new Config(1, 6000, 200, 48, 30, 2, 2000);
        }

        private static void check(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        name + " must be in [" + min + ", " + max + "], got " + value);
            }
        }
    }

    /**
     * A trained model and how it did.
     *
     * @param model the ONNX model's bytes
     * @param heldOut the held-out scenes it was measured on
     * @param learned the model's errors there (computed in Java with the exported weights)
     * @param baseline the calibrated closest-approach baseline's errors there
     */
    public record Result(
            byte[] model,
            ScorerEvaluation heldOut,
            ScorerEvaluation.Metrics learned,
            ScorerEvaluation.Metrics baseline) {
        public Result {
            model = model.clone();
        }

        @Override
        public byte[] model() {
            return model.clone();
        }

        @Override
        public String toString() {
            return "Result["
                    + model.length
                    + " bytes, learned "
                    + learned
                    + ", baseline "
                    + baseline
                    + "]";
        }
    }

    private final Config config;

    public TrajectoryScorerTrainer(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The ONNX model; the same bytes for the same configuration. */
    public byte[] train() {
        return trainAndEvaluate().model();
    }

    /**
     * The model trained with {@link Config#defaults()}, trained on the first call (several seconds)
     * and kept for the life of the JVM; a copy.
     */
    public static synchronized byte[] defaultModel() {
        if (defaultModel == null) {
            defaultModel = new TrajectoryScorerTrainer(Config.defaults()).train();
        }
        return defaultModel.clone();
    }

    /** Trains, exports and measures the model and the baseline on the held-out scenes. */
    public Result trainAndEvaluate() {
        return evaluate(fit());
    }

    /** What training produced, before export. */
    record Fitted(
            LabelledScenes training,
            int people,
            PersonRiskNetwork network,
            ClosestApproachBaseline baseline,
            long labelNanos,
            long trainNanos) {}

    /** Labels the training scenes, trains the network and fits the baseline. */
    Fitted fit() {
        long start = System.nanoTime();
        LabelledScenes training =
                LabelledScenes.generate(config.seed(), config.scenes(), config.rollouts());
        Samples samples = Samples.of(training);
        long labelled = System.nanoTime();
        PersonRiskNetwork network = fit(samples);
        ClosestApproachBaseline baseline =
                ClosestApproachBaseline.fit(samples.closest(), samples.labels);
        return new Fitted(
                training,
                samples.count,
                network,
                baseline,
                labelled - start,
                System.nanoTime() - labelled);
    }

    /** Measures what {@link #fit()} produced on the held-out scenes and exports the model. */
    Result evaluate(Fitted fitted) {
        long start = System.nanoTime();
        ScorerEvaluation heldOut =
                ScorerEvaluation.heldOut(
                        config.heldOutSeed(), config.heldOutScenes(), config.rollouts());
        ScorerEvaluation.Metrics learned = heldOut.measure(fitted.network());
        ScorerEvaluation.Metrics baseline = heldOut.measure(fitted.baseline());
        byte[] model = fitted.network().toOnnx(metadata(fitted, heldOut, learned, baseline));
        Logger.info(
                "Trained trajectory scorer on {} people in {} scenes: labels {} ms, training {} ms,"
                        + " held-out {} ms; {} (baseline {})",
                fitted.people(),
                fitted.training().size(),
                fitted.labelNanos() / 1_000_000,
                fitted.trainNanos() / 1_000_000,
                (System.nanoTime() - start) / 1_000_000,
                learned,
                baseline);
        return new Result(model, heldOut, learned, baseline);
    }

    private Map<String, String> metadata(
            Fitted fitted,
            ScorerEvaluation heldOut,
            ScorerEvaluation.Metrics learned,
            ScorerEvaluation.Metrics baselineMetrics) {
        LabelledScenes training = fitted.training();
        String version = ModelKitVersion.VERSION;
        int h = config.hidden();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("description", DESCRIPTION);
        m.put("author", "edgetwin");
        m.put("version", version);
        m.put(
                "edgetwin.contract",
                String.format(
                        Locale.ROOT,
                        "%s float32 [%s, %d, %d] (steps of %.1f s, robot frame at time 0) -> %s"
                                + " float32 [%s] in [0, 1]; collision distance %.2f m",
                        ScorerContract.INPUT_NAME,
                        ScorerContract.BATCH_DIM,
                        STEPS,
                        FEATURES,
                        ScorerContract.STEP_SECONDS,
                        ScorerContract.OUTPUT_NAME,
                        ScorerContract.BATCH_DIM,
                        ScorerContract.COLLISION_DISTANCE));
        m.put("edgetwin.generator", TrajectoryScorerTrainer.class.getName() + " " + version);
        m.put("edgetwin.seed", Long.toString(config.seed()));
        m.put(
                "edgetwin.method",
                "per-person MLP "
                        + PersonFeatures.COUNT
                        + " -> "
                        + h
                        + " -> "
                        + h
                        + " -> 1 (ReLU, sigmoid) shared by the person slots, risk = 1 - prod(1 -"
                        + " p_i); features per person: distance, along- and across-track offset"
                        + " per step at constant velocity, closest approach, speed; Adam, batch "
                        + BATCH_SIZE
                        + ", "
                        + config.epochs()
                        + " epochs, cosine-decayed step size from "
                        + LEARNING_RATE
                        + ", cross-entropy on soft labels");
        m.put(
                "edgetwin.trained_on",
                training.size()
                        + " scenes ("
                        + fitted.people()
                        + " people) from seed "
                        + config.seed()
                        + ": "
                        + SceneSampler.DESCRIPTION
                        + "; labels: fraction of "
                        + config.rollouts()
                        + " rollouts with a collision; "
                        + CollisionRollouts.DESCRIPTION);
        m.put("edgetwin.heldout", heldOut.describe());
        m.put("edgetwin.heldout.mae", format(learned.mae()));
        m.put("edgetwin.heldout.brier", format(learned.brier()));
        m.put("edgetwin.heldout.auc_risk_gt_0.1", format(learned.auc()));
        m.put(
                "edgetwin.baseline",
                fitted.baseline().describe() + ", fitted to the training labels");
        m.put("edgetwin.baseline.heldout.mae", format(baselineMetrics.mae()));
        m.put("edgetwin.baseline.heldout.brier", format(baselineMetrics.brier()));
        m.put("edgetwin.baseline.heldout.auc_risk_gt_0.1", format(baselineMetrics.auc()));
        return m;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Per-person training samples: features (standardised later) and simulated risk. */
    private static final class Samples {
        final int count;
        final double[] features; // [count][PersonFeatures.COUNT]
        final double[] labels;

        private Samples(int count) {
            this.count = count;
            features = new double[count * PersonFeatures.COUNT];
            labels = new double[count];
        }

        static Samples of(LabelledScenes scenes) {
            int count = 0;
            for (Scene s : scenes.scenes()) {
                count += s.people().size();
            }
            Samples samples = new Samples(count);
            float[] row = new float[STEPS * FEATURES];
            double[] f = new double[PersonFeatures.COUNT];
            int n = 0;
            for (int i = 0; i < scenes.size(); i++) {
                Scene scene = scenes.scenes().get(i);
                scene.write(row, 0);
                double[] risks = scenes.risks().get(i).perPerson();
                for (int p = 0; p < scene.people().size(); p++) {
                    PersonFeatures.compute(row, 0, p, f);
                    System.arraycopy(f, 0, samples.features, n * PersonFeatures.COUNT, f.length);
                    samples.labels[n] = risks[p];
                    n++;
                }
            }
            return samples;
        }

        double[] closest() {
            double[] c = new double[count];
            for (int i = 0; i < count; i++) {
                c[i] = features[i * PersonFeatures.COUNT + PersonFeatures.CLOSEST_APPROACH];
            }
            return c;
        }
    }

    /** Adam on standardised features; returns the network with standardisation folded in. */
    private PersonRiskNetwork fit(Samples samples) {
        int in = PersonFeatures.COUNT;
        int h = config.hidden();
        int n = samples.count;
        double[] mean = new double[in];
        double[] std = new double[in];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < in; f++) {
                mean[f] += samples.features[i * in + f];
            }
        }
        for (int f = 0; f < in; f++) {
            mean[f] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < in; f++) {
                double d = samples.features[i * in + f] - mean[f];
                std[f] += d * d;
            }
        }
        for (int f = 0; f < in; f++) {
            std[f] = Math.sqrt(std[f] / n);
            if (std[f] < 1e-9) {
                std[f] = 1;
            }
        }
        double[] x = new double[n * in];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < in; f++) {
                x[i * in + f] = (samples.features[i * in + f] - mean[f]) / std[f];
            }
        }

        SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + 1);
        CollisionRollouts.NormalDeviates normal = new CollisionRollouts.NormalDeviates(random);
        Mlp mlp = new Mlp(in, h);
        mlp.initialise(normal, samples.labels);

        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int stepsPerEpoch = (n + BATCH_SIZE - 1) / BATCH_SIZE;
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        long step = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int b = 0; b < n; b += BATCH_SIZE) {
                int end = Math.min(n, b + BATCH_SIZE);
                double progress = step / (double) totalSteps;
                double rate =
                        LEARNING_RATE
                                * (0.01 + 0.99 * 0.5 * (1 + StrictMath.cos(Math.PI * progress)));
                mlp.step(x, samples.labels, order, b, end, rate);
                step++;
            }
        }
        return mlp.export(mean, std);
    }

    /** The network during training, in double precision, with Adam's moments. */
    private static final class Mlp {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPSILON = 1e-8;

        final int in;
        final int h;
        // All parameters in one array so that Adam updates them in one loop:
        // w1 [in][h], b1 [h], w2 [h][h], b2 [h], w3 [h], b3.
        final double[] params;
        final double[] grad;
        final double[] m;
        final double[] v;
        final int w1;
        final int b1;
        final int w2;
        final int b2;
        final int w3;
        final int b3;
        int t;
        // Per-sample scratch.
        final double[] a1;
        final double[] a2;
        final double[] d1;
        final double[] d2;

        Mlp(int in, int h) {
            this.in = in;
            this.h = h;
            w1 = 0;
            b1 = w1 + in * h;
            w2 = b1 + h;
            b2 = w2 + h * h;
            w3 = b2 + h;
            b3 = w3 + h;
            int size = b3 + 1;
            params = new double[size];
            grad = new double[size];
            m = new double[size];
            v = new double[size];
            a1 = new double[h];
            a2 = new double[h];
            d1 = new double[h];
            d2 = new double[h];
        }

        void initialise(CollisionRollouts.NormalDeviates normal, double[] labels) {
            double s1 = Math.sqrt(2.0 / in);
            for (int i = 0; i < in * h; i++) {
                params[w1 + i] = s1 * normal.next();
            }
            double s2 = Math.sqrt(2.0 / h);
            for (int i = 0; i < h * h; i++) {
                params[w2 + i] = s2 * normal.next();
            }
            double s3 = Math.sqrt(1.0 / h);
            for (int i = 0; i < h; i++) {
                params[w3 + i] = s3 * normal.next();
            }
            double mean = 0;
            for (double l : labels) {
                mean += l;
            }
            mean = Math.min(0.99, Math.max(0.01, mean / labels.length));
            params[b3] = StrictMath.log(mean / (1 - mean));
        }

        void step(double[] x, double[] y, int[] order, int from, int to, double rate) {
            Arrays.fill(grad, 0);
            double scale = 1.0 / (to - from);
            for (int s = from; s < to; s++) {
                int sample = order[s];
                int xo = sample * in;
                // Forward.
                System.arraycopy(params, b1, a1, 0, h);
                for (int i = 0; i < in; i++) {
                    double xi = x[xo + i];
                    int row = w1 + i * h;
                    for (int j = 0; j < h; j++) {
                        a1[j] += xi * params[row + j];
                    }
                }
                for (int j = 0; j < h; j++) {
                    a1[j] = Math.max(0, a1[j]);
                }
                System.arraycopy(params, b2, a2, 0, h);
                for (int i = 0; i < h; i++) {
                    double ai = a1[i];
                    if (ai == 0) {
                        continue;
                    }
                    int row = w2 + i * h;
                    for (int j = 0; j < h; j++) {
                        a2[j] += ai * params[row + j];
                    }
                }
                double z = params[b3];
                for (int j = 0; j < h; j++) {
                    a2[j] = Math.max(0, a2[j]);
                    z += a2[j] * params[w3 + j];
                }
                // Cross-entropy against a soft label: d loss / d z = p - y.
                double g = (PersonRiskNetwork.sigmoid(z) - y[sample]) * scale;
                grad[b3] += g;
                for (int j = 0; j < h; j++) {
                    grad[w3 + j] += g * a2[j];
                    d2[j] = a2[j] > 0 ? g * params[w3 + j] : 0;
                    grad[b2 + j] += d2[j];
                }
                for (int i = 0; i < h; i++) {
                    double ai = a1[i];
                    int row = w2 + i * h;
                    double back = 0;
                    for (int j = 0; j < h; j++) {
                        grad[row + j] += ai * d2[j];
                        back += params[row + j] * d2[j];
                    }
                    d1[i] = ai > 0 ? back : 0;
                    grad[b1 + i] += d1[i];
                }
                for (int i = 0; i < in; i++) {
                    double xi = x[xo + i];
                    int row = w1 + i * h;
                    for (int j = 0; j < h; j++) {
                        grad[row + j] += xi * d1[j];
                    }
                }
            }
            t++;
            double c1 = 1 - StrictMath.pow(BETA1, t);
            double c2 = 1 - StrictMath.pow(BETA2, t);
            for (int i = 0; i < params.length; i++) {
                double gi = grad[i];
                m[i] = BETA1 * m[i] + (1 - BETA1) * gi;
                v[i] = BETA2 * v[i] + (1 - BETA2) * gi * gi;
                params[i] -= rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
            }
        }

        /** Float weights with x -> (x - mean) / std folded into the first layer. */
        PersonRiskNetwork export(double[] mean, double[] std) {
            float[] fw1 = new float[in * h];
            float[] fb1 = new float[h];
            for (int j = 0; j < h; j++) {
                double bias = params[b1 + j];
                for (int i = 0; i < in; i++) {
                    double w = params[w1 + i * h + j] / std[i];
                    fw1[i * h + j] = (float) w;
                    bias -= w * mean[i];
                }
                fb1[j] = (float) bias;
            }
            float[] fw2 = new float[h * h];
            for (int i = 0; i < h * h; i++) {
                fw2[i] = (float) params[w2 + i];
            }
            float[] fb2 = new float[h];
            float[] fw3 = new float[h];
            for (int j = 0; j < h; j++) {
                fb2[j] = (float) params[b2 + j];
                fw3[j] = (float) params[w3 + j];
            }
            return new PersonRiskNetwork(h, fw1, fb1, fw2, fb2, fw3, (float) params[b3]);
        }
    }

    @Override
    public String toString() {
        return "TrajectoryScorerTrainer[" + config + "]";
    }
}
