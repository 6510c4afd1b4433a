package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.modelkit.training.DetectionEvaluator;
import dev.edgetwin.runtime.inference.CpuDescription;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.vision.SequenceEvaluation;
import dev.edgetwin.runtime.vision.SequenceReport;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.OnnxDetector;
import dev.edgetwin.vision.track.TrackerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin vision evaluate}: detection AP, tracking (MOTA, IDF1, id switches) and floor
 * position error of the whole vision pipeline on held-out simulator sequences (see {@link
 * SequenceEvaluation}).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Detector -> floor -> tracker on held-out simulated factory sequences, against the"
                    + " simulator's ground truth:",
            "mAP@0.5 (per class), MOTA, MOTP, IDF1, id switches, misses, false positives, and the"
                    + " floor-position error (median, p95) of tracked objects."
        })
final class VisionEvaluateCommand implements Callable<Integer> {
    private static final String NAME = "edgetwin vision evaluate";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true)
    Detector detector;

    static final class Detector {
        @Option(
                names = "--model",
                paramLabel = "FILE",
                description =
                        "Any detector with the simulator's classes (robot, person, box)."
                                + " Default: the trained reference detector.")
        Path model;

        @Option(
                names = "--reference",
                description = "Evaluate the daemon's palette reference detector instead.")
        boolean reference;
    }

    @Option(
            names = "--model-cache",
            paramLabel = "DIR",
            description = "Where generated models are kept.")
    Path modelCache;

    @Option(
            names = "--seeds",
            split = ",",
            paramLabel = "S",
            defaultValue = "101,102,103",
            description =
                    "Demo-factory seeds, one sequence each (comma-separated). Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(
            names = "--seconds",
            defaultValue = "60",
            description = "Scene time per sequence, from 0. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(
            names = "--fps",
            defaultValue = "10",
            description = "Frames per second of scene time. Default: ${DEFAULT-VALUE}.")
    double fps;

    @Option(
            names = "--match-distance",
            paramLabel = "METRES",
            defaultValue = "1.0",
            description =
                    "An object and a track of its class match within this distance. Default: ${DEFAULT-VALUE}.")
    double matchDistance;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SequenceEvaluation.Settings settings;
        try {
            settings =
                    SequenceEvaluation.Settings.defaults()
                            .withSeeds(seeds)
                            .withDuration(seconds, fps)
                            .withMatchDistance(matchDistance);
        } catch (IllegalArgumentException e) {
            err.printf("%s: %s%n", NAME, e.getMessage());
            err.flush();
            return 2;
        }
        Path model;
        try {
            model = resolveModel();
        } catch (IOException e) {
            err.printf("%s: could not generate the detector: %s%n", NAME, e.getMessage());
            err.flush();
            return 2;
        }
        OnnxDetector onnx;
        SequenceEvaluation.FrameObserver observer;
        try {
            onnx = OnnxDetector.open(model, DetectionEvaluator.options());
        } catch (DetectorException e) {
            err.printf("%s: %s%n", NAME, e.getMessage());
            err.flush();
            return 2;
        }
        SequenceReport report;
        try (onnx) {
            try {
                observer = SequenceEvaluation.detector(onnx);
            } catch (DetectorException e) {
                err.printf("%s: %s%n", NAME, e.getMessage());
                err.flush();
                return 2;
            }
            try {
                report =
                        SequenceEvaluation.evaluate(
                                String.valueOf(model.getFileName()), observer, settings);
            } catch (DetectorException e) {
                err.printf("%s: the detector failed: %s%n", NAME, e.getMessage());
                err.flush();
                return 1;
            }
        }
        String cpu = CpuDescription.describe();
        String ort = InferenceEngine.instance().onnxRuntimeVersion();
        if (json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(document(model, report, cpu, ort)));
        } else {
            out.print(report.summary());
            out.printf("(%s, ONNX Runtime %s)%n", cpu, ort);
        }
        out.flush();
        return 0;
    }

    private Path resolveModel() throws IOException {
        if (detector != null && detector.model != null) {
            return detector.model;
        }
        Path cache = modelCache != null ? modelCache : ModelCache.defaultDirectory();
        return detector != null && detector.reference
                ? ModelCache.ensureReferenceDetector(cache)
                : ModelCache.ensureTrainedDetector(cache);
    }

    static Map<String, Object> document(
            Path model, SequenceReport report, String cpu, String onnxRuntime) {
        SequenceEvaluation.Settings s = report.settings();
        TrackerConfig t = s.tracker();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("seeds", s.seeds());
        settings.put("seconds", s.seconds());
        settings.put("fps", s.fps());
        settings.put("framesPerSequence", s.framesPerSequence());
        settings.put("matchDistanceMetres", s.matchDistance());
        settings.put("cameraId", SequenceEvaluation.CAMERA_ID);
        settings.put("cameraNoiseSigma", SequenceEvaluation.NOISE_SIGMA);
        settings.put(
                "measurement",
                Map.of(
                        "rangeSigmaPerMetre", s.rangeSigmaPerMetre(),
                        "bearingSigmaRadians", s.bearingSigmaRadians(),
                        "minSigmaMetres", s.minSigma()));
        Map<String, Object> tracker = new LinkedHashMap<>();
        tracker.put("highConfidence", t.highConfidence());
        tracker.put("lowConfidence", t.lowConfidence());
        tracker.put("hitsToConfirm", t.hitsToConfirm());
        tracker.put("maxLostAgeSeconds", t.maxLostAge().toMillis() / 1000.0);
        settings.put("tracker", tracker);

        Map<String, Object> detection = new LinkedHashMap<>();
        detection.put("meanAp50", report.detection().meanAp());
        detection.put("objects", report.detection().groundTruth());
        detection.put("ignored", report.detection().ignored());
        detection.put("detections", report.detection().detections());
        detection.put("classes", report.detection().classes());

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.toString());
        doc.put("settings", settings);
        doc.put("frames", report.frames());
        doc.put("detection", detection);
        doc.put("tracking", report.tracking());
        doc.put("floorError", report.floorError());
        doc.put("sequences", report.sequences());
        doc.put("cpu", cpu);
        doc.put("onnxRuntime", onnxRuntime);
        return doc;
    }
}
