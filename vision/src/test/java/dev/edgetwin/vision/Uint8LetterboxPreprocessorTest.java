package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Uint8LetterboxPreprocessorTest {

    @ParameterizedTest(name = "{0}x{1} into {2}x{3}")
    @CsvSource({
        "1280, 720, 640, 640",
        "640, 480, 320, 320",
        "480, 640, 320, 320",
        "333, 101, 160, 96",
        "100, 75, 320, 320",
        "320, 240, 320, 240",
        "1, 1, 8, 8"
    })
    void isTheFloatInputTimes255RoundedWithinOneLevel(int w, int h, int inW, int inH) {
        LetterboxPreprocessor floats = new LetterboxPreprocessor(inW, inH);
        Uint8LetterboxPreprocessor bytes = new Uint8LetterboxPreprocessor(inW, inH);
        assertEquals(
                java.util.Arrays.toString(floats.inputShape()),
                java.util.Arrays.toString(bytes.inputShape()));
        for (long seed = 1; seed <= 2; seed++) {
            Frame frame = LetterboxPreprocessorTest.noise(w, h, seed);
            assertEquals(floats.prepare(frame), bytes.prepare(frame), "transform");
            FloatBuffer f = floats.inputBuffer();
            ByteBuffer b = bytes.inputBuffer();
            assertEquals(f.capacity(), b.capacity());
            int exact = 0;
            for (int i = 0; i < b.capacity(); i++) {
                int expected = Math.round(f.get(i) * 255);
                int actual = b.get(i) & 0xFF;
                assertTrue(
                        Math.abs(actual - expected) <= 1,
                        "value " + i + ": uint8 " + actual + ", round(float * 255) " + expected);
                exact += actual == expected ? 1 : 0;
            }
            // Off by one only where the float lands on a half level: almost never.
            assertTrue(exact > 0.999 * b.capacity(), exact + " of " + b.capacity() + " exact");
        }
    }

    @Test
    void paddingIsGrey114AndContentIsPlanarRgb() {
        byte[] rgb = new byte[64 * 48 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 255;
            rgb[i + 1] = 0;
            rgb[i + 2] = 51;
        }
        Uint8LetterboxPreprocessor pre = new Uint8LetterboxPreprocessor(32, 32);
        LetterboxTransform t = pre.prepare(new Frame("test", 0, 64, 48, rgb));
        assertEquals(4, t.padY(), 1e-12);
        ByteBuffer in = pre.inputBuffer();
        int plane = 32 * 32;
        for (int c = 0; c < 3; c++) {
            assertEquals(114, in.get(c * plane + 1 * 32 + 10) & 0xFF);
            assertEquals(114, in.get(c * plane + 30 * 32 + 10) & 0xFF);
        }
        assertEquals(255, in.get(16 * 32 + 16) & 0xFF);
        assertEquals(0, in.get(plane + 16 * 32 + 16) & 0xFF);
        assertEquals(51, in.get(2 * plane + 16 * 32 + 16) & 0xFF);
    }

    @Test
    void aNewSourceSizeRepaintsThePadding() {
        Uint8LetterboxPreprocessor reused = new Uint8LetterboxPreprocessor(96, 96);
        reused.prepare(LetterboxPreprocessorTest.noise(192, 108, 1));
        reused.prepare(LetterboxPreprocessorTest.noise(60, 90, 2));
        Uint8LetterboxPreprocessor fresh = new Uint8LetterboxPreprocessor(96, 96);
        fresh.prepare(LetterboxPreprocessorTest.noise(60, 90, 2));
        assertEquals(fresh.inputBuffer(), reused.inputBuffer());
    }
}
