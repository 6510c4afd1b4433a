package dev.edgetwin.modelkit.training;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.TrainingScenes;
import dev.edgetwin.vision.Boxes;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.OnnxDetector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Measures a detector on held-out simulator scenes: average precision at IoU 0.5 per class (the
 * PASCAL VOC procedure, all-point interpolation) and their mean.
 *
 * <p><b>Test frames.</b> Scene {@code i} of {@link TrainingScenes#random(long, int)} with the test
 * seed, one frame each: the same distribution a detector is trained on, other seeds.
 *
 * <p><b>What counts</b> ({@link #counts}): an object with at least {@value #MIN_VISIBLE_FRACTION}
 * of its in-image silhouette visible and a visible box at least {@value #MIN_BOX_HEIGHT} px tall
 * (in the 640x480 frame). Objects cut by the image border count like any other (their visible
 * fraction is of the in-image silhouette). Other visible objects are <i>ignored</i>, like VOC's
 * "difficult" ones: a detection matched to one is neither a true nor a false positive.
 *
 * <p><b>Matching</b>, per class over all frames: detections in decreasing confidence; each takes
 * the same-class object it overlaps most (IoU); at IoU >= 0.5 it is a true positive if that object
 * counts and is not yet taken, ignored if the object does not count, else a false positive; below
 * 0.5 a false positive. AP = sum over recall steps of the best precision at that recall or above.
 *
 * <p><b>Decoding</b>: models run through the vision module's {@link OnnxDetector} (its letterbox,
 * YOLOv8 decoder and class-aware NMS) with {@link #options()}: confidence >= 0.001, NMS IoU 0.5
 * (the daemon's), at most 300 detections a frame.
 */
public final class DetectionEvaluator {
    /** A detection matches an object at this IoU or above. */
    public static final double IOU_THRESHOLD = 0.5;

    /** Objects less visible than this (share of the in-image silhouette) are ignored. */
    public static final double MIN_VISIBLE_FRACTION = 0.3;

    /** Objects whose visible box is shorter than this (pixels) are ignored. */
    public static final int MIN_BOX_HEIGHT = 8;

    /** The confidence at which precision and recall are reported: the daemon's default. */
    public static final float OPERATING_CONFIDENCE = 0.5f;

    private static final float EVALUATION_CONFIDENCE = 0.001f;
    private static final int MAX_DETECTIONS = 300;

    private DetectionEvaluator() {}

    /** Turns one frame into detections whose class ids are {@link ObjectClass#id()}s. */
    @FunctionalInterface
    public interface FrameDetector {
        List<Detection> detect(Frame frame) throws DetectorException;
    }

    /** The decoding settings models are evaluated with (intra-op threads left to ONNX Runtime). */
    public static OnnxDetector.Options options() {
        return new OnnxDetector.Options(
                EVALUATION_CONFIDENCE, (float) IOU_THRESHOLD, MAX_DETECTIONS, 0);
    }

    /** Whether a visible object counts in the evaluation (else it is ignored). */
    public static boolean counts(GroundTruth g) {
        return g.visibleFraction() >= MIN_VISIBLE_FRACTION && g.y2() - g.y1() >= MIN_BOX_HEIGHT;
    }

    /**
     * Runs the ONNX model at {@code model} through {@link OnnxDetector} on {@code scenes} held-out
     * scenes drawn from {@code testSeed}.
     *
     * @throws DetectorException if the model cannot be loaded or run, or its classes are not the
     *     simulator's
     */
    public static EvaluationReport evaluate(Path model, long testSeed, int scenes)
            throws DetectorException {
        try (OnnxDetector detector = OnnxDetector.open(model, options())) {
            return evaluate(detector, testSeed, scenes);
        }
    }

    /** As {@link #evaluate(Path, long, int)} for a model held in memory. */
    public static EvaluationReport evaluate(byte[] model, String name, long testSeed, int scenes)
            throws DetectorException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model, sessionOptions);
                OnnxDetector detector =
                        OnnxDetector.forSession(session, Path.of(name), options())) {
            return evaluate(detector, testSeed, scenes);
        } catch (OrtException e) {
            throw new DetectorException(
                    DetectorException.Code.MODEL_INVALID,
                    "ONNX Runtime could not load " + name + ": " + e.getMessage(),
                    e);
        }
    }

    /** Evaluates an open detector (its own options apply). */
    public static EvaluationReport evaluate(OnnxDetector detector, long testSeed, int scenes)
            throws DetectorException {
        int[] toSimulatorClass = classMapping(detector.classNames(), detector.modelPath());
        FrameDetector remapped =
                frame -> {
                    List<Detection> out = new ArrayList<>();
                    for (Detection d : detector.detect(frame)) {
                        int id = toSimulatorClass[d.classId()];
                        if (id >= 0) {
                            out.add(
                                    new Detection(
                                            id,
                                            d.label(),
                                            d.confidence(),
                                            d.x1(),
                                            d.y1(),
                                            d.x2(),
                                            d.y2()));
                        }
                    }
                    return out;
                };
        return evaluate(
                String.valueOf(detector.modelPath().getFileName()), remapped, testSeed, scenes);
    }

    /** Evaluates any detector on {@code scenes} held-out scenes drawn from {@code testSeed}. */
    public static EvaluationReport evaluate(
            String model, FrameDetector detector, long testSeed, int scenes)
            throws DetectorException {
        if (scenes <= 0) {
            throw new IllegalArgumentException("scenes must be positive, got " + scenes);
        }
        List<List<Detection>> detections = new ArrayList<>(scenes);
        List<List<GroundTruth>> truth = new ArrayList<>(scenes);
        for (int i = 0; i < scenes; i++) {
            RenderedFrame frame = TrainingScenes.random(testSeed, i).render();
            detections.add(detector.detect(frame.frame()));
            truth.add(frame.groundTruth());
        }
        return score(model, testSeed, detections, truth);
    }

    /**
     * AP from detections and ground truth already at hand, frame by frame ({@code
     * detections.get(i)} belongs with {@code truth.get(i)}); detection class ids are {@link
     * ObjectClass#id()}s.
     */
    public static EvaluationReport score(
            String model,
            long testSeed,
            List<List<Detection>> detections,
            List<List<GroundTruth>> truth) {
        if (detections.size() != truth.size()) {
            throw new IllegalArgumentException(
                    "detections for "
                            + detections.size()
                            + " frames but ground truth for "
                            + truth.size());
        }
        List<EvaluationReport.ClassResult> classes = new ArrayList<>();
        double apSum = 0;
        int withTruth = 0;
        int groundTruth = 0;
        int ignored = 0;
        int detectionCount = 0;
        ObjectClass[] byId = ObjectClass.values().clone();
        Arrays.sort(byId, Comparator.comparingInt(ObjectClass::id));
        for (ObjectClass c : byId) {
            EvaluationReport.ClassResult r = scoreClass(c, detections, truth);
            classes.add(r);
            if (r.groundTruth() > 0) {
                apSum += r.ap();
                withTruth++;
            }
            groundTruth += r.groundTruth();
            ignored += r.ignored();
            detectionCount += r.detections();
        }
        double meanAp = withTruth == 0 ? Double.NaN : apSum / withTruth;
        return new EvaluationReport(
                model,
                testSeed,
                truth.size(),
                classes,
                meanAp,
                groundTruth,
                ignored,
                detectionCount);
    }

    private static EvaluationReport.ClassResult scoreClass(
            ObjectClass c, List<List<Detection>> detections, List<List<GroundTruth>> truth) {
        record Candidate(int frame, Detection detection) {}
        List<Candidate> candidates = new ArrayList<>();
        int positives = 0;
        int ignored = 0;
        List<boolean[]> taken = new ArrayList<>();
        for (int f = 0; f < truth.size(); f++) {
            for (Detection d : detections.get(f)) {
                if (d.classId() == c.id()) {
                    candidates.add(new Candidate(f, d));
                }
            }
            for (GroundTruth g : truth.get(f)) {
                if (g.objectClass() == c) {
                    if (counts(g)) {
                        positives++;
                    } else {
                        ignored++;
                    }
                }
            }
            taken.add(new boolean[truth.get(f).size()]);
        }
        // Stable: equal confidences keep frame order, then the detector's order.
        candidates.sort(
                Comparator.comparingDouble((Candidate k) -> k.detection().confidence()).reversed());
        int tp = 0;
        int fp = 0;
        int operatingTp = 0;
        int operatingFp = 0;
        double[] recall = new double[candidates.size()];
        double[] precision = new double[candidates.size()];
        int steps = 0;
        for (Candidate k : candidates) {
            Detection d = k.detection();
            List<GroundTruth> objects = truth.get(k.frame());
            double best = -1;
            int match = -1;
            for (int i = 0; i < objects.size(); i++) {
                GroundTruth g = objects.get(i);
                if (g.objectClass() != c) {
                    continue;
                }
                double iou =
                        Boxes.iou(d.x1(), d.y1(), d.x2(), d.y2(), g.x1(), g.y1(), g.x2(), g.y2());
                if (iou > best) {
                    best = iou;
                    match = i;
                }
            }
            boolean truePositive;
            if (match >= 0 && best >= IOU_THRESHOLD) {
                if (!counts(objects.get(match))) {
                    continue;
                }
                truePositive = !taken.get(k.frame())[match];
                taken.get(k.frame())[match] = true;
            } else {
                truePositive = false;
            }
            if (truePositive) {
                tp++;
            } else {
                fp++;
            }
            if (d.confidence() >= OPERATING_CONFIDENCE) {
                operatingTp = tp;
                operatingFp = fp;
            }
            recall[steps] = positives == 0 ? 0 : (double) tp / positives;
            precision[steps] = (double) tp / (tp + fp);
            steps++;
        }
        double ap = positives == 0 ? Double.NaN : allPointAp(recall, precision, steps);
        return new EvaluationReport.ClassResult(
                c.label(), ap, positives, ignored, candidates.size(), operatingTp, operatingFp);
    }

    /** Area under the precision envelope: sum of recall steps times the best precision beyond. */
    static double allPointAp(double[] recall, double[] precision, int steps) {
        double ap = 0;
        double envelope = 0;
        // Walk backwards so the envelope (max precision at this recall or above) is a running max.
        for (int i = steps - 1; i >= 0; i--) {
            envelope = Math.max(envelope, precision[i]);
            double previous = i == 0 ? 0 : recall[i - 1];
            ap += (recall[i] - previous) * envelope;
        }
        return ap;
    }

    private static int[] classMapping(List<String> modelClasses, Path model)
            throws DetectorException {
        int[] map = new int[modelClasses.size()];
        Arrays.fill(map, -1);
        for (ObjectClass c : ObjectClass.values()) {
            int index = modelClasses.indexOf(c.label());
            if (index < 0) {
                throw new DetectorException(
                        DetectorException.Code.UNSUPPORTED_LAYOUT,
                        model.getFileName()
                                + ": has classes "
                                + modelClasses
                                + ", the simulator's "
                                + c.label()
                                + " is not among them");
            }
            map[index] = c.id();
        }
        return map;
    }
}
