package dev.edgetwin.runtime.bundle;

import dev.edgetwin.runtime.bundle.BundleException.Reason;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.OnnxDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * The first load and a golden inference of a new model, in a child JVM: a model that crashes ONNX
 * Runtime (a native abort or segfault takes the whole process) kills the child, not the daemon. The
 * child loads the model through the vision module's detector, as the daemon would, runs it on
 * frames of the simulated factory, and fails when loading fails, the contract does not hold, or an
 * output holds NaN or infinity.
 */
public final class ModelSmokeCheck {
    /** Exit codes of the child. */
    static final int OK = 0;

    static final int LOAD_FAILED = 3;
    static final int BAD_OUTPUT = 4;
    private static final int FRAMES = 3;
    private static final int TAIL_CHARS = 600;

    private final long timeoutMillis;

    /** A check that waits at most {@code timeout} for the child. */
    public ModelSmokeCheck(java.time.Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    /**
     * Runs the check in a child JVM with this JVM's class path.
     *
     * @throws BundleException {@link Reason#MODEL_REJECTED} with the child's verdict or how it died
     */
    public void check(InstalledModel model) throws BundleException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log;
        Process child;
        try {
            log = Files.createTempFile("edgetwin-smoke-", ".log");
            child =
                    new ProcessBuilder(
                                    java,
                                    "-Xmx512m",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    ModelSmokeCheck.class.getName(),
                                    model.modelFile().toString())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
        } catch (IOException e) {
            throw new BundleException(
                    Reason.MODEL_REJECTED,
                    "cannot start the child JVM that checks " + model.id() + ": " + e,
                    e);
        }
        try {
            if (!child.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                throw new BundleException(
                        Reason.MODEL_REJECTED,
                        model.id()
                                + ": its first load and golden inference took over "
                                + timeoutMillis
                                + " ms in the child JVM; killed");
            }
            int code = child.exitValue();
            if (code != OK) {
                String why =
                        code == LOAD_FAILED
                                ? "it does not load or breaks the detector contract"
                                : code == BAD_OUTPUT
                                        ? "its output holds NaN or infinity"
                                        : code > 128
                                                ? "the child JVM died of signal "
                                                        + (code - 128)
                                                        + " (ONNX Runtime crashed)"
                                                : "the child JVM exited with " + code;
                throw new BundleException(
                        Reason.MODEL_REJECTED,
                        model.id() + " failed its check in a child JVM: " + why + "; " + tail(log));
            }
            Logger.info("{} passed its first load and golden inference in a child JVM", model.id());
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BundleException(Reason.MODEL_REJECTED, "interrupted checking " + model.id());
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // A temporary file.
            }
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8).strip();
            String last =
                    text.length() > TAIL_CHARS ? text.substring(text.length() - TAIL_CHARS) : text;
            return last.isEmpty() ? "(no output)" : "its last output: " + last.replace('\n', ' ');
        } catch (IOException e) {
            return "(its output could not be read)";
        }
    }

    /** The child: loads the model, runs it on simulated frames, exits with the verdict. */
    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        try (OnnxDetector detector = OnnxDetector.open(model, OnnxDetector.Options.defaults())) {
            SimulatedCamera camera =
                    new SimulatedCamera(
                            FactoryScene.demo(1), SimulatedCamera.defaultCameraModel(), "smoke", 2);
            for (int i = 0; i < FRAMES; i++) {
                List<?> detections = detector.detect(camera.render(i * 2.0, 0).frame());
                System.out.println("frame " + i + ": " + detections.size() + " detections");
            }
            if (detector.framesWithNonFiniteOutput() > 0) {
                System.out.println(
                        detector.framesWithNonFiniteOutput()
                                + " of "
                                + FRAMES
                                + " frames had NaN or infinite outputs");
                System.exit(BAD_OUTPUT);
            }
        } catch (Exception e) {
            System.out.println(e.getMessage());
            System.exit(LOAD_FAILED);
        }
        System.exit(OK);
    }
}
