package dev.edgetwin.runtime.inference;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
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
import org.openjdk.jmh.annotations.Param;
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
 * <p>Two models: the reference detector (the real cost of a frame) and a tiny one (one Add on a [1,
 * 3, 32, 32] tensor) on which the engine's own per-run cost in microseconds is not hidden by the
 * model's. Both sessions run with one intra-op thread, so the other core does not add noise.
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
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 3, jvmArgsAppend = "-Xmx1g")
public class EngineOverheadBenchmark {
    @Param({"reference-detector", "tiny-add"})
    public String model;

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
        Path file =
                model.equals("tiny-add")
                        ? writeTinyModel(dir.resolve("tiny-add.onnx"))
                        : ModelCache.ensureReferenceDetector(dir);
        DeviceProfile profile =
                DeviceProfiles.withOverrides(
                        DeviceProfiles.builtIn("x86_64-cpu"), Map.of("cpu.intraOpThreads", "1"));
        engineModel = InferenceEngine.instance().load(file, ModelRole.DETECTOR, profile, null);
        engineRunner = new PinnedRunner(engineModel);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // The same options the engine derives from the profile.
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(profile.cpu().intraOpThreads());
            options.setInterOpNumThreads(profile.cpu().interOpThreads());
            String spin = profile.cpu().spinning() ? "1" : "0";
            options.addConfigEntry("session.intra_op.allow_spinning", spin);
            options.addConfigEntry("session.inter_op.allow_spinning", spin);
            bareSession = env.createSession(file.toString(), options);
        }
        inputName = bareSession.getInputNames().iterator().next();
        outputName = bareSession.getOutputNames().iterator().next();
        long[] inShape =
                ((TensorInfo) bareSession.getInputInfo().get(inputName).getInfo()).getShape();
        long[] outShape =
                ((TensorInfo) bareSession.getOutputInfo().get(outputName).getInfo()).getShape();
        bareInput = OnnxTensor.createTensor(env, direct(count(inShape)), inShape);
        bareOutput = OnnxTensor.createTensor(env, direct(count(outShape)), outShape);
    }

    private static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return (int) n;
    }

    /** y = x + x on [1, 3, 32, 32]: a model whose run costs little more than the call itself. */
    private static Path writeTinyModel(Path path) throws java.io.IOException {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 3, 32, 32}) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        OnnxMl.TypeProto type =
                OnnxMl.TypeProto.newBuilder()
                        .setTensorType(
                                OnnxMl.TypeProto.Tensor.newBuilder()
                                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                        .setShape(shape))
                        .build();
        OnnxMl.GraphProto graph =
                OnnxMl.GraphProto.newBuilder()
                        .setName("tiny-add")
                        .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
                        .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type))
                        .addNode(
                                OnnxMl.NodeProto.newBuilder()
                                        .setOpType("Add")
                                        .addInput("x")
                                        .addInput("x")
                                        .addOutput("y"))
                        .build();
        OnnxMl.ModelProto proto =
                OnnxMl.ModelProto.newBuilder()
                        .setIrVersion(8)
                        .addOpsetImport(
                                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                        .setGraph(graph)
                        .build();
        return Files.write(path, proto.toByteArray());
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
