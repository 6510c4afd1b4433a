package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each output layout end to end: a generated model whose output holds a known scene in that layout
 * ({@link ConstantHeadModel}), run through {@link OnnxDetector} on a 640x480 frame letterboxed into
 * 320x320 (scale 0.5, 40 px of padding above and below), boxes checked in source pixels against
 * hand-computed ones.
 */
class OnnxDetectorLayoutTest {
    private static final int INPUT = 320;
    private static final int SLOTS = 8;
    private static final String NAMES = "{0: 'robot', 1: 'person'}";
    private static final float TOLERANCE = 1e-4f;

    @TempDir Path dir;

    /** One scene, in model-input pixels: {class, score, x1, y1, x2, y2}. */
    private static final float[][] SCENE = {
        {1, 0.9f, 140, 150, 180, 170}, // person
        {1, 0.8f, 142, 150, 182, 170}, // the same person again (IoU 0.90): NMS removes it
        {0, 0.7f, -10, 250, 30, 290}, // robot over the left edge and into the bottom padding
        {0, 0.3f, 250, 90, 270, 110}, // below the threshold
    };

    // Hand-computed: source = (model - pad) / 0.5, clipped to 640x480.
    private static final Detection PERSON = new Detection(1, "person", 0.9f, 280, 220, 360, 260);
    private static final Detection PERSON_AGAIN =
            new Detection(1, "person", 0.8f, 284, 220, 364, 260);
    private static final Detection ROBOT = new Detection(0, "robot", 0.7f, 0, 420, 60, 480);

    private static long[] shape(OutputLayout layout) {
        return switch (layout) {
            case YOLOV8 -> new long[] {1, 4 + 2, SLOTS};
            case YOLOV5 -> new long[] {1, SLOTS, 5 + 2};
            case END_TO_END -> new long[] {1, SLOTS, 6};
            case AUTO -> throw new IllegalArgumentException();
        };
    }

    /** Writes {@link #SCENE} as a model of {@code layout}: scores in the mask, the rest in base. */
    private Path sceneModel(OutputLayout layout, Map<String, String> metadata) throws Exception {
        return sceneModel(layout, metadata, false);
    }

    private Path sceneModel(OutputLayout layout, Map<String, String> metadata, boolean uint8)
            throws Exception {
        long[] shape = shape(layout);
        int size = (int) (shape[1] * shape[2]);
        float[] base = new float[size];
        float[] mask = new float[size];
        for (int n = 0; n < SCENE.length; n++) {
            int cls = (int) SCENE[n][0];
            float score = SCENE[n][1];
            float x1 = SCENE[n][2], y1 = SCENE[n][3], x2 = SCENE[n][4], y2 = SCENE[n][5];
            float[] centred = {(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1};
            switch (layout) {
                case YOLOV8 -> {
                    for (int k = 0; k < 4; k++) {
                        base[k * SLOTS + n] = centred[k];
                    }
                    mask[(4 + cls) * SLOTS + n] = score;
                }
                case YOLOV5 -> {
                    int row = n * 7;
                    System.arraycopy(centred, 0, base, row, 4);
                    mask[row + 4] = score; // objectness
                    base[row + 5 + cls] = 1f; // class score
                }
                case END_TO_END -> {
                    int row = n * 6;
                    System.arraycopy(new float[] {x1, y1, x2, y2}, 0, base, row, 4);
                    mask[row + 4] = score;
                    base[row + 5] = cls;
                }
                case AUTO -> throw new IllegalArgumentException();
            }
        }
        return ConstantHeadModel.write(
                dir.resolve(layout + (uint8 ? "-uint8" : "") + ".onnx"),
                INPUT,
                shape,
                base,
                mask,
                metadata,
                uint8);
    }

    private static Map<String, String> metadata(OutputLayout layout, boolean withNames) {
        Map<String, String> m = new HashMap<>();
        m.put("generator", "OnnxDetectorLayoutTest");
        if (withNames) {
            m.put("names", NAMES);
        }
        if (layout == OutputLayout.END_TO_END && withNames) {
            m.put("end2end", "True");
        }
        return m;
    }

    private static Frame frame(int grey) {
        byte[] rgb = new byte[640 * 480 * 3];
        Arrays.fill(rgb, (byte) grey);
        return new Frame("cam0", 0L, 640, 480, rgb);
    }

    private static void assertDetections(List<Detection> expected, List<Detection> actual) {
        assertEquals(expected.size(), actual.size(), () -> "got " + actual);
        for (int i = 0; i < expected.size(); i++) {
            Detection e = expected.get(i);
            Detection a = actual.get(i);
            String what = "detection " + i + ": expected " + e + ", got " + a;
            assertEquals(e.classId(), a.classId(), what);
            assertEquals(e.label(), a.label(), what);
            assertEquals(e.confidence(), a.confidence(), TOLERANCE, what);
            assertEquals(e.x1(), a.x1(), TOLERANCE, what);
            assertEquals(e.y1(), a.y1(), TOLERANCE, what);
            assertEquals(e.x2(), a.x2(), TOLERANCE, what);
            assertEquals(e.y2(), a.y2(), TOLERANCE, what);
        }
    }

    private static List<Detection> expectedScene(OutputLayout layout) {
        // The end-to-end model "already ran NMS": what it returns is what we report.
        return layout == OutputLayout.END_TO_END
                ? List.of(PERSON, PERSON_AGAIN, ROBOT)
                : List.of(PERSON, ROBOT);
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void eachLayoutIsRecognisedAndDecodedIntoSourcePixels(OutputLayout layout) throws Exception {
        Path model = sceneModel(layout, metadata(layout, true));
        try (OnnxDetector detector = OnnxDetector.open(model, OnnxDetector.Options.defaults())) {
            assertEquals(layout, detector.outputLayout());
            assertEquals(List.of("robot", "person"), detector.classNames());
            assertDetections(expectedScene(layout), detector.detect(frame(255)));
            // A dark frame lowers every score below 0.5: the pinned output was rewritten.
            assertDetections(List.of(), detector.detect(frame(0)));
            assertDetections(expectedScene(layout), detector.detect(frame(255)));
            assertEquals(0, detector.runtimeAllocatedOutputs());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void aModelWithUint8InputGetsGreyLevelsAndDecodesTheSame(OutputLayout layout) throws Exception {
        Path model = sceneModel(layout, metadata(layout, true), true);
        try (OnnxDetector detector = OnnxDetector.open(model, OnnxDetector.Options.defaults())) {
            // The model divides by 255 itself: a white frame is 255 levels -> 1.0, as in float.
            assertDetections(expectedScene(layout), detector.detect(frame(255)));
            assertDetections(List.of(), detector.detect(frame(0)));
            OnnxDetector.Slot slot = detector.newSlot();
            detector.prepare(frame(255), slot);
            detector.run(slot);
            assertDetections(expectedScene(layout), detector.decode(slot));
            assertEquals(0, detector.runtimeAllocatedOutputs());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void slotsRunTheStepsSeparatelyEachOnItsOwnBuffers(OutputLayout layout) throws Exception {
        Path model = sceneModel(layout, metadata(layout, true));
        try (OnnxDetector detector = OnnxDetector.open(model, OnnxDetector.Options.defaults())) {
            OnnxDetector.Slot bright = detector.newSlot();
            OnnxDetector.Slot dark = detector.newSlot();
            // Interleaved as a pipeline does: a second frame is prepared and run before the
            // first is decoded, so shared buffers would give both slots the dark result.
            detector.prepare(frame(255), bright);
            detector.run(bright);
            detector.prepare(frame(0), dark);
            detector.run(dark);
            assertDetections(expectedScene(layout), detector.decode(bright));
            assertDetections(List.of(), detector.decode(dark));
            assertDetections(detector.detect(frame(255)), detector.decode(bright));
            assertEquals(0, bright.runtimeAllocatedOutputs());
            dark.close();
            dark.close();
            assertThrows(IllegalStateException.class, () -> detector.run(dark));
            detector.close();
            assertThrows(IllegalStateException.class, () -> detector.decode(bright));
            assertThrows(IllegalStateException.class, detector::newSlot);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5", "END_TO_END"})
    void optionsReachEveryDecoder(OutputLayout layout) throws Exception {
        Path model = sceneModel(layout, metadata(layout, true));
        try (OnnxDetector one =
                        OnnxDetector.open(model, new OnnxDetector.Options(0.5f, 0.5f, 1, 1));
                OnnxDetector strict =
                        OnnxDetector.open(
                                model, new OnnxDetector.Options(0.75f, 0.5f, 100, 1, layout))) {
            assertDetections(List.of(PERSON), one.detect(frame(255)));
            List<Detection> expected = new ArrayList<>(expectedScene(layout));
            expected.removeIf(d -> d.confidence() < 0.75f);
            assertDetections(expected, strict.detect(frame(255)));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"YOLOV8", "YOLOV5"})
    void withoutNamesClassesAreNumberedFromTheShape(OutputLayout layout) throws Exception {
        Path model = sceneModel(layout, metadata(layout, false));
        try (OnnxDetector detector = OnnxDetector.open(model, OnnxDetector.Options.defaults())) {
            assertEquals(layout, detector.outputLayout());
            assertEquals(List.of("class0", "class1"), detector.classNames());
            assertEquals(
                    List.of("class1", "class0"),
                    detector.detect(frame(255)).stream().map(Detection::label).toList());
        }
    }

    @Test
    void anEndToEndModelWithoutNamesOrEnd2endIsAmbiguousUntilTheLayoutIsSet() throws Exception {
        Path model = sceneModel(OutputLayout.END_TO_END, metadata(OutputLayout.END_TO_END, false));
        DetectorException e =
                assertThrows(
                        DetectorException.class,
                        () -> OnnxDetector.open(model, OnnxDetector.Options.defaults()));
        assertEquals(DetectorException.Code.UNSUPPORTED_LAYOUT, e.code());
        assertTrue(e.getMessage().contains("[1, 8, 6]"), e.getMessage());
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
        assertTrue(e.getMessage().contains("withLayout(OutputLayout.END_TO_END)"), e.getMessage());

        OnnxDetector.Options options =
                OnnxDetector.Options.defaults().withLayout(OutputLayout.END_TO_END);
        try (OnnxDetector detector = OnnxDetector.open(model, options)) {
            assertEquals(List.of(), detector.classNames());
            assertEquals(
                    List.of("class1", "class1", "class0"),
                    detector.detect(frame(255)).stream().map(Detection::label).toList());
        }
    }

    @Test
    void anUnsupportedOutputNamesTheShapeAndTheSupportedLayouts() throws Exception {
        Path model =
                ConstantHeadModel.write(
                        dir.resolve("odd.onnx"),
                        INPUT,
                        new long[] {1, 10, 10},
                        new float[100],
                        new float[100],
                        Map.of("names", NAMES));
        DetectorException e =
                assertThrows(
                        DetectorException.class,
                        () -> OnnxDetector.open(model, OnnxDetector.Options.defaults()));
        assertEquals(DetectorException.Code.UNSUPPORTED_LAYOUT, e.code());
        for (String part :
                List.of(
                        "odd.onnx",
                        "output0",
                        "[1, 10, 10]",
                        "2 class names",
                        "YOLOV8 [1, 4+C, N]",
                        "YOLOV5 [1, N, 5+C]",
                        "END_TO_END [1, N, 6]")) {
            assertTrue(e.getMessage().contains(part), () -> part + " missing: " + e.getMessage());
        }
    }

    @Test
    void anExplicitLayoutThatDoesNotFitIsRefused() throws Exception {
        Path model = sceneModel(OutputLayout.YOLOV8, metadata(OutputLayout.YOLOV8, true));
        DetectorException e =
                assertThrows(
                        DetectorException.class,
                        () ->
                                OnnxDetector.open(
                                        model,
                                        OnnxDetector.Options.defaults()
                                                .withLayout(OutputLayout.YOLOV5)));
        assertEquals(DetectorException.Code.UNSUPPORTED_LAYOUT, e.code());
        assertTrue(e.getMessage().contains("was requested"), e.getMessage());
    }

    @Test
    void aBorrowedSessionDecodesTooAndOutlivesTheDetector() throws Exception {
        Path model = sceneModel(OutputLayout.END_TO_END, metadata(OutputLayout.END_TO_END, true));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session =
                env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            try (OnnxDetector detector =
                    OnnxDetector.forSession(session, model, OnnxDetector.Options.defaults())) {
                assertDetections(
                        expectedScene(OutputLayout.END_TO_END), detector.detect(frame(255)));
            }
            // Closing the detector left the session open: a second detector still runs on it.
            try (OnnxDetector again =
                    OnnxDetector.forSession(session, model, OnnxDetector.Options.defaults())) {
                assertDetections(expectedScene(OutputLayout.END_TO_END), again.detect(frame(255)));
            }
        }
    }
}
