package dev.edgetwin.runtime.cli;

import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.runtime.inference.CpuDescription;
import dev.edgetwin.runtime.inference.ExecutionReport;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.inference.InferenceException;
import dev.edgetwin.runtime.inference.LoadedModel;
import dev.edgetwin.runtime.inference.ModelContract;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.FloorLocator;
import dev.edgetwin.vision.OnnxDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin bench}: how fast this machine runs the pipeline's stages on simulated frames, one
 * thread, as a field technician would check a device. Prints percentiles per stage, the machine's
 * CPU and the ONNX Runtime version. {@code edgetwin bench vision} ({@link BenchVisionCommand})
 * times the threaded pipeline against bare inference instead; {@code edgetwin bench mqtt} ({@link
 * BenchMqttCommand}) the twin's MQTT publishing; {@code edgetwin bench bridge} ({@link
 * BenchBridgeCommand}) the firmware bridge.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            BenchVisionCommand.class,
            BenchMqttCommand.class,
            BenchBridgeCommand.class,
            BenchPlannerCommand.class
        },
        description =
                "Times the vision pipeline's stages on simulated frames and prints percentiles.")
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--frames",
            defaultValue = "300",
            description = "Timed frames. Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(
            names = "--warmup",
            defaultValue = "50",
            description = "Untimed frames first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @CommandLine.Mixin BenchSetup setup;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (frames < 1 || warmup < 0 || setup.threads < 0) {
            err.printf("edgetwin bench: --frames must be >= 1, --warmup and --threads >= 0%n");
            return 2;
        }
        Path modelPath = setup.modelPath();
        SimulatedCamera camera = setup.camera();
        int distinct = Math.min(frames, 100);
        RenderedFrame[] rendered = new RenderedFrame[distinct];
        double[] renderMs = new double[distinct];
        for (int i = 0; i < distinct; i++) {
            long t0 = System.nanoTime();
            rendered[i] = camera.render(i * 1.2, i * 1_200_000_000L);
            renderMs[i] = (System.nanoTime() - t0) / 1e6;
        }
        FloorLocator locator =
                new FloorLocator(camera.cameraModel(), ObjectClass.footprintRadiiByLabel());
        double[] detectMs = new double[frames];
        double[] placeMs = new double[frames];
        long detections = 0;
        DeviceProfile profile;
        try {
            profile = setup.profile();
        } catch (ProfileException e) {
            err.printf("edgetwin bench: %s%n", e.getMessage());
            return 2;
        }
        ExecutionReport report;
        try (LoadedModel loaded =
                        InferenceEngine.instance()
                                .load(
                                        modelPath,
                                        ModelRole.DETECTOR,
                                        profile,
                                        ModelContract.detector());
                OnnxDetector detector =
                        OnnxDetector.forSession(
                                loaded.session(),
                                modelPath,
                                new OnnxDetector.Options(0.5f, 0.5f, 100, 0))) {
            report = loaded.report();
            for (int i = 0; i < warmup + frames; i++) {
                RenderedFrame f = rendered[i % distinct];
                long t0 = System.nanoTime();
                List<Detection> found = detector.detect(f.frame());
                long t1 = System.nanoTime();
                locator.locateAll(found, f.egoPose());
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    detectMs[i - warmup] = (t1 - t0) / 1e6;
                    placeMs[i - warmup] = (t2 - t1) / 1e6;
                    detections += found.size();
                }
            }
        } catch (DetectorException | InferenceException e) {
            err.printf("edgetwin bench: %s%n", e.getMessage());
            return 1;
        }
        out.printf(
                "edgetwin bench: %d timed frames (+%d warm-up), 640x480 simulated; stages run one after another on one Java thread%n",
                frames, warmup);
        out.printf("model: %s%n", modelPath.getFileName());
        out.printf(
                "ONNX Runtime %s, %s execution provider (profile %s), intra-op threads: %s%n",
                InferenceEngine.instance().onnxRuntimeVersion(),
                report.used().id(),
                profile.id(),
                profile.cpu().intraOpThreads() == 0
                        ? "default"
                        : Integer.toString(profile.cpu().intraOpThreads()));
        for (ExecutionReport.SkippedProvider skipped : report.skipped()) {
            out.printf("  %s not used: %s%n", skipped.provider().id(), skipped.reason());
        }
        out.printf("CPU: %s%n", CpuDescription.describe());
        out.printf(
                "Java: %s %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        out.printf("%-44s %8s %8s %8s %8s%n", "stage", "p50 ms", "p90 ms", "p99 ms", "mean ms");
        row(out, "render (simulator, " + distinct + " frames)", renderMs);
        row(out, "detect (letterbox + inference + decode/NMS)", detectMs);
        row(out, "floor placement", placeMs);
        double meanDetect = Arrays.stream(detectMs).average().orElse(Double.NaN);
        out.printf(
                "detector throughput: %.1f frames/s; %.2f detections per frame%n",
                1000 / meanDetect, detections / (double) frames);
        out.flush();
        return 0;
    }

    private static void row(PrintWriter out, String stage, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        out.printf(
                "%-44s %8.2f %8.2f %8.2f %8.2f%n",
                stage,
                percentile(sorted, 0.5),
                percentile(sorted, 0.9),
                percentile(sorted, 0.99),
                Arrays.stream(ms).average().orElse(Double.NaN));
    }

    private static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
