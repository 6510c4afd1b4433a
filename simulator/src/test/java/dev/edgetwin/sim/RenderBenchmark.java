package dev.edgetwin.sim;

import org.tinylog.Logger;

/**
 * Measures {@link SimulatedCamera#render} on the demo scene (not a test: speed is not asserted).
 * Run from the repository root:
 *
 * <pre>
 * ./mvnw -o -q -pl simulator test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp simulator/target/classes:simulator/target/test-classes:$(cat simulator/target/cp.txt) \
 *     dev.edgetwin.sim.RenderBenchmark [frames] [noiseSigma]
 * </pre>
 */
final class RenderBenchmark {
    private RenderBenchmark() {}

    public static void main(String[] args) {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        double sigma = args.length > 1 ? Double.parseDouble(args[1]) : 0;
        var camera =
                new SimulatedCamera(
                        FactoryScene.demo(1), SimulatedCamera.defaultCameraModel(), "sim", sigma);
        // Warm-up: let the JIT compile the ray-casting loops.
        for (int i = 0; i < frames; i++) {
            camera.render(i * 0.4, 0);
        }
        long[] nanos = new long[frames];
        long checksum = 0;
        for (int i = 0; i < frames; i++) {
            long start = System.nanoTime();
            RenderedFrame f = camera.render(i * 0.4 + 0.2, 0);
            nanos[i] = System.nanoTime() - start;
            checksum += f.frame().rgb()[i % 1000] + f.groundTruth().size();
        }
        java.util.Arrays.sort(nanos);
        Logger.info(
                "render 640x480, sigma {}: median {} ms, p90 {} ms, max {} ms over {} frames"
                        + " (checksum {})",
                sigma,
                String.format("%.2f", nanos[frames / 2] / 1e6),
                String.format("%.2f", nanos[frames * 9 / 10] / 1e6),
                String.format("%.2f", nanos[frames - 1] / 1e6),
                frames,
                checksum);
    }
}
