package dev.edgetwin.runtime.vision;

import dev.edgetwin.modelkit.training.DetectionEvaluator;
import dev.edgetwin.modelkit.training.EvaluationReport;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.CameraMount;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.FloorLocator;
import dev.edgetwin.vision.FloorObservation;
import dev.edgetwin.vision.OnnxDetector;
import dev.edgetwin.vision.track.ClearMotScores;
import dev.edgetwin.vision.track.EvaluationFrame;
import dev.edgetwin.vision.track.FloorMeasurement;
import dev.edgetwin.vision.track.FloorTracker;
import dev.edgetwin.vision.track.IdentityScores;
import dev.edgetwin.vision.track.LabeledPosition;
import dev.edgetwin.vision.track.Track;
import dev.edgetwin.vision.track.TrackState;
import dev.edgetwin.vision.track.TrackerConfig;
import dev.edgetwin.vision.track.TrackingMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Detection and tracking accuracy on held-out simulator sequences: the demo factory of each seed
 * ({@link FactoryScene#demo}) filmed by the daemon's front camera (default camera model, sensor
 * noise {@value #NOISE_SIGMA} levels) at a fixed rate while the ego robot drives as the scene
 * defines. Time is the scene's: frame {@code k} shows scene time {@code k / fps} and carries that
 * as its timestamp; no clock is read.
 *
 * <p><b>Pipeline per frame</b> (as the daemon's): a {@link FrameObserver} turns the frame into
 * detections and places them on the floor with a {@link FloorLocator} (the frame's ego pose); each
 * placed detection becomes a {@link FloorMeasurement#fromObservation} with the camera's factory
 * position from that pose; one {@link FloorTracker} per sequence takes them; its CONFIRMED tracks
 * are the output (tentative and lost tracks are not reported).
 *
 * <p><b>Ground truth</b>: the visible objects of each frame ({@link RenderedFrame#groundTruth()}).
 * Those that {@link DetectionEvaluator#counts} (enough of the silhouette visible, box tall enough)
 * are the truth for both detection and tracking, with their stable object id, class and footprint
 * centre; the other visible ones are <i>ignored</i>. For AP a detection matched to an ignored
 * object is neither right nor wrong ({@link DetectionEvaluator#score}). For tracking, before
 * scoring, every track position within the match distance of a same-class ignored object is dropped
 * unless it is also within the match distance of a same-class counted object: so an ignored object
 * is never a miss and its track never a false positive. Objects out of view or wholly hidden are
 * neither truth nor ignored.
 *
 * <p><b>Scores</b>: AP@0.5 per class over all frames of all sequences ({@link
 * DetectionEvaluator#score}, detections at confidence {@code >= 0.001}); CLEAR MOT and IDF1 ({@link
 * TrackingMetrics}) per sequence with the match distance (same class, at most {@code matchDistance}
 * metres), their counts summed over sequences; the floor error of tracked objects from per-frame
 * greedy nearest pairs (see {@link SequenceReport.FloorError}).
 *
 * <p>Not thread-safe per call; calls share nothing.
 */
public final class SequenceEvaluation {
    /** Camera id of the evaluated camera: the daemon's simulated front camera. */
    public static final String CAMERA_ID = "front";

    /** Sensor noise of the evaluated camera, 0-255 levels: the daemon's simulated camera's. */
    public static final double NOISE_SIGMA = 2;

    private SequenceEvaluation() {}

    /**
     * What to evaluate and how; validated when built.
     *
     * @param seeds the demo-factory seeds, one sequence each, at least one
     * @param seconds scene time each sequence covers, from 0
     * @param fps frames per second of scene time
     * @param matchDistance metres: an object and a track position of the same class at most this
     *     far apart can match (CLEAR MOT, IDF1, floor error, ignore rule)
     * @param tracker the tracker's settings
     * @param rangeSigmaPerMetre measurement error along the line of sight per metre of range
     * @param bearingSigmaRadians measurement error across the line of sight, radians
     * @param minSigma the least measurement standard deviation, metres
     */
    public record Settings(
            List<Long> seeds,
            double seconds,
            double fps,
            double matchDistance,
            TrackerConfig tracker,
            double rangeSigmaPerMetre,
            double bearingSigmaRadians,
            double minSigma) {

        public Settings {
            Objects.requireNonNull(seeds, "seeds");
            Objects.requireNonNull(tracker, "tracker");
            seeds = List.copyOf(seeds);
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("seeds must name at least one sequence");
            }
            if (seeds.stream().distinct().count() != seeds.size()) {
                throw new IllegalArgumentException("seeds must be distinct, got " + seeds);
            }
            requirePositive("seconds", seconds);
            requirePositive("fps", fps);
            requirePositive("matchDistance", matchDistance);
            requirePositive("rangeSigmaPerMetre", rangeSigmaPerMetre);
            requirePositive("bearingSigmaRadians", bearingSigmaRadians);
            requirePositive("minSigma", minSigma);
            if (seconds * fps < 1) {
                throw new IllegalArgumentException(
                        "seconds x fps must give at least one frame, got "
                                + seconds
                                + " s at "
                                + fps
                                + " fps");
            }
            if (seconds * fps > 1_000_000) {
                throw new IllegalArgumentException(
                        "seconds x fps must be at most 1000000 frames, got " + seconds * fps);
            }
        }

        /**
         * Seeds 101, 102, 103; 60 s each at 10 fps; 1.0 m match distance; the tracker's defaults;
         * measurement errors 5 % of range along the line of sight, 0.01 rad across, at least 5 cm.
         */
        public static Settings defaults() {
            return new Settings(
                    List.of(101L, 102L, 103L),
                    60,
                    10,
                    1.0,
                    TrackerConfig.defaults(),
                    0.05,
                    0.01,
                    0.05);
        }

        public Settings withSeeds(List<Long> seeds) {
            return new Settings(
                    seeds,
                    seconds,
                    fps,
                    matchDistance,
                    tracker,
                    rangeSigmaPerMetre,
                    bearingSigmaRadians,
                    minSigma);
        }

        public Settings withDuration(double seconds, double fps) {
            return new Settings(
                    seeds,
                    seconds,
                    fps,
                    matchDistance,
                    tracker,
                    rangeSigmaPerMetre,
                    bearingSigmaRadians,
                    minSigma);
        }

        public Settings withMatchDistance(double metres) {
            return new Settings(
                    seeds,
                    seconds,
                    fps,
                    metres,
                    tracker,
                    rangeSigmaPerMetre,
                    bearingSigmaRadians,
                    minSigma);
        }

        public Settings withTracker(TrackerConfig config) {
            return new Settings(
                    seeds,
                    seconds,
                    fps,
                    matchDistance,
                    config,
                    rangeSigmaPerMetre,
                    bearingSigmaRadians,
                    minSigma);
        }

        /**
         * These settings with other measurement errors (see {@link
         * FloorMeasurement#fromObservation}).
         */
        public Settings withMeasurementErrors(
                double rangeSigmaPerMetre, double bearingSigmaRadians, double minSigma) {
            return new Settings(
                    seeds,
                    seconds,
                    fps,
                    matchDistance,
                    tracker,
                    rangeSigmaPerMetre,
                    bearingSigmaRadians,
                    minSigma);
        }

        /** Frames per sequence: {@code floor(seconds x fps)}, at scene times {@code k / fps}. */
        public int framesPerSequence() {
            return (int) Math.floor(seconds * fps + 1e-9);
        }

        private static void requirePositive(String name, double value) {
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
            }
        }
    }

    /**
     * What one frame yielded: detections in the image (class ids are {@link ObjectClass#id()}s),
     * for AP, and those of them placed on the floor, for the tracker.
     */
    public record Observation(List<Detection> detections, List<FloorObservation> placed) {
        public Observation {
            detections = List.copyOf(detections);
            placed = List.copyOf(placed);
        }

        @Override
        public String toString() {
            return "Observation[" + detections.size() + " detections, " + placed.size() + "]";
        }
    }

    /** Turns a rendered frame into an {@link Observation}. */
    @FunctionalInterface
    public interface FrameObserver {
        /**
         * @param locator places boxes on the floor for the evaluated camera
         */
        Observation observe(RenderedFrame frame, FloorLocator locator) throws DetectorException;
    }

    /**
     * A detector on the frame's image, its classes mapped to the simulator's by name, placed with
     * the frame's ego pose. The detector should keep low-confidence detections (AP needs the whole
     * precision-recall curve): open it with {@link DetectionEvaluator#options()}.
     *
     * @throws DetectorException {@code UNSUPPORTED_LAYOUT} when the model lacks a simulator class
     */
    public static FrameObserver detector(OnnxDetector detector) throws DetectorException {
        int[] toSimulatorClass = new int[detector.classNames().size()];
        Arrays.fill(toSimulatorClass, -1);
        for (ObjectClass c : ObjectClass.values()) {
            int index = detector.classNames().indexOf(c.label());
            if (index < 0) {
                throw new DetectorException(
                        DetectorException.Code.UNSUPPORTED_LAYOUT,
                        detector.modelPath().getFileName()
                                + ": has classes "
                                + detector.classNames()
                                + ", expected the simulator's "
                                + c.label()
                                + " among them");
            }
            toSimulatorClass[index] = c.id();
        }
        return (frame, locator) -> {
            List<Detection> out = new ArrayList<>();
            for (Detection d : detector.detect(frame.frame())) {
                int id = toSimulatorClass[d.classId()];
                if (id >= 0) {
                    out.add(
                            new Detection(
                                    id,
                                    ObjectClass.byId(id).label(),
                                    d.confidence(),
                                    d.x1(),
                                    d.y1(),
                                    d.x2(),
                                    d.y2()));
                }
            }
            return new Observation(out, locator.locateAll(out, frame.egoPose()));
        };
    }

    /**
     * A perfect detector, for proving the harness: every visible object's ground-truth box at
     * confidence 1, placed exactly at its ground-truth footprint centre (the floor locator is not
     * used: its error is what the detector path measures).
     */
    public static FrameObserver groundTruth() {
        return (frame, locator) -> {
            List<Detection> detections = new ArrayList<>();
            List<FloorObservation> placed = new ArrayList<>();
            double camX = locator.camera().mount().x();
            double camY = locator.camera().mount().y();
            for (GroundTruth g : frame.groundTruth()) {
                Detection d =
                        new Detection(
                                g.objectClass().id(),
                                g.objectClass().label(),
                                1f,
                                g.x1(),
                                g.y1(),
                                g.x2(),
                                g.y2());
                detections.add(d);
                placed.add(
                        new FloorObservation(
                                d,
                                g.robotX(),
                                g.robotY(),
                                g.factoryX(),
                                g.factoryY(),
                                Math.hypot(g.robotX() - camX, g.robotY() - camY)));
            }
            return new Observation(detections, placed);
        };
    }

    /**
     * Renders every sequence, runs {@code observer} and the tracker on each frame, and scores.
     *
     * @param model a label for the report (the model's file name)
     * @throws DetectorException if the observer fails on a frame
     */
    public static SequenceReport evaluate(String model, FrameObserver observer, Settings settings)
            throws DetectorException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(settings, "settings");
        List<List<Detection>> allDetections = new ArrayList<>();
        List<List<GroundTruth>> allTruth = new ArrayList<>();
        List<SequenceReport.SequenceScores> perSequence = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        int objects = 0;
        int matches = 0;
        int misses = 0;
        int falsePositives = 0;
        int idSwitches = 0;
        int ignoredOutputs = 0;
        double totalDistance = 0;
        int idtp = 0;
        int idfp = 0;
        int idfn = 0;
        int frames = 0;
        for (long seed : settings.seeds()) {
            SimulatedCamera camera =
                    new SimulatedCamera(
                            FactoryScene.demo(seed),
                            SimulatedCamera.defaultCameraModel(),
                            CAMERA_ID,
                            NOISE_SIGMA);
            FloorLocator locator =
                    new FloorLocator(camera.cameraModel(), ObjectClass.footprintRadiiByLabel());
            CameraMount mount = camera.cameraModel().mount();
            FloorTracking tracking =
                    new FloorTracking(
                            settings.tracker(),
                            new FloorTracking.MeasurementErrors(
                                    settings.rangeSigmaPerMetre(),
                                    settings.bearingSigmaRadians(),
                                    settings.minSigma()),
                            FloorTracking.DEFAULT_VISIBLE_RANGE_METRES);
            List<EvaluationFrame> scored = new ArrayList<>();
            List<Double> sequenceErrors = new ArrayList<>();
            int n = settings.framesPerSequence();
            for (int k = 0; k < n; k++) {
                double t = k / settings.fps();
                long nanos = Math.round(t * 1e9);
                RenderedFrame frame = camera.render(t, nanos);
                Observation seen = observer.observe(frame, locator);
                allDetections.add(seen.detections());
                allTruth.add(frame.groundTruth());

                List<Track> tracks =
                        tracking.update(
                                nanos,
                                new FloorTracking.CameraObservations(
                                        CAMERA_ID,
                                        camera.cameraModel(),
                                        frame.egoPose(),
                                        seen.placed()));

                List<LabeledPosition> truth = new ArrayList<>();
                List<LabeledPosition> ignored = new ArrayList<>();
                for (GroundTruth g : frame.groundTruth()) {
                    LabeledPosition p =
                            new LabeledPosition(
                                    g.objectId(), g.objectClass().id(), g.factoryX(), g.factoryY());
                    (DetectionEvaluator.counts(g) ? truth : ignored).add(p);
                }
                List<LabeledPosition> output = new ArrayList<>();
                for (Track track : tracks) {
                    if (track.state() != TrackState.CONFIRMED) {
                        continue;
                    }
                    LabeledPosition p = LabeledPosition.of(track);
                    if (near(p, ignored, settings.matchDistance())
                            && !near(p, truth, settings.matchDistance())) {
                        ignoredOutputs++;
                    } else {
                        output.add(p);
                    }
                }
                scored.add(new EvaluationFrame(truth, output));
                sequenceErrors.addAll(pairDistances(truth, output, settings.matchDistance()));
            }
            ClearMotScores mot = TrackingMetrics.clearMot(scored, settings.matchDistance());
            IdentityScores id = TrackingMetrics.identity(scored, settings.matchDistance());
            objects += mot.truthCount();
            matches += mot.matches();
            misses += mot.misses();
            falsePositives += mot.falsePositives();
            idSwitches += mot.idSwitches();
            totalDistance += mot.totalDistance();
            idtp += id.idtp();
            idfp += id.idfp();
            idfn += id.idfn();
            frames += n;
            errors.addAll(sequenceErrors);
            perSequence.add(
                    new SequenceReport.SequenceScores(
                            seed,
                            n,
                            mot.mota(),
                            id.idf1(),
                            mot.idSwitches(),
                            percentile(sort(sequenceErrors), 0.5)));
        }
        EvaluationReport detection =
                DetectionEvaluator.score(model, settings.seeds().get(0), allDetections, allTruth);
        ClearMotScores mot =
                new ClearMotScores(
                        objects, matches, misses, falsePositives, idSwitches, totalDistance);
        IdentityScores id = new IdentityScores(idtp, idfp, idfn);
        double[] sorted = sort(errors);
        return new SequenceReport(
                model,
                settings,
                frames,
                detection,
                new SequenceReport.TrackingScores(
                        objects,
                        matches,
                        misses,
                        falsePositives,
                        idSwitches,
                        ignoredOutputs,
                        mot.mota(),
                        mot.motp(),
                        id.idf1(),
                        id.idPrecision(),
                        id.idRecall()),
                new SequenceReport.FloorError(
                        sorted.length,
                        percentile(sorted, 0.5),
                        percentile(sorted, 0.95),
                        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]),
                perSequence);
    }

    private static boolean near(LabeledPosition p, List<LabeledPosition> others, double distance) {
        for (LabeledPosition o : others) {
            if (o.classId() == p.classId()
                    && Math.hypot(o.x() - p.x(), o.y() - p.y()) <= distance) {
                return true;
            }
        }
        return false;
    }

    /**
     * Greedy one-to-one pairing of same-class objects and outputs within {@code maxDistance},
     * nearest pair first; the paired distances.
     */
    static List<Double> pairDistances(
            List<LabeledPosition> truth, List<LabeledPosition> output, double maxDistance) {
        record Pair(int truth, int output, double distance) {}
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < truth.size(); i++) {
            LabeledPosition o = truth.get(i);
            for (int j = 0; j < output.size(); j++) {
                LabeledPosition h = output.get(j);
                double d = Math.hypot(o.x() - h.x(), o.y() - h.y());
                if (o.classId() == h.classId() && d <= maxDistance) {
                    pairs.add(new Pair(i, j, d));
                }
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::distance));
        boolean[] truthTaken = new boolean[truth.size()];
        boolean[] outputTaken = new boolean[output.size()];
        List<Double> out = new ArrayList<>();
        for (Pair p : pairs) {
            if (!truthTaken[p.truth()] && !outputTaken[p.output()]) {
                truthTaken[p.truth()] = true;
                outputTaken[p.output()] = true;
                out.add(p.distance());
            }
        }
        return out;
    }

    private static double[] sort(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** Linear interpolation between order statistics; NaN for no values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double position = p * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
