package dev.edgetwin.modelkit.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The hand-designed layers of the forward pass on hand-made masks. */
class FeatureStackTest {
    private final DetectorLayout layout = new DetectorLayout(320);
    private final FeatureStack stack = new FeatureStack(layout);
    private final int c = layout.cells;
    private final int n = c * c;

    @Test
    void everyCellOfAConvexBlobKnowsTheBlobsBoundingBox() {
        byte[] masks = new byte[3 * n];
        // A diamond: rows 20..59, half-width growing to 15 cells at row 39 and shrinking again.
        for (int y = 20; y < 60; y++) {
            int half = 15 - Math.abs(39 - y) * 15 / 20;
            fill(masks, 1, 50 - half, y, 51 + half, y + 1);
        }
        int[][] box = new int[4][];
        stack.blobBoxes(masks, n, null, null, box);
        int cells = 0;
        for (int p = 0; p < n; p++) {
            if (masks[n + p] == 1) {
                cells++;
                assertArrayEquals(
                        new int[] {35, 66, 20, 60},
                        new int[] {box[0][p], box[1][p], box[2][p], box[3][p]},
                        "cell " + p % c + ", " + p / c);
            }
        }
        assertTrue(cells > 500);
    }

    @Test
    void brightnessEdgesAndOutlineStepsSeparateTouchingObjectsOfOneClass() {
        // Two boxes side by side: a near one (columns 10-29, rows 40-79) and a farther one,
        // shorter and higher up (columns 30-44, rows 30-59), slightly darker.
        byte[] masks = new byte[3 * n];
        fill(masks, 2, 10, 40, 30, 80);
        fill(masks, 2, 30, 30, 45, 60);
        float[] cells = new float[3 * n];
        for (int ch = 0; ch < 3; ch++) {
            fillCells(cells, ch, 0, 0, c, c, 0.5f);
            fillCells(cells, ch, 10, 40, 30, 80, 0.6f);
            fillCells(cells, ch, 30, 30, 45, 60, 0.5f);
        }
        int near = 50 * c + 20;
        int far = 45 * c + 40;
        int[][] whole = new int[4][];
        stack.blobBoxes(masks, 2 * n, null, null, whole);
        assertArrayEquals(new int[] {10, 45, 30, 80}, boxAt(whole, near));

        boolean[] right = new boolean[n];
        boolean[] below = new boolean[n];
        stack.edges(cells, right, below);
        int[][] cut = new int[4][];
        stack.blobBoxes(masks, 2 * n, right, below, cut);
        assertArrayEquals(new int[] {10, 30, 40, 80}, boxAt(cut, near));
        assertArrayEquals(new int[] {30, 45, 30, 60}, boxAt(cut, far));

        // The same without a brightness difference: only the outline step tells them apart.
        boolean[] stepRight = new boolean[n];
        boolean[] stepBelow = new boolean[n];
        stack.outlineSteps(masks, 2 * n, stepRight, stepBelow);
        assertTrue(stepRight[50 * c + 29], "the near box's column run ends 20 cells lower");
        assertFalse(stepRight[50 * c + 20], "no step inside one box");
        int[][] stepped = new int[4][];
        stack.blobBoxes(masks, 2 * n, stepRight, stepBelow, stepped);
        assertArrayEquals(new int[] {10, 30, 40, 80}, boxAt(stepped, near));
        assertArrayEquals(new int[] {30, 45, 30, 60}, boxAt(stepped, far));
    }

    @Test
    void edgesAreRelativeToBrightness() {
        assertTrue(FeatureStack.isEdge(1.0f, 1.2f));
        assertFalse(FeatureStack.isEdge(1.0f, 1.1f));
        assertTrue(FeatureStack.isEdge(0.10f, 0.12f), "the same ratio in the dark");
        assertFalse(FeatureStack.isStep(0, 40, 1, 41), "a cell of slant");
        assertTrue(FeatureStack.isStep(0, 40, 0, 60), "a run ending 20 cells lower");
        assertFalse(FeatureStack.isStep(0, 40, 0, 43), "3 cells are within 10% of 40");
    }

    @Test
    void anchorsTakeTheBoxesOfTheMaskCellsAroundThemAndEmptySlotsAreZero() {
        byte[] masks = new byte[3 * n];
        fill(masks, 0, 40, 40, 60, 50); // cells; input pixels 80-120 x 80-100
        float[] cells = new float[3 * n];
        java.util.Arrays.fill(cells, 0.5f);
        FeatureStack.Slots s = stack.slots(masks, cells);
        // Anchor (i, j) = (11, 12): centre (100, 92) in input pixels, inside the robot.
        int anchor = 11 * layout.grid + 12;
        for (int h = 0; h < DetectorLayout.HYPOTHESES; h++) {
            int slot = (h * DetectorLayout.CLASSES) * layout.anchors + anchor;
            assertEquals(1f, s.present()[slot]);
            assertEquals(100 - 80, s.left()[slot]);
            assertEquals(92 - 80, s.top()[slot]);
            assertEquals(120 - 100, s.right()[slot]);
            assertEquals(100 - 92, s.bottom()[slot]);
            assertEquals(1f, s.ownFill()[slot]);
            int personSlot = (h * DetectorLayout.CLASSES + 1) * layout.anchors + anchor;
            assertEquals(0f, s.present()[personSlot]);
        }
        float[] d = new float[DetectorLayout.DESCRIPTOR];
        stack.descriptor(s, 1, anchor, d);
        for (int i = 0; i < d.length; i++) {
            if (i != DetectorLayout.DESCRIPTOR_ROW) {
                assertEquals(0f, d[i], "person descriptor " + i + " where there is no person");
            }
        }
    }

    private int[] boxAt(int[][] box, int p) {
        return new int[] {box[0][p], box[1][p], box[2][p], box[3][p]};
    }

    private void fill(byte[] masks, int k, int x1, int y1, int x2, int y2) {
        for (int y = y1; y < y2; y++) {
            for (int x = x1; x < x2; x++) {
                masks[k * n + y * c + x] = 1;
            }
        }
    }

    private void fillCells(float[] cells, int ch, int x1, int y1, int x2, int y2, float v) {
        for (int y = y1; y < y2; y++) {
            for (int x = x1; x < x2; x++) {
                cells[ch * n + y * c + x] = v;
            }
        }
    }
}
