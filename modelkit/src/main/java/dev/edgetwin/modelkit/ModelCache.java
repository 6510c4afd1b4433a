package dev.edgetwin.modelkit;

import dev.edgetwin.modelkit.quantize.CalibrationSet;
import dev.edgetwin.modelkit.quantize.QuantizationException;
import dev.edgetwin.modelkit.quantize.QuantizationOptions;
import dev.edgetwin.modelkit.quantize.StaticQuantizer;
import dev.edgetwin.modelkit.scorer.TrajectoryScorerTrainer;
import dev.edgetwin.modelkit.training.DetectorTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.tinylog.Logger;

/**
 * Generated models on disk, named by content so that a changed generator never picks up a stale
 * file. Safe to call from several threads or processes at once: a model is written to a temporary
 * file and moved into place atomically, and every writer writes the same bytes.
 */
public final class ModelCache {
    /** The file-name stem of the reference detector; the project version and hash follow. */
    static final String REFERENCE_DETECTOR_STEM = "edgetwin-reference-detector";

    /** The file-name stem of the trajectory scorer; the project version and hash follow. */
    static final String TRAJECTORY_SCORER_STEM = "edgetwin-trajectory-scorer";

    /** The file-name stem of the trained detector; the project version and config hash follow. */
    static final String TRAINED_DETECTOR_STEM = "edgetwin-trained-detector";

    private static final int HASH_CHARS = 16;

    private static final Object TRAINED_DETECTOR_LOCK = new Object();

    private ModelCache() {}

    /**
     * {@code $XDG_CACHE_HOME/edgetwin/models}, or {@code ~/.cache/edgetwin/models} when that
     * variable is unset, empty or relative (the XDG base directory spec says to ignore it then).
     */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"));
    }

    static Path defaultDirectory(String xdgCacheHome, String userHome) {
        Path base;
        if (xdgCacheHome != null && !xdgCacheHome.isEmpty() && Path.of(xdgCacheHome).isAbsolute()) {
            base = Path.of(xdgCacheHome);
        } else {
            base = Path.of(userHome, ".cache");
        }
        return base.resolve("edgetwin").resolve("models");
    }

    /**
     * The reference detector's file in {@code cacheDir}, generated first if it is missing or its
     * content differs from what this version generates. The name is {@value
     * #REFERENCE_DETECTOR_STEM}-{project version}-{first 16 hex digits of its SHA-256}.onnx.
     *
     * @throws IOException if the directory cannot be created or the file cannot be written
     */
    public static Path ensureReferenceDetector(Path cacheDir) throws IOException {
        byte[] model = ReferenceDetector.build();
        Path target = cacheDir.resolve(referenceDetectorFileName(model));
        if (holds(target, model)) {
            return target;
        }
        writeAtomically(cacheDir, target, model);
        Logger.info("Generated reference detector model {} ({} bytes)", target, model.length);
        return target;
    }

    static String referenceDetectorFileName(byte[] model) {
        String hash = HexFormat.of().formatHex(sha256(model)).substring(0, HASH_CHARS);
        return REFERENCE_DETECTOR_STEM + "-" + ModelKitVersion.VERSION + "-" + hash + ".onnx";
    }

    /**
     * The trained detector's file in {@code cacheDir} (see {@link DetectorTrainer}), trained with
     * {@link DetectorTrainer.Config#defaults()} and written first if it is missing, torn or edited.
     * The name is {@value #TRAINED_DETECTOR_STEM}-{project version}-{{@link
     * DetectorTrainer.Config#fingerprint() config fingerprint}}.onnx: training takes seconds, so
     * the name comes from what decides the bytes (project version, trainer revision, config), not
     * from the bytes. A file under that name is kept if it parses, records the same config, and its
     * graph still matches the SHA-256 recorded in its metadata; otherwise it is retrained and
     * replaced (temporary file, forced to disk, atomic rename). Training is deterministic, so
     * concurrent processes write the same bytes.
     *
     * @throws IOException if the directory cannot be created or the file cannot be written
     */
    public static Path ensureTrainedDetector(Path cacheDir) throws IOException {
        DetectorTrainer.Config config = DetectorTrainer.Config.defaults();
        Path target = cacheDir.resolve(trainedDetectorFileName(config));
        synchronized (TRAINED_DETECTOR_LOCK) {
            if (DetectorTrainer.isIntact(target, config)) {
                return target;
            }
            byte[] model = DetectorTrainer.defaultModel();
            writeAtomically(cacheDir, target, model);
            Logger.info("Wrote trained detector model {} ({} bytes)", target, model.length);
        }
        return target;
    }

    static String trainedDetectorFileName(DetectorTrainer.Config config) {
        return TRAINED_DETECTOR_STEM
                + "-"
                + ModelKitVersion.VERSION
                + "-"
                + config.fingerprint()
                + ".onnx";
    }

    /**
     * The reference trajectory scorer's file in {@code cacheDir} (see {@link
     * dev.edgetwin.modelkit.scorer.ScorerContract}), written first if it is missing or its content
     * differs from what this version trains. The name is {@value #TRAJECTORY_SCORER_STEM}-{project
     * version}-{first 16 hex digits of its SHA-256}.onnx. The model is trained with {@link
     * TrajectoryScorerTrainer.Config#defaults()} on the first call in a JVM (about 5 s on two
     * cores), then kept in memory; training is deterministic, so every process writes the same
     * bytes under the same name.
     *
     * @throws IOException if the directory cannot be created or the file cannot be written
     */
    public static Path ensureTrajectoryScorer(Path cacheDir) throws IOException {
        byte[] model = TrajectoryScorerTrainer.defaultModel();
        Path target = cacheDir.resolve(trajectoryScorerFileName(model));
        if (holds(target, model)) {
            return target;
        }
        writeAtomically(cacheDir, target, model);
        Logger.info("Generated trajectory scorer model {} ({} bytes)", target, model.length);
        return target;
    }

    static String trajectoryScorerFileName(byte[] model) {
        String hash = HexFormat.of().formatHex(sha256(model)).substring(0, HASH_CHARS);
        return TRAJECTORY_SCORER_STEM + "-" + ModelKitVersion.VERSION + "-" + hash + ".onnx";
    }

    /**
     * The int8 build of {@code fp32} in {@code cacheDir}, quantized first if it is missing, with
     * {@code calibrationFrames} frames of the simulated factory (seed 1) as calibration: right for
     * models that watch the simulator, as the generated detectors do; a model for a real camera
     * wants frames from that camera ({@code edgetwin models quantize --frames}). The name is the
     * fp32 file's name with {@code -int8-<format>-sim<frames>} added, and a hash of the options
     * when they are not the defaults. The file is written atomically by the quantizer, and
     * quantizing is deterministic, so concurrent writers write the same bytes.
     *
     * @throws QuantizationException if {@code fp32} cannot be quantized
     * @throws IOException if the directory cannot be created
     */
    public static Path ensureSimulatorQuantized(
            Path fp32, Path cacheDir, int calibrationFrames, QuantizationOptions options)
            throws IOException, QuantizationException {
        Path target = cacheDir.resolve(quantizedFileName(fp32, calibrationFrames, options));
        if (Files.isRegularFile(target)) {
            return target;
        }
        Files.createDirectories(cacheDir);
        StaticQuantizer.quantize(
                fp32, target, CalibrationSet.simulator(1, calibrationFrames), options);
        Logger.info("Wrote int8 build {} of {}", target.getFileName(), fp32.getFileName());
        return target;
    }

    static String quantizedFileName(Path fp32, int calibrationFrames, QuantizationOptions options) {
        String stem = fp32.getFileName().toString().replaceFirst("\\.onnx$", "");
        String format = options.format().name().toLowerCase(Locale.ROOT);
        boolean plain = options.equals(QuantizationOptions.defaults().withFormat(options.format()));
        String optionsHash =
                plain
                        ? ""
                        : "-"
                                + HexFormat.of()
                                        .formatHex(
                                                sha256(
                                                        options.toString()
                                                                .getBytes(StandardCharsets.UTF_8)))
                                        .substring(0, 8);
        return stem + "-int8-" + format + "-sim" + calibrationFrames + optionsHash + ".onnx";
    }

    /** Creates the cache directory if needed, then writes {@code target} whole or not at all. */
    private static void writeAtomically(Path cacheDir, Path target, byte[] model)
            throws IOException {
        Files.createDirectories(cacheDir);
        ModelFiles.writeAtomically(target, model);
    }

    /** Whether {@code file} exists with exactly these bytes (a torn or edited file does not). */
    private static boolean holds(Path file, byte[] content) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != content.length) {
            return false;
        }
        return Arrays.equals(Files.readAllBytes(file), content);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
