package dev.edgetwin.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Varied, seeded scenes to train and test detectors on: each seed gives a different factory layout,
 * camera pose, set of objects and look (exposure, white balance, light direction, ambient, sensor
 * noise, blur), all drawn from fixed distributions, so that scenes from different seeds are
 * independent samples of the same world. Train and test sets differ only in their seeds.
 *
 * <p>What varies, per scene (see the simulator's README for the exact ranges):
 *
 * <ul>
 *   <li><b>layout</b>: 0-6 shelf blocks of random size, height and place; 0-4 floor lane lines;
 *   <li><b>camera</b>: the default camera model on an ego robot standing anywhere in the hall,
 *       facing any direction;
 *   <li><b>objects</b>: 1-12 robots, people and boxes in front of the camera, 2-15 m away (so their
 *       image sizes span more than 7x), some placed right behind another to be partly hidden, some
 *       cut by the image border, plus 0-4 anywhere in the hall (mostly far away or out of view);
 *       sizes +-20% per dimension, any heading;
 *   <li><b>look</b>: {@link RenderSettings} with exposure 0.55-1.35, a warm or cool colour cast
 *       (red and blue gains 1 +- 0.12), a light from any azimuth at 25-85 degrees elevation,
 *       ambient 0.35-0.75, noise sigma 0-8 levels, and in half the scenes a blur of sigma 0.3-1.8
 *       px.
 * </ul>
 *
 * <p>Everything is a pure function of the seed. Objects never overlap each other, a shelf, a wall
 * or the ego robot.
 */
public final class TrainingScenes {
    static final double MIN_OBJECT_DISTANCE = 2;
    static final double MAX_OBJECT_DISTANCE = 15;
    static final int MAX_FOREGROUND_OBJECTS = 12;
    static final int MAX_BACKGROUND_OBJECTS = 4;

    private static final double MAX_SIZE_VARIATION = 0.2;

    /** Keeps footprints this far from the walls. */
    private static final double WALL_MARGIN = 0.5;

    /** Keeps shelves and objects this far from the ego robot's centre. */
    private static final double EGO_CLEARANCE = 1.5;

    /** Free space between two objects' bounding circles. */
    private static final double OBJECT_GAP = 0.05;

    /** Bearings of foreground objects: the 70 degree field of view and a little beyond. */
    private static final double MAX_BEARING = Math.toRadians(40);

    private TrainingScenes() {}

    /**
     * The seed of scene {@code index} of the set drawn from {@code setSeed}: a SplitMix64 mix, so
     * that sets from different set seeds share no scene in practice, and neighbouring indices give
     * unrelated scenes.
     */
    public static long sceneSeed(long setSeed, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("scene index must be >= 0, got " + index);
        }
        return mix(mix(setSeed) + 0x9E3779B97F4A7C15L * (index + 1L));
    }

    /** Scene {@code index} of the set drawn from {@code setSeed}. */
    public static TrainingScene random(long setSeed, int index) {
        return random(sceneSeed(setSeed, index));
    }

    /** The scene for {@code seed}. */
    public static TrainingScene random(long seed) {
        var random = new SplittableRandom(seed);
        double egoX = random.nextDouble(3, FactoryScene.HALL_LENGTH - 3);
        double egoY = random.nextDouble(3, FactoryScene.HALL_WIDTH - 3);
        double egoYaw = random.nextDouble(-Math.PI, Math.PI);
        var layout = new Layout(random, egoX, egoY);
        layout.shelves(random.nextInt(7));
        List<FloorMarking> markings = markings(random, random.nextInt(5));

        int foreground = 1 + random.nextInt(MAX_FOREGROUND_OBJECTS);
        for (int i = 0; i < foreground; i++) {
            ObjectClass c = ObjectClass.values()[random.nextInt(ObjectClass.values().length)];
            if (i > 0 && random.nextDouble() < 0.3) {
                layout.behindAnother(c, egoYaw);
            } else {
                layout.inView(c, egoYaw);
            }
        }
        int background = random.nextInt(MAX_BACKGROUND_OBJECTS + 1);
        for (int i = 0; i < background; i++) {
            layout.anywhere(ObjectClass.values()[random.nextInt(ObjectClass.values().length)]);
        }
        var scene =
                new FactoryScene(
                        seed,
                        new Trajectory.Parked(egoX, egoY, egoYaw),
                        layout.shelves,
                        markings,
                        layout.objects);
        return new TrainingScene(seed, scene, look(random));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static RenderSettings look(SplittableRandom random) {
        double exposure = random.nextDouble(0.55, 1.35);
        double cast = random.nextDouble(-1, 1);
        double[] light =
                RenderSettings.lightFrom(
                        random.nextDouble(-Math.PI, Math.PI),
                        Math.toRadians(random.nextDouble(25, 85)));
        double ambient = random.nextDouble(0.35, 0.75);
        double noise = random.nextDouble(0, 8);
        double blur = random.nextBoolean() ? random.nextDouble(0.3, 1.8) : 0;
        return new RenderSettings(
                exposure,
                1 + 0.12 * cast,
                1,
                1 - 0.12 * cast,
                light[0],
                light[1],
                light[2],
                ambient,
                noise,
                blur);
    }

    private static List<FloorMarking> markings(SplittableRandom random, int count) {
        List<FloorMarking> markings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double dash = random.nextBoolean() ? 0 : 2;
            double dashLength = dash > 0 ? 1 : 0;
            if (random.nextBoolean()) {
                double y = random.nextDouble(1, FactoryScene.HALL_WIDTH - 1);
                markings.add(new FloorMarking(0.5, y, 39.5, y + 0.12, dash, dashLength));
            } else {
                double x = random.nextDouble(1, FactoryScene.HALL_LENGTH - 1);
                markings.add(new FloorMarking(x, 0.5, x + 0.12, 19.5, dash, dashLength));
            }
        }
        return markings;
    }

    /** Places shelves and objects without overlaps. */
    private static final class Layout {
        private static final int ATTEMPTS = 40;

        private final SplittableRandom random;
        private final double egoX;
        private final double egoY;
        private final List<Shelf> shelves = new ArrayList<>();
        private final List<DynamicObject> objects = new ArrayList<>();

        /** Bounding circles of the placed objects: x, y, radius. */
        private final List<double[]> circles = new ArrayList<>();

        Layout(SplittableRandom random, double egoX, double egoY) {
            this.random = random;
            this.egoX = egoX;
            this.egoY = egoY;
        }

        void shelves(int count) {
            for (int i = 0; i < count; i++) {
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    double length = random.nextDouble(3, 10);
                    double depth = random.nextDouble(1, 2);
                    boolean alongX = random.nextBoolean();
                    double w = alongX ? length : depth;
                    double h = alongX ? depth : length;
                    double x0 = random.nextDouble(1, FactoryScene.HALL_LENGTH - 1 - w);
                    double y0 = random.nextDouble(1, FactoryScene.HALL_WIDTH - 1 - h);
                    var shelf = new Shelf(x0, y0, x0 + w, y0 + h, random.nextDouble(1.6, 3.3));
                    if (rectDistance(shelf, egoX, egoY) < EGO_CLEARANCE + 0.5
                            || overlapsShelf(shelf)) {
                        continue;
                    }
                    shelves.add(shelf);
                    break;
                }
            }
        }

        void inView(ObjectClass c, double egoYaw) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                double d = random.nextDouble(MIN_OBJECT_DISTANCE, MAX_OBJECT_DISTANCE);
                double bearing = egoYaw + random.nextDouble(-MAX_BEARING, MAX_BEARING);
                if (place(
                        c,
                        egoX + d * StrictMath.cos(bearing),
                        egoY + d * StrictMath.sin(bearing))) {
                    return;
                }
            }
        }

        /** Behind an object already placed, as seen from the camera, offset sideways a little. */
        void behindAnother(ObjectClass c, double egoYaw) {
            List<Integer> others = new ArrayList<>();
            for (DynamicObject o : objects) {
                if (o.objectClass() != c) {
                    others.add(o.id());
                }
            }
            if (others.isEmpty()) {
                inView(c, egoYaw);
                return;
            }
            double[] front = circles.get(others.get(random.nextInt(others.size())));
            double dx = front[0] - egoX;
            double dy = front[1] - egoY;
            double d = Math.hypot(dx, dy);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                double farther = d + random.nextDouble(0.8, 4);
                double bearing = StrictMath.atan2(dy, dx) + random.nextDouble(-0.6, 0.6) / farther;
                if (place(
                        c,
                        egoX + farther * StrictMath.cos(bearing),
                        egoY + farther * StrictMath.sin(bearing))) {
                    return;
                }
            }
            inView(c, egoYaw);
        }

        void anywhere(ObjectClass c) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                double x = random.nextDouble(1, FactoryScene.HALL_LENGTH - 1);
                double y = random.nextDouble(1, FactoryScene.HALL_WIDTH - 1);
                if (place(c, x, y)) {
                    return;
                }
            }
        }

        private boolean place(ObjectClass c, double x, double y) {
            double length;
            double width;
            double height;
            switch (c) {
                case ROBOT -> {
                    length = vary(0.8);
                    width = vary(0.6);
                    height = vary(0.5);
                }
                case PERSON -> {
                    length = vary(0.5);
                    width = length;
                    height = vary(1.7);
                }
                case BOX -> {
                    length = vary(0.5);
                    width = vary(0.5);
                    height = vary(0.4);
                }
                default -> throw new IllegalStateException("unknown class " + c);
            }
            double yaw = c == ObjectClass.PERSON ? 0 : random.nextDouble(-Math.PI, Math.PI);
            double radius =
                    c == ObjectClass.PERSON
                            ? length / 2
                            : Math.sqrt(length * length + width * width) / 2;
            if (x - radius < WALL_MARGIN
                    || y - radius < WALL_MARGIN
                    || x + radius > FactoryScene.HALL_LENGTH - WALL_MARGIN
                    || y + radius > FactoryScene.HALL_WIDTH - WALL_MARGIN
                    || Math.hypot(x - egoX, y - egoY) < EGO_CLEARANCE + radius) {
                return false;
            }
            for (Shelf shelf : shelves) {
                if (rectDistance(shelf, x, y) < radius + OBJECT_GAP) {
                    return false;
                }
            }
            for (double[] other : circles) {
                if (Math.hypot(x - other[0], y - other[1]) < radius + other[2] + OBJECT_GAP) {
                    return false;
                }
            }
            circles.add(new double[] {x, y, radius});
            objects.add(
                    new DynamicObject(
                            objects.size(),
                            c,
                            length,
                            width,
                            height,
                            new Trajectory.Parked(x, y, yaw)));
            return true;
        }

        private double vary(double nominal) {
            return nominal * (1 + random.nextDouble(-MAX_SIZE_VARIATION, MAX_SIZE_VARIATION));
        }

        private boolean overlapsShelf(Shelf s) {
            for (Shelf o : shelves) {
                if (s.x0() < o.x1() + 1
                        && o.x0() < s.x1() + 1
                        && s.y0() < o.y1() + 1
                        && o.y0() < s.y1() + 1) {
                    return true;
                }
            }
            return false;
        }

        private static double rectDistance(Shelf s, double x, double y) {
            double dx = Math.max(0, Math.max(s.x0() - x, x - s.x1()));
            double dy = Math.max(0, Math.max(s.y0() - y, y - s.y1()));
            return Math.hypot(dx, dy);
        }
    }
}
