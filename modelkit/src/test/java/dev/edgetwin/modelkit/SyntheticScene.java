package dev.edgetwin.modelkit;

import dev.edgetwin.modelkit.Detections.Box;
import dev.edgetwin.sim.ObjectClass;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A hand-made 320x320 model input: grey floor, clutter, class-coloured objects painted as the
 * simulator paints them (base colour times a shading factor), then Gaussian noise and rounding to
 * 8-bit levels. Objects painted later hide earlier ones; each object's true box is the extent of
 * its pixels that stay visible.
 */
final class SyntheticScene {
    static final int SIZE = DetectorContract.INPUT_SIZE;
    private static final int BACKGROUND = -1;

    enum Shape {
        RECTANGLE,
        ELLIPSE
    }

    private final float[] levels = new float[3 * SIZE * SIZE];
    private final int[] owner = new int[SIZE * SIZE];
    private final List<ObjectClass> classes = new ArrayList<>();

    SyntheticScene(int floorLevel) {
        Arrays.fill(levels, floorLevel);
        Arrays.fill(owner, BACKGROUND);
    }

    /** Background clutter (shelves, markings, letterbox bands): a plain-coloured rectangle. */
    SyntheticScene clutter(int red, int green, int blue, int x1, int y1, int x2, int y2) {
        paint(BACKGROUND, Shape.RECTANGLE, red, green, blue, x1, y1, x2, y2);
        return this;
    }

    /** An object of one shade, inside [x1, x2) x [y1, y2). */
    SyntheticScene object(
            ObjectClass c, Shape shape, double shade, int x1, int y1, int x2, int y2) {
        classes.add(c);
        paint(
                classes.size() - 1,
                shape,
                (float) (c.red() * shade),
                (float) (c.green() * shade),
                (float) (c.blue() * shade),
                x1,
                y1,
                x2,
                y2);
        return this;
    }

    /**
     * A cuboid-like object as the simulator lights it: a top face of {@code topRows} rows at {@code
     * topShade} over a front face at {@code frontShade}.
     */
    SyntheticScene litFromAbove(
            ObjectClass c,
            double topShade,
            double frontShade,
            int topRows,
            int x1,
            int y1,
            int x2,
            int y2) {
        object(c, Shape.RECTANGLE, frontShade, x1, y1, x2, y2);
        int id = classes.size() - 1;
        paint(
                id,
                Shape.RECTANGLE,
                (float) (c.red() * topShade),
                (float) (c.green() * topShade),
                (float) (c.blue() * topShade),
                x1,
                y1,
                x2,
                y1 + topRows);
        return this;
    }

    /** The objects that kept at least one visible pixel, with their true boxes. */
    List<Box> truth() {
        int n = classes.size();
        int[] x1 = new int[n];
        int[] y1 = new int[n];
        int[] x2 = new int[n];
        int[] y2 = new int[n];
        Arrays.fill(x1, Integer.MAX_VALUE);
        Arrays.fill(y1, Integer.MAX_VALUE);
        Arrays.fill(x2, Integer.MIN_VALUE);
        Arrays.fill(y2, Integer.MIN_VALUE);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int id = owner[y * SIZE + x];
                if (id >= 0) {
                    x1[id] = Math.min(x1[id], x);
                    y1[id] = Math.min(y1[id], y);
                    x2[id] = Math.max(x2[id], x + 1);
                    y2[id] = Math.max(y2[id], y + 1);
                }
            }
        }
        List<Box> out = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            if (x2[id] > x1[id]) {
                out.add(new Box(classes.get(id).id(), 1, x1[id], y1[id], x2[id], y2[id]));
            }
        }
        return out;
    }

    /** The model input: levels plus noise, rounded and clamped to 0..255, then scaled to [0, 1]. */
    float[] render(long seed, double noiseSigmaLevels) {
        Random random = new Random(seed);
        float[] chw = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            double v = levels[i] + noiseSigmaLevels * random.nextGaussian();
            chw[i] = (float) (Math.max(0, Math.min(255, Math.rint(v))) / 255);
        }
        return chw;
    }

    private void paint(
            int id,
            Shape shape,
            float red,
            float green,
            float blue,
            int x1,
            int y1,
            int x2,
            int y2) {
        double cx = (x1 + x2) / 2.0;
        double cy = (y1 + y2) / 2.0;
        double rx = (x2 - x1) / 2.0;
        double ry = (y2 - y1) / 2.0;
        for (int y = Math.max(0, y1); y < Math.min(SIZE, y2); y++) {
            for (int x = Math.max(0, x1); x < Math.min(SIZE, x2); x++) {
                if (shape == Shape.ELLIPSE) {
                    double dx = (x + 0.5 - cx) / rx;
                    double dy = (y + 0.5 - cy) / ry;
                    if (dx * dx + dy * dy > 1) {
                        continue;
                    }
                }
                int p = y * SIZE + x;
                levels[p] = red;
                levels[SIZE * SIZE + p] = green;
                levels[2 * SIZE * SIZE + p] = blue;
                owner[p] = id;
            }
        }
    }
}
