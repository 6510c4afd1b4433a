package dev.edgetwin.modelkit;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Measures one reference-detector inference on the CPU (session run only, letterboxed simulator
 * frames as input); not a test, speed is not asserted. Run from the repository root with
 * ORT_DISABLE_TELEMETRY=1 set:
 *
 * <pre>
 * ./mvnw -o -q -pl modelkit test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * ORT_DISABLE_TELEMETRY=1 java -cp \
 *     modelkit/target/classes:modelkit/target/test-classes:$(cat modelkit/target/cp.txt) \
 *     dev.edgetwin.modelkit.InferenceBenchmark [runs] [intraOpThreads, 0 = ONNX Runtime's choice]
 * </pre>
 */
final class InferenceBenchmark {
    private InferenceBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        var camera =
                new SimulatedCamera(
                        FactoryScene.demo(1), SimulatedCamera.defaultCameraModel(), "sim", 3);
        float[][] frames = new float[16][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = SimulatedFactoryTest.letterbox(camera.render(i * 7.0, 0).frame());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long s = DetectorContract.INPUT_SIZE;
        FloatBuffer input =
                ByteBuffer.allocateDirect(frames[0].length * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            try (OrtSession session = env.createSession(ReferenceDetector.build(), options);
                    OnnxTensor tensor =
                            OnnxTensor.createTensor(env, input, new long[] {1, 3, s, s})) {
                Map<String, OnnxTensor> feed = Map.of(DetectorContract.INPUT_NAME, tensor);
                long[] nanos = new long[runs];
                double checksum = 0;
                for (int i = -runs / 5; i < runs; i++) {
                    input.clear();
                    input.put(frames[Math.floorMod(i, frames.length)]);
                    long start = System.nanoTime();
                    try (OrtSession.Result result = session.run(feed)) {
                        if (i >= 0) {
                            nanos[i] = System.nanoTime() - start;
                        }
                        // Read the scores, so the run cannot be optimised into nothing.
                        FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                        for (int k = 4 * DetectorContract.ANCHORS; k < out.limit(); k++) {
                            checksum += out.get(k);
                        }
                    }
                }
                Arrays.sort(nanos);
                Logger.info(
                        "reference detector, 320x320, {} intra-op threads: median {} ms, p90 {}"
                                + " ms, min {} ms over {} runs (checksum {})",
                        threads == 0 ? "default" : threads,
                        String.format("%.2f", nanos[runs / 2] / 1e6),
                        String.format("%.2f", nanos[runs * 9 / 10] / 1e6),
                        String.format("%.2f", nanos[0] / 1e6),
                        runs,
                        checksum);
            }
        }
    }
}
