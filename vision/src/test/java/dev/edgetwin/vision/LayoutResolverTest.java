package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutResolverTest {
    private static final List<String> COCO = UltralyticsMetadata.defaultNames(80);
    private static final List<String> ONE = List.of("part");

    private static LayoutResolver.Resolved auto(List<String> names, String end2end, long... shape) {
        return LayoutResolver.resolve(shape, names, end2end, OutputLayout.AUTO);
    }

    private static String failure(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "'" + p + "' missing from: " + message);
        }
    }

    @Test
    void theClassCountTellsTheLayoutsApart() {
        assertEquals(OutputLayout.YOLOV8, auto(COCO, null, 1, 84, 8400).layout());
        assertEquals(OutputLayout.YOLOV5, auto(COCO, null, 1, 25200, 85).layout());
        assertEquals(OutputLayout.END_TO_END, auto(COCO, null, 1, 300, 6).layout());
        assertEquals(80, auto(COCO, null, 1, 300, 6).classes());
    }

    @Test
    void withoutNamesTheClassCountComesFromTheShape() {
        LayoutResolver.Resolved v8 = auto(null, null, 1, 84, 8400);
        assertEquals(OutputLayout.YOLOV8, v8.layout());
        assertEquals(80, v8.classes());
        LayoutResolver.Resolved v5 = auto(null, null, 1, 25200, 85);
        assertEquals(OutputLayout.YOLOV5, v5.layout());
        assertEquals(80, v5.classes());
        assertEquals(0, auto(null, "True", 1, 300, 6).classes());
    }

    @Test
    void oneClassRowsOfSixAreAmbiguousUntilEnd2endOrAnExplicitLayoutSettlesIt() {
        String m = failure(() -> auto(ONE, null, 1, 300, 6));
        assertContains(m, "[1, 300, 6]", "1 class name", "ambiguous", "YOLOV5", "END_TO_END");
        assertContains(m, "withLayout(OutputLayout.END_TO_END)", "'end2end' metadata");
        assertContains(failure(() -> auto(null, null, 1, 300, 6)), "no class names", "ambiguous");

        assertEquals(OutputLayout.END_TO_END, auto(ONE, "True", 1, 300, 6).layout());
        assertEquals(OutputLayout.YOLOV5, auto(ONE, "False", 1, 300, 6).layout());
        assertEquals(
                OutputLayout.YOLOV5,
                LayoutResolver.resolve(new long[] {1, 300, 6}, ONE, null, OutputLayout.YOLOV5)
                        .layout());
    }

    @Test
    void end2endTrueOnAnotherShapeIsAnError() {
        assertContains(
                failure(() -> auto(COCO, "True", 1, 84, 8400)), "end2end=True", "[1, 84, 8400]");
    }

    @Test
    void anUnsupportedShapeNamesWhatWasFoundAndWhatIsSupported() {
        String m = failure(() -> auto(List.of("a", "b"), null, 1, 10, 10));
        assertContains(
                m,
                "[1, 10, 10]",
                "2 class names",
                "fits none",
                "YOLOV8 [1, 4+C, N]",
                "expected [1, 6, N]",
                "YOLOV5 [1, N, 5+C]",
                "expected [1, N, 7]",
                "END_TO_END [1, N, 6]");
        assertContains(failure(() -> auto(COCO, null, 1, 84, 8400, 1)), "[1, 84, 8400, 1]");
        assertContains(failure(() -> auto(COCO, null, 1, -1, 6)), "[1, -1, 6]", "fixed");
        assertContains(failure(() -> auto(COCO, null, 2, 84, 8400)), "batch 1");
    }

    @Test
    void anExplicitLayoutThatDoesNotFitSaysSo() {
        String m =
                failure(
                        () ->
                                LayoutResolver.resolve(
                                        new long[] {1, 84, 8400}, COCO, null, OutputLayout.YOLOV5));
        assertContains(m, "YOLOV5", "was requested", "[1, 84, 8400]", "expected [1, N, 85]");
    }
}
