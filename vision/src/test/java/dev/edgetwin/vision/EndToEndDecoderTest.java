package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndToEndDecoderTest {
    private static final int ROWS = 6;
    private static final LetterboxTransform IDENTITY = new LetterboxTransform(1, 1, 0, 0, 320, 320);

    private final float[] data = new float[ROWS * 6];

    private void row(int n, float x1, float y1, float x2, float y2, float score, float cls) {
        System.arraycopy(new float[] {x1, y1, x2, y2, score, cls}, 0, data, n * 6, 6);
    }

    @Test
    void rowsWhoseClassIsNotAKnownWholeIndexAreIgnored() {
        row(0, 10, 10, 20, 20, 0.9f, 1);
        row(1, 30, 10, 40, 20, 0.9f, 2); // only classes 0 and 1 exist
        row(2, 50, 10, 60, 20, 0.9f, -1);
        row(3, 70, 10, 80, 20, 0.9f, 0.5f);
        row(4, 90, 10, 100, 20, 0.9f, Float.NaN);
        row(5, 110, 10, 120, 20, 0.6f, 0);
        List<Detection> d =
                new EndToEndDecoder(List.of("robot", "person"), ROWS, 0.5f, 100)
                        .decode(FloatBuffer.wrap(data), IDENTITY);
        assertEquals(
                List.of(
                        new Detection(1, "person", 0.9f, 10, 10, 20, 20),
                        new Detection(0, "robot", 0.6f, 110, 10, 120, 20)),
                d);
    }

    @Test
    void withoutNamesAnyClassIndexIsLabelledByNumber() {
        row(0, 10, 10, 20, 20, 0.9f, 7);
        row(1, 30, 10, 40, 20, 0.8f, 0);
        EndToEndDecoder decoder = new EndToEndDecoder(List.of(), ROWS, 0.5f, 100);
        assertEquals(List.of(), decoder.classNames());
        assertEquals(
                List.of("class7", "class0"),
                decoder.decode(FloatBuffer.wrap(data), IDENTITY).stream()
                        .map(Detection::label)
                        .toList());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(
                IllegalArgumentException.class, () -> new EndToEndDecoder(List.of(), 0, 0.5f, 1));
        assertThrows(
                IllegalArgumentException.class, () -> new EndToEndDecoder(List.of(), 1, 1.5f, 1));
        assertThrows(
                IllegalArgumentException.class, () -> new EndToEndDecoder(List.of(), 1, 0.5f, 0));
    }
}
