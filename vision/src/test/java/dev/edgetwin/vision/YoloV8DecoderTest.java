package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloV8DecoderTest {
    private static final List<String> NAMES = List.of("robot", "person", "box");
    private static final int ANCHORS = 8;
    private static final LetterboxTransform IDENTITY = new LetterboxTransform(1, 1, 0, 0, 320, 320);

    private final float[] data = new float[(4 + 3) * ANCHORS];

    private void anchor(int n, float cx, float cy, float w, float h, float... scores) {
        data[n] = cx;
        data[ANCHORS + n] = cy;
        data[2 * ANCHORS + n] = w;
        data[3 * ANCHORS + n] = h;
        for (int c = 0; c < scores.length; c++) {
            data[(4 + c) * ANCHORS + n] = scores[c];
        }
    }

    private List<Detection> decode(float conf, LetterboxTransform t) {
        return new YoloV8Decoder(NAMES, ANCHORS, conf, 0.5f, 100).decode(FloatBuffer.wrap(data), t);
    }

    @Test
    void overlappingBoxesOfOneClassCollapseToTheBestScoring() {
        anchor(0, 100, 100, 40, 80, 0, 0.7f, 0);
        anchor(1, 102, 101, 40, 80, 0, 0.9f, 0);
        anchor(2, 300, 50, 10, 10, 0, 0.8f, 0);
        List<Detection> d = decode(0.5f, IDENTITY);
        assertEquals(2, d.size());
        assertEquals(0.9f, d.get(0).confidence());
        assertEquals("person", d.get(0).label());
        assertEquals(82, d.get(0).x1(), 1e-4);
        assertEquals(141, d.get(0).y2(), 1e-4);
    }

    @Test
    void overlappingBoxesOfDifferentClassesAreBothKept() {
        anchor(0, 100, 100, 40, 80, 0, 0.9f, 0);
        anchor(1, 100, 100, 40, 80, 0, 0, 0.8f);
        List<Detection> d = decode(0.5f, IDENTITY);
        assertEquals(List.of("person", "box"), d.stream().map(Detection::label).toList());
    }

    @Test
    void scoresBelowTheThresholdAreDropped() {
        anchor(0, 100, 100, 40, 80, 0.49f, 0.3f, 0.1f);
        assertEquals(0, decode(0.5f, IDENTITY).size());
        assertEquals(1, decode(0.4f, IDENTITY).size());
    }

    @Test
    void boxesAreMappedBackThroughTheLetterbox() {
        // A 640x480 frame letterboxed into 320x320: scale 0.5, 40 px of padding above.
        LetterboxTransform t = new LetterboxTransform(0.5, 0.5, 0, 40, 640, 480);
        anchor(0, 160, 160, 20, 40, 0.95f, 0, 0);
        Detection d = decode(0.5f, t).get(0);
        assertEquals(300, d.x1(), 1e-4);
        assertEquals(340, d.x2(), 1e-4);
        assertEquals(200, d.y1(), 1e-4);
        assertEquals(280, d.y2(), 1e-4);
    }

    @Test
    void maximumDetectionsKeepsTheHighestScores() {
        for (int n = 0; n < ANCHORS; n++) {
            anchor(n, 20 + 35 * n, 50, 20, 20, 0.5f + n * 0.05f, 0, 0);
        }
        List<Detection> d =
                new YoloV8Decoder(NAMES, ANCHORS, 0.5f, 0.5f, 3)
                        .decode(FloatBuffer.wrap(data), IDENTITY);
        assertEquals(3, d.size());
        assertEquals(
                0.75f,
                d.stream().min(Comparator.comparing(Detection::confidence)).get().confidence(),
                1e-6);
    }

    @Test
    void aWronglySizedOutputIsRejectedWithBothSizes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new YoloV8Decoder(NAMES, ANCHORS, 0.5f, 0.5f, 10)
                                        .decode(FloatBuffer.allocate(10), IDENTITY));
        assertEquals("expected a YOLOV8 output of 56 floats ([1, 7, 8]), got 10", e.getMessage());
    }
}
