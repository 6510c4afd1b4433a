package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LetterboxPreprocessorTest {

    private static Frame frame(int w, int h, java.util.function.IntBinaryOperator... channels) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) channels[c].applyAsInt(x, y);
                }
            }
        }
        return new Frame("test", 0, w, h, rgb);
    }

    @Test
    void wideFramesArePaddedTopAndBottomWithGrey() {
        LetterboxPreprocessor pre = new LetterboxPreprocessor(320, 320);
        LetterboxTransform t =
                pre.prepare(frame(640, 480, (x, y) -> 255, (x, y) -> 0, (x, y) -> 51));
        assertEquals(0.5, t.scaleX(), 1e-12);
        assertEquals(0.5, t.scaleY(), 1e-12);
        assertEquals(0, t.padX(), 1e-12);
        assertEquals(40, t.padY(), 1e-12);
        FloatBuffer in = pre.inputBuffer();
        int plane = 320 * 320;
        // Padding rows, all three channels.
        for (int c = 0; c < 3; c++) {
            assertEquals(114f / 255f, in.get(c * plane + 5 * 320 + 100), 1e-6);
            assertEquals(114f / 255f, in.get(c * plane + 300 * 320 + 100), 1e-6);
        }
        // Content rows carry the colour, planar.
        assertEquals(1f, in.get(0 * plane + 160 * 320 + 160), 1e-6);
        assertEquals(0f, in.get(1 * plane + 160 * 320 + 160), 1e-6);
        assertEquals(0.2f, in.get(2 * plane + 160 * 320 + 160), 1e-6);
    }

    @Test
    void bilinearSamplingMatchesAReferenceOnAGradient() {
        LetterboxPreprocessor pre = new LetterboxPreprocessor(160, 160);
        // A horizontal ramp: bilinear resampling of a linear function is exact away from edges.
        LetterboxTransform t =
                pre.prepare(frame(200, 100, (x, y) -> x, (x, y) -> y * 2, (x, y) -> 7));
        FloatBuffer in = pre.inputBuffer();
        int plane = 160 * 160;
        for (int oy = (int) t.padY() + 2; oy < 160 - t.padY() - 2; oy += 7) {
            for (int ox = 2; ox < 158; ox += 9) {
                double sx = (ox - t.padX() + 0.5) / t.scaleX() - 0.5;
                double sy = (oy - t.padY() + 0.5) / t.scaleY() - 0.5;
                assertEquals(sx / 255, in.get(oy * 160 + ox), 1e-5, "R at " + ox + "," + oy);
                assertEquals(
                        2 * sy / 255, in.get(plane + oy * 160 + ox), 1e-5, "G at " + ox + "," + oy);
                assertEquals(7 / 255f, in.get(2 * plane + oy * 160 + ox), 1e-6);
            }
        }
    }

    @Test
    void transformMapsInputCoordinatesBackToTheSource() {
        LetterboxPreprocessor pre = new LetterboxPreprocessor(640, 640);
        LetterboxTransform t = pre.prepare(frame(1280, 720, (x, y) -> 0, (x, y) -> 0, (x, y) -> 0));
        assertEquals(140, t.padY(), 1e-12);
        assertEquals(640, t.toSourceX(320), 1e-9);
        assertEquals(360, t.toSourceY(320), 1e-9);
        assertEquals(0, t.toSourceY(10), 1e-9, "points in the padding clamp to the image");
    }

    /** Packed RGB noise: the worst case for a resampler (no two neighbours alike). */
    static Frame noise(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new SplittableRandom(seed).nextBytes(rgb);
        return new Frame("noise", 0, w, h, rgb);
    }

    /**
     * Straight two-dimensional bilinear interpolation in double, pixel by pixel, from the
     * transform's definition: what the separable, table-driven resampler must reproduce.
     */
    static float[] reference(Frame frame, LetterboxTransform t, int inputWidth, int inputHeight) {
        float[] out = new float[3 * inputWidth * inputHeight];
        java.util.Arrays.fill(out, 114f / 255f);
        int w = frame.width();
        int h = frame.height();
        long contentW = Math.round(w * t.scaleX());
        long contentH = Math.round(h * t.scaleY());
        for (int oy = (int) t.padY(); oy < t.padY() + contentH; oy++) {
            for (int ox = (int) t.padX(); ox < t.padX() + contentW; ox++) {
                double sx = Math.max(0, (ox - t.padX() + 0.5) / t.scaleX() - 0.5);
                double sy = Math.max(0, (oy - t.padY() + 0.5) / t.scaleY() - 0.5);
                int x0 = Math.min((int) sx, w - 1);
                int y0 = Math.min((int) sy, h - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                double fx = Math.min(1, sx - x0);
                double fy = Math.min(1, sy - y0);
                for (int c = 0; c < 3; c++) {
                    double top = lerp(at(frame, x0, y0, c), at(frame, x1, y0, c), fx);
                    double bottom = lerp(at(frame, x0, y1, c), at(frame, x1, y1, c), fx);
                    out[(c * inputHeight + oy) * inputWidth + ox] =
                            (float) (lerp(top, bottom, fy) / 255);
                }
            }
        }
        return out;
    }

    private static double lerp(double a, double b, double f) {
        return a + (b - a) * f;
    }

    private static int at(Frame frame, int x, int y, int c) {
        return frame.rgb()[(y * frame.width() + x) * 3 + c] & 0xFF;
    }

    @ParameterizedTest(name = "{0}x{1} into {2}x{3}")
    @CsvSource({
        "1280, 720, 640, 640", // the camera case: halving, pad top and bottom
        "640, 480, 320, 320",
        "480, 640, 320, 320", // tall: pad left and right
        "333, 101, 160, 96", // odd sizes, uneven padding
        "100, 75, 320, 320", // upscaling: output rows share source rows
        "320, 240, 320, 240", // scale one: no padding, weights zero
        "1, 1, 8, 8" // a single pixel fills the input
    })
    void matchesATwoDimensionalReferenceOnNoise(int w, int h, int inW, int inH) {
        LetterboxPreprocessor pre = new LetterboxPreprocessor(inW, inH);
        Frame frame = noise(w, h, 7);
        LetterboxTransform t = pre.prepare(frame);
        float[] actual = new float[3 * inW * inH];
        pre.inputBuffer().get(0, actual);
        assertArrayEquals(reference(frame, t, inW, inH), actual, 1e-5f);
    }

    @Test
    void aNewSourceSizeRepaintsThePaddingAndTheContent() {
        // Regression: the padding is painted once per source size, so after a switch from a wide
        // to a tall source the old content rows' sides must become grey again.
        LetterboxPreprocessor reused = new LetterboxPreprocessor(96, 96);
        reused.prepare(noise(192, 108, 1));
        reused.prepare(noise(60, 90, 2));
        LetterboxPreprocessor fresh = new LetterboxPreprocessor(96, 96);
        fresh.prepare(noise(60, 90, 2));
        float[] expected = new float[3 * 96 * 96];
        float[] actual = new float[3 * 96 * 96];
        fresh.inputBuffer().get(0, expected);
        reused.inputBuffer().get(0, actual);
        assertArrayEquals(expected, actual);
    }

    @Test
    void steadyStateFramesAllocateNothing() {
        LetterboxPreprocessor pre = new LetterboxPreprocessor(64, 64);
        Uint8LetterboxPreprocessor pre8 = new Uint8LetterboxPreprocessor(64, 64);
        Frame frame = noise(128, 72, 3);
        long perFrame =
                allocatedPerCall(
                        () -> {
                            pre.prepare(frame);
                            pre8.prepare(frame);
                        });
        assertEquals(0, perFrame, "bytes allocated per frame, float and uint8 together");
    }

    /** Bytes the current thread allocates per call of {@code work}, after two warm-up calls. */
    static long allocatedPerCall(Runnable work) {
        if (!(ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean threads)) {
            Assumptions.abort("this JVM does not count allocated bytes per thread");
            return -1;
        }
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        long id = Thread.currentThread().getId();
        work.run();
        work.run();
        // What asking costs, so that only the work's own allocations remain.
        long probe = -threads.getThreadAllocatedBytes(id) + threads.getThreadAllocatedBytes(id);
        int calls = 200;
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) {
            work.run();
        }
        long total = threads.getThreadAllocatedBytes(id) - before - probe;
        // Any object allocated per call is at least 16 bytes, 3200 over the loop.
        return Math.max(0, total) / calls;
    }
}
