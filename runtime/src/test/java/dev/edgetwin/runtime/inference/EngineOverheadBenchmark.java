package dev.edgetwin.runtime.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.DeviceProfiles;
import dev.edgetwin.profiles.ModelRole;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's per-run overhead against bare {@code session.run} loops on the same model (the
 * reference detector) and the same session options: {@code bareRun} lets ONNX Runtime allocate the
 * output each run, as most callers do; {@code barePinnedRun} passes a pre-allocated output, the
 * floor the engine can reach; {@code engineRun} is {@link PinnedRunner#run()} on a model the engine
 * loaded.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -q -pl runtime -am test-compile}):
 *
 * <pre>
 * ./mvnw -q -pl runtime dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * ORT_DISABLE_TELEMETRY=1 java -cp runtime/target/test-classes:runtime/target/classes:$(cat runtime/target/test-classpath.txt) \
 *     org.openjdk.jmh.Main EngineOverheadBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = "-Xmx1g")
public class EngineOverheadBenchmark {
    private Path dir;
    private OrtSession bareSession;
    private OnnxTensor bareInput;
    private OnnxTensor bareOutput;
    private String inputName;
    private String outputName;
    private LoadedModel engineModel;
    private PinnedRunner engineRunner;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("edgetwin-bench");
        Path model = ModelCache.ensureReferenceDetector(dir);
        DeviceProfile profile = DeviceProfiles.builtIn("x86_64-cpu");
        engineModel =
                InferenceEngine.instance()
                        .load(model, ModelRole.DETECTOR, profile, ModelContract.detector());
        engineRunner = new PinnedRunner(engineModel);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            String spin = profile.cpu().spinning() ? "1" : "0";
            options.addConfigEntry("session.intra_op.allow_spinning", spin);
            options.addConfigEntry("session.inter_op.allow_spinning", spin);
            if (profile.cpu().intraOpThreads() > 0) {
                options.setIntraOpNumThreads(profile.cpu().intraOpThreads());
            }
            bareSession = env.createSession(model.toString(), options);
        }
        inputName = bareSession.getInputNames().iterator().next();
        outputName = bareSession.getOutputNames().iterator().next();
        bareInput =
                OnnxTensor.createTensor(env, direct(3 * 320 * 320), new long[] {1, 3, 320, 320});
        bareOutput = OnnxTensor.createTensor(env, direct(7 * 1600), new long[] {1, 7, 1600});
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    @Benchmark
    public Object bareRun() throws Exception {
        try (OrtSession.Result r = bareSession.run(Map.of(inputName, bareInput))) {
            OnnxValue v = r.get(0);
            return v;
        }
    }

    @Benchmark
    public Object barePinnedRun() throws Exception {
        try (OrtSession.Result r =
                bareSession.run(Map.of(inputName, bareInput), Map.of(outputName, bareOutput))) {
            return r;
        }
    }

    @Benchmark
    public Object engineRun() throws Exception {
        engineRunner.run();
        return engineRunner;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        engineRunner.close();
        engineModel.close();
        bareInput.close();
        bareOutput.close();
        bareSession.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
