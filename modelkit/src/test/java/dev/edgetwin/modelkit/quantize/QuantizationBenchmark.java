package dev.edgetwin.modelkit.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgetwin.modelkit.QuantizerTestModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * FP32 against INT8 (S8S8 and U8S8) for two conv stacks on the CPU: {@code session.run} only, on
 * letterboxed simulator frames; not a test, speed is not asserted. The plain stack has no branches;
 * the branching one has a residual Add and a Concat (see {@link QuantizerTestModels}). The models
 * take turns in rounds, so load from other processes spreads over all of them. Run from the
 * repository root:
 *
 * <pre>
 * ./mvnw -o -q -pl modelkit test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * ORT_DISABLE_TELEMETRY=1 java -cp \
 *     modelkit/target/classes:modelkit/target/test-classes:$(cat modelkit/target/cp.txt) \
 *     dev.edgetwin.modelkit.quantize.QuantizationBenchmark [size 320] [channels 32] \
 *     [runs per model 300] [intraOpThreads 1]
 * </pre>
 */
final class QuantizationBenchmark {
    private static final int ROUNDS = 10;

    private QuantizationBenchmark() {}

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 320;
        int channels = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        long[] shape = {1, 3, size, size};
        List<float[]> frames = QdqTestSupport.simulatorInputs(2, 8, size);
        CalibrationSet calibration = CalibrationSet.simulator(1, 8);

        Map<String, byte[]> models = new LinkedHashMap<>();
        Map<String, byte[]> floats = new LinkedHashMap<>();
        floats.put("plain", QuantizerTestModels.plainConvStack(size, channels, 5, 7, 42));
        floats.put("branching", QuantizerTestModels.convStack(size, channels, 7, 42));
        for (var e : floats.entrySet()) {
            models.put(e.getKey() + " fp32", e.getValue());
            for (QdqFormat f : QdqFormat.values()) {
                models.put(
                        e.getKey() + " " + f.name(),
                        StaticQuantizer.quantize(
                                        e.getValue(),
                                        e.getKey(),
                                        calibration,
                                        QuantizationOptions.defaults().withFormat(f))
                                .bytes());
            }
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        FloatBuffer input =
                ByteBuffer.allocateDirect(frames.get(0).length * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        Map<String, OrtSession> sessions = new LinkedHashMap<>();
        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape)) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            for (var e : models.entrySet()) {
                sessions.put(e.getKey(), env.createSession(e.getValue(), options));
                nanos.put(e.getKey(), new ArrayList<>());
            }
            Map<String, OnnxTensor> feed = Map.of(QuantizerTestModels.INPUT, tensor);
            for (int round = -1; round < ROUNDS; round++) {
                for (var e : sessions.entrySet()) {
                    for (int i = 0; i < runs / ROUNDS; i++) {
                        input.clear();
                        input.put(frames.get(i % frames.size()));
                        input.rewind();
                        long t0 = System.nanoTime();
                        e.getValue().run(feed).close();
                        long t = System.nanoTime() - t0;
                        if (round >= 0) { // round -1 warms every session up
                            nanos.get(e.getKey()).add(t);
                        }
                    }
                }
            }
        } finally {
            for (OrtSession s : sessions.values()) {
                s.close();
            }
        }
        System.out.printf(
                Locale.ROOT,
                "conv stacks %dx%d, %d channels, %d intra-op thread(s), %d runs each, ONNX Runtime %s%n",
                size,
                size,
                channels,
                threads,
                runs,
                env.getVersion());
        Map<String, Double> medians = new LinkedHashMap<>();
        for (var e : nanos.entrySet()) {
            long[] t = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            double median = t[t.length / 2] / 1e6;
            medians.put(e.getKey(), median);
            String stack = e.getKey().split(" ")[0];
            System.out.printf(
                    Locale.ROOT,
                    "%-16s median %6.2f ms  p10 %6.2f  p90 %6.2f  speed-up vs fp32 %.2fx%n",
                    e.getKey(),
                    median,
                    t[t.length / 10] / 1e6,
                    t[t.length * 9 / 10] / 1e6,
                    medians.get(stack + " fp32") / median);
        }
    }
}
