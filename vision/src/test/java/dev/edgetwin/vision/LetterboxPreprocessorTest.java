package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

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
}
