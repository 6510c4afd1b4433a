package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One set of threshold, NMS, max-detection and mapping cases over every layout, on hand-made
 * outputs. The only expected difference: an end-to-end output already went through NMS inside the
 * model, so its decoder suppresses nothing.
 */
class DetectionDecoderContractTest {
    private static final List<String> NAMES = List.of("robot", "person", "box");
    private static final int SLOTS = 8;
    private static final LetterboxTransform IDENTITY = new LetterboxTransform(1, 1, 0, 0, 320, 320);

    /** Writes boxes into an output of the given layout, slot by slot. */
    static final class Head {
        final OutputLayout layout;
        final float[] data;

        Head(OutputLayout layout) {
            this.layout = layout;
            this.data = new float[decoder(0.5f, 0.5f, 100).expectedLength()];
        }

        DetectionDecoder decoder(float conf, float iou, int max) {
            return switch (layout) {
                case YOLOV8 -> new YoloV8Decoder(NAMES, SLOTS, conf, iou, max);
                case YOLOV5 -> new YoloV5Decoder(NAMES, SLOTS, conf, iou, max);
                case END_TO_END -> new EndToEndDecoder(NAMES, SLOTS, conf, max);
                case AUTO -> throw new IllegalArgumentException();
            };
        }

        /** A box [x1, x2) x [y1, y2) in model pixels with one class's score. */
        Head box(int slot, int cls, float score, float x1, float y1, float x2, float y2) {
            switch (layout) {
                case YOLOV8 -> {
                    data[slot] = (x1 + x2) / 2;
                    data[SLOTS + slot] = (y1 + y2) / 2;
                    data[2 * SLOTS + slot] = x2 - x1;
                    data[3 * SLOTS + slot] = y2 - y1;
                    data[(4 + cls) * SLOTS + slot] = score;
                }
                case YOLOV5 -> {
                    int row = slot * (5 + NAMES.size());
                    data[row] = (x1 + x2) / 2;
                    data[row + 1] = (y1 + y2) / 2;
                    data[row + 2] = x2 - x1;
                    data[row + 3] = y2 - y1;
                    data[row + 4] = 1f; // objectness 1: the score is the class score
                    data[row + 5 + cls] = score;
                }
                case END_TO_END -> {
                    int row = slot * 6;
                    data[row] = x1;
                    data[row + 1] = y1;
                    data[row + 2] = x2;
                    data[row + 3] = y2;
                    data[row + 4] = score;
                    data[row + 5] = cls;
                }
                case AUTO -> throw new IllegalArgumentException();
            }
            return this;
        }

        List<Detection> decode(float conf, float iou, int max, LetterboxTransform t) {
            return decoder(conf, iou, max).decode(FloatBuffer.wrap(data), t);
        }

        List<Detection> decode() {
            return decode(0.5f, 0.5f, 100, IDENTITY);
        }

        boolean appliesNms() {
            return layout != OutputLayout.END_TO_END;
        }
    }

    private static List<Float> scores(List<Detection> d) {
        return d.stream().map(Detection::confidence).toList();
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void anAllZeroOutputGivesNoDetections(OutputLayout layout) {
        assertEquals(List.of(), new Head(layout).decode());
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void identicalBoxesOfOneClassKeepOnlyTheBestUnlessTheModelDidNms(OutputLayout layout) {
        Head h =
                new Head(layout)
                        .box(0, 1, 0.8f, 100, 100, 140, 180)
                        .box(1, 1, 0.9f, 100, 100, 140, 180);
        List<Detection> d = h.decode();
        assertEquals(h.appliesNms() ? List.of(0.9f) : List.of(0.9f, 0.8f), scores(d));
        assertEquals("person", d.get(0).label());
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void zeroAreaBoxesAreDroppedAndSuppressNothing(OutputLayout layout) {
        Head h =
                new Head(layout)
                        .box(0, 0, 0.95f, 110, 100, 110, 140) // zero width, inside slot 2's box
                        .box(1, 0, 0.93f, 100, 120, 140, 120) // zero height
                        .box(2, 0, 0.6f, 100, 100, 140, 140);
        List<Detection> d = h.decode();
        assertEquals(List.of(0.6f), scores(d));
        assertEquals(new Detection(0, "robot", 0.6f, 100, 100, 140, 140), d.get(0));
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void iouExactlyAtTheThresholdIsKept(OutputLayout layout) {
        Head h = new Head(layout).box(0, 2, 0.9f, 0, 0, 10, 10).box(1, 2, 0.8f, 0, 0, 10, 5);
        assertEquals(0.5f, Boxes.iou(0, 0, 10, 10, 0, 0, 10, 5));
        assertEquals(List.of(0.9f, 0.8f), scores(h.decode(0.5f, 0.5f, 100, IDENTITY)));
        // Just below: now the smaller box is suppressed (where we run NMS).
        assertEquals(
                h.appliesNms() ? List.of(0.9f) : List.of(0.9f, 0.8f),
                scores(h.decode(0.5f, 0.49f, 100, IDENTITY)));
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void differentClassesOverlappingFullyAreAllKept(OutputLayout layout) {
        Head h =
                new Head(layout)
                        .box(0, 0, 0.7f, 50, 50, 90, 90)
                        .box(1, 1, 0.9f, 50, 50, 90, 90)
                        .box(2, 2, 0.8f, 50, 50, 90, 90);
        List<Detection> d = h.decode();
        assertEquals(List.of("person", "box", "robot"), d.stream().map(Detection::label).toList());
        assertEquals(List.of(0.9f, 0.8f, 0.7f), scores(d));
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void moreCandidatesThanMaxDetectionsKeepsTheBestInOrder(OutputLayout layout) {
        Head h = new Head(layout);
        float[] s = {0.55f, 0.9f, 0.6f, 0.85f, 0.5f, 0.7f, 0.65f, 0.8f};
        for (int n = 0; n < SLOTS; n++) {
            h.box(n, 0, s[n], 10 + 35 * n, 40, 30 + 35 * n, 60); // disjoint
        }
        assertEquals(List.of(0.9f, 0.85f, 0.8f), scores(h.decode(0.5f, 0.5f, 3, IDENTITY)));
        assertEquals(SLOTS, h.decode(0.5f, 0.5f, SLOTS, IDENTITY).size());
        assertEquals(SLOTS, h.decode(0.5f, 0.5f, 1000, IDENTITY).size());
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void nanScoresAndNanCoordinatesAreIgnored(OutputLayout layout) {
        Head h =
                new Head(layout)
                        .box(0, 0, Float.NaN, 100, 100, 140, 140)
                        .box(1, 0, 0.95f, Float.NaN, 100, 140, 140)
                        .box(2, 0, 0.95f, 100, 100, 140, Float.NaN)
                        .box(3, 0, 0.7f, 102, 100, 142, 140);
        assertEquals(List.of(0.7f), scores(h.decode()));
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void theConfidenceThresholdIsInclusive(OutputLayout layout) {
        Head h =
                new Head(layout)
                        .box(0, 0, 0.5f, 0, 0, 10, 10)
                        .box(1, 1, Math.nextDown(0.5f), 20, 0, 30, 10);
        assertEquals(List.of(0.5f), scores(h.decode()));
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void boxesAreMappedBackThroughTheLetterboxAndClipped(OutputLayout layout) {
        // A 640x480 frame letterboxed into 320x320: scale 0.5, 40 px of padding above and below.
        LetterboxTransform t = new LetterboxTransform(0.5, 0.5, 0, 40, 640, 480);
        Head h =
                new Head(layout)
                        .box(0, 0, 0.9f, 150, 150, 170, 170)
                        .box(1, 1, 0.8f, -10, 270, 30, 290) // over the left edge and the padding
                        .box(2, 2, 0.7f, 100, 10, 120, 30); // wholly in the top padding
        assertEquals(
                List.of(
                        new Detection(0, "robot", 0.9f, 300, 220, 340, 260),
                        new Detection(1, "person", 0.8f, 0, 460, 60, 480)),
                h.decode(0.5f, 0.5f, 100, t));
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void aReusedDecoderForgetsThePreviousFrame(OutputLayout layout) {
        Head h = new Head(layout).box(0, 0, 0.9f, 0, 0, 10, 10).box(1, 0, 0.8f, 50, 0, 60, 10);
        DetectionDecoder decoder = h.decoder(0.5f, 0.5f, 100);
        assertEquals(2, decoder.decode(FloatBuffer.wrap(h.data), IDENTITY).size());
        h.box(0, 0, 0f, 0, 0, 10, 10);
        assertEquals(List.of(0.8f), scores(decoder.decode(FloatBuffer.wrap(h.data), IDENTITY)));
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void aWronglySizedOutputIsRejectedWithBothSizes(OutputLayout layout) {
        DetectionDecoder decoder = new Head(layout).decoder(0.5f, 0.5f, 100);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> decoder.decode(FloatBuffer.allocate(10), IDENTITY));
        assertTrue(e.getMessage().contains(decoder.expectedLength() + " floats"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got 10"), e.getMessage());
    }
}
