package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloV5DecoderTest {
    private static final List<String> NAMES = List.of("robot", "person");
    private static final int ROWS = 4;
    private static final int STRIDE = 5 + 2;
    private static final LetterboxTransform IDENTITY = new LetterboxTransform(1, 1, 0, 0, 320, 320);

    private final float[] data = new float[ROWS * STRIDE];

    private void row(int n, float cx, float cy, float w, float h, float obj, float... cls) {
        int r = n * STRIDE;
        data[r] = cx;
        data[r + 1] = cy;
        data[r + 2] = w;
        data[r + 3] = h;
        data[r + 4] = obj;
        System.arraycopy(cls, 0, data, r + 5, cls.length);
    }

    private List<Detection> decode() {
        return new YoloV5Decoder(NAMES, ROWS, 0.5f, 0.5f, 100)
                .decode(FloatBuffer.wrap(data), IDENTITY);
    }

    @Test
    void theScoreIsObjectnessTimesTheBestClassScore() {
        row(0, 50, 50, 20, 20, 0.8f, 0.5f, 0.9f);
        List<Detection> d = decode();
        assertEquals(1, d.size());
        assertEquals("person", d.get(0).label());
        assertEquals(0.8f * 0.9f, d.get(0).confidence());
        assertEquals(new Detection(1, "person", 0.8f * 0.9f, 40, 40, 60, 60), d.get(0));
    }

    @Test
    void aConfidentClassWithLowObjectnessIsDropped() {
        row(0, 50, 50, 20, 20, 0.6f, 0.8f, 0); // 0.48 < 0.5
        row(1, 150, 50, 20, 20, 0.6f, 0, 0.9f); // 0.54
        row(2, 250, 50, 20, 20, 0.4f, 1f, 1f); // objectness alone below the threshold
        row(3, 250, 150, 20, 20, Float.NaN, 1f, 1f);
        List<Detection> d = decode();
        assertEquals(List.of(0.6f * 0.9f), d.stream().map(Detection::confidence).toList());
    }

    @Test
    void theShapeIsRowsByFivePlusClasses() {
        YoloV5Decoder decoder = new YoloV5Decoder(NAMES, ROWS, 0.5f, 0.5f, 100);
        assertEquals(OutputLayout.YOLOV5, decoder.layout());
        assertEquals(
                List.of(1L, 4L, 7L),
                java.util.Arrays.stream(decoder.outputShape()).boxed().toList());
        assertEquals(28, decoder.expectedLength());
        assertThrows(
                IllegalArgumentException.class,
                () -> new YoloV5Decoder(List.of(), ROWS, 0.5f, 0.5f, 100));
        assertThrows(
                IllegalArgumentException.class,
                () -> new YoloV5Decoder(NAMES, ROWS, 0f, 0.5f, 100));
    }
}
