package dev.edgetwin.runtime.cli;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What the bench commands measure on: the model, its device profile and threads, the scene. */
final class BenchSetup {
    /** Sensor noise of the bench's simulated camera, 0-255 levels. */
    static final double NOISE_SIGMA = 2;

    @CommandLine.Mixin ProfileOptions profileOptions;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description =
                    "ONNX Runtime intra-op threads (0: the profile's). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "Detector model. Default: the generated reference detector.")
    Path model;

    @Option(
            names = "--model-cache",
            paramLabel = "DIR",
            description = "Where generated models are kept.")
    Path modelCache;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Simulated factory seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    /** The --model, or the generated reference detector in the model cache. */
    Path modelPath() throws IOException {
        return model != null
                ? model
                : ModelCache.ensureReferenceDetector(
                        modelCache != null ? modelCache : ModelCache.defaultDirectory());
    }

    /** The resolved profile with --threads applied. */
    DeviceProfile profile() throws ProfileException {
        if (threads > 0) {
            profileOptions.overrides.put("cpu.intraOpThreads", Integer.toString(threads));
        }
        return profileOptions.resolve().profile();
    }

    /** The demo factory of --seed through the default camera, as the daemon sees it. */
    SimulatedCamera camera() {
        return new SimulatedCamera(
                FactoryScene.demo(seed),
                SimulatedCamera.defaultCameraModel(),
                "bench",
                NOISE_SIGMA);
    }
}
