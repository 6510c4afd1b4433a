package dev.edgetwin.sim;

import dev.edgetwin.vision.RobotPose;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A simulated factory floor: walls, shelf rows, painted aisle markings, and people, robots and
 * boxes whose positions are pure functions of scene time. One "ego" robot carries the camera.
 *
 * <p>Factory frame: metres, x along the hall ({@code 0..40}), y across it ({@code 0..20}), z up
 * from the floor. Immutable and thread-safe; everything follows from the seed.
 */
public final class FactoryScene {
    static final double HALL_LENGTH = 40;
    static final double HALL_WIDTH = 20;
    static final double WALL_HEIGHT = 6;

    /** The ego robot's own footprint, used to keep other objects from driving through it. */
    static final double EGO_LENGTH = 0.8;

    static final double EGO_WIDTH = 0.6;

    /** The demo ego drives the main aisle's right lane, x from 6 to 26 m and back, every 120 s. */
    static final double DEMO_PERIOD_SECONDS = 120;

    private static final double MAX_SIZE_VARIATION = 0.2;

    private final long seed;
    private final Trajectory egoTrajectory;
    private final List<Shelf> shelves;
    private final List<FloorMarking> markings;
    private final List<DynamicObject> objects;

    FactoryScene(
            long seed,
            Trajectory egoTrajectory,
            List<Shelf> shelves,
            List<FloorMarking> markings,
            List<DynamicObject> objects) {
        this.seed = seed;
        this.egoTrajectory = Objects.requireNonNull(egoTrajectory, "egoTrajectory");
        this.shelves = List.copyOf(shelves);
        this.markings = List.copyOf(markings);
        this.objects = List.copyOf(objects);
        for (int i = 0; i < this.objects.size(); i++) {
            if (this.objects.get(i).id() != i) {
                throw new IllegalArgumentException(
                        "object ids must be 0..n-1 in order, got id "
                                + this.objects.get(i).id()
                                + " at index "
                                + i);
            }
        }
    }

    /**
     * The scene the daemon runs by default. The ego robot shuttles along the main aisle (y = 9 m)
     * between x = 6 and 26 m every 120 s, always facing +x (it backs up the return leg, like an
     * aisle AGV), so its camera always looks down the aisle. A second robot drives ahead of it in
     * the same lane, a person walks the aisle's far side, and boxes stand along the near shelves
     * every 4.5 m; all of these keep 3-10 m ahead of the camera, so each class is always in view.
     * Other people and robots walk and drive the side aisles and the aisle at the far end, and one
     * person crosses the main aisle, so they appear and disappear behind shelves.
     *
     * <p>The seed varies object sizes (up to +-20% per dimension), box placement, shelf heights and
     * the phases of the background traffic, never the layout that keeps objects apart.
     */
    public static FactoryScene demo(long seed) {
        var random = new SplittableRandom(seed);
        List<Shelf> shelves = demoShelves(random);
        List<FloorMarking> markings = demoMarkings();

        var builder = new ObjectListBuilder(random);
        Trajectory ego = new Trajectory.Shuttle(6, 9, 26, 9, DEMO_PERIOD_SECONDS, 0, false);

        // In lock-step with the ego (same period and phase): always 3-10 m ahead of the camera.
        builder.robot(new Trajectory.Shuttle(14.25, 9, 29.25, 9, DEMO_PERIOD_SECONDS, 0, true));
        builder.person(new Trajectory.Shuttle(16, 11, 31, 11, DEMO_PERIOD_SECONDS, 0, true));
        for (double x : new double[] {9, 13.5, 18, 22.5, 27, 31.5, 36}) {
            builder.box(x + random.nextDouble(-0.5, 0.5), 7.95 + random.nextDouble(-0.05, 0.05));
        }

        // Background traffic, each in a lane of its own.
        builder.person(new Trajectory.Shuttle(34, 7.9, 34, 12.1, 14, builder.phase(), true));
        builder.person(new Trajectory.Shuttle(3, 16.2, 35, 16.2, 100, builder.phase(), true));
        builder.person(new Trajectory.Shuttle(35, 4.9, 3, 4.9, 90, builder.phase(), true));
        builder.person(new Trajectory.Shuttle(37.6, 1, 37.6, 19, 40, builder.phase(), true));
        builder.robot(new Trajectory.Shuttle(38.8, 1.5, 38.8, 18.5, 60, builder.phase(), true));
        builder.robot(new Trajectory.Shuttle(2, 3.9, 36, 3.9, 80, builder.phase(), true));
        builder.robot(new Trajectory.Shuttle(36, 15.1, 2, 15.1, 90, builder.phase(), true));
        for (double x : new double[] {11, 20, 25}) {
            builder.box(x + random.nextDouble(-0.5, 0.5), 12.1);
        }
        for (double x : new double[] {5, 12, 21, 33}) {
            builder.box(x + random.nextDouble(-0.5, 0.5), 2.9);
        }
        for (double x : new double[] {7, 19, 30}) {
            builder.box(x + random.nextDouble(-0.5, 0.5), 17.1);
        }
        return new FactoryScene(seed, ego, shelves, markings, builder.objects);
    }

    /**
     * A scene for scripted episodes (the planner's closed-loop scenarios): the demo's hall, shelf
     * rows and floor markings, the shelves' heights drawn from {@code seed} as in {@link #demo},
     * plus {@code extraShelves}, and only {@code objects} (ids in list order). The ego robot stands
     * at {@code ego}: whoever drives it renders with {@link SimulatedCamera#render(double,
     * dev.edgetwin.vision.RobotPose, long)}.
     */
    public static FactoryScene scripted(
            long seed, RobotPose ego, List<Shelf> extraShelves, List<ScriptedObject> objects) {
        Objects.requireNonNull(ego, "ego");
        List<Shelf> shelves = demoShelves(new SplittableRandom(seed));
        shelves.addAll(extraShelves);
        List<DynamicObject> dynamic = new ArrayList<>(objects.size());
        for (ScriptedObject o : objects) {
            dynamic.add(
                    new DynamicObject(
                            dynamic.size(),
                            o.objectClass(),
                            o.length(),
                            o.width(),
                            o.height(),
                            o.trajectory()));
        }
        return new FactoryScene(
                seed,
                new Trajectory.Parked(ego.x(), ego.y(), ego.yaw()),
                shelves,
                demoMarkings(),
                dynamic);
    }

    /** The hall's size along x, metres (the hall is {@code [0, hallLength] x [0, hallWidth]}). */
    public static double hallLength() {
        return HALL_LENGTH;
    }

    /** The hall's size along y, metres. */
    public static double hallWidth() {
        return HALL_WIDTH;
    }

    private static List<Shelf> demoShelves(SplittableRandom random) {
        List<Shelf> shelves = new ArrayList<>();
        double[][] rows = {{1.5, 2.5, 3.0}, {5.5, 7.5, 2.5}, {12.5, 14.5, 2.5}, {17.5, 18.5, 3.0}};
        double[][] segments = {{3, 13}, {16, 26}, {29, 37}};
        for (double[] row : rows) {
            for (double[] segment : segments) {
                double height = row[2] + random.nextDouble(-0.3, 0.3);
                shelves.add(new Shelf(segment[0], row[0], segment[1], row[1], height));
            }
        }
        return shelves;
    }

    private static List<FloorMarking> demoMarkings() {
        List<FloorMarking> markings = new ArrayList<>();
        // Lane lines: the main aisle's keep boxes and people off the ego lane; the side aisles'
        // run along the shelf faces.
        for (double y : new double[] {8.4, 11.5, 2.6, 5.28, 14.6, 17.28}) {
            markings.add(FloorMarking.solid(0.5, y, 39.5, y + 0.12));
        }
        markings.add(new FloorMarking(0.5, 9.94, 39.5, 10.06, 2.0, 1.0));
        for (double x : new double[] {13.1, 15.78, 26.1, 28.78}) {
            // Edges of the cross aisles, between the shelf rows.
            markings.add(FloorMarking.solid(x, 2.7, x + 0.12, 5.3));
            markings.add(FloorMarking.solid(x, 14.7, x + 0.12, 17.3));
        }

        return markings;
    }

    /**
     * Writes the hall as a ROS map_server map: {@code <name>.pgm} (P5, 0 occupied, 254 free; the
     * first line is the top of the map) and {@code <name>.yaml} (origin at the hall's corner, yaw
     * 0, trinary, not negated) into {@code dir}. A cell is occupied when its square overlaps a
     * shelf block or lies on the hall's border (the walls); objects are not in it.
     *
     * @return the YAML file
     * @throws IOException if the files cannot be written
     */
    public Path writeOccupancyMap(Path dir, String name, double resolution) throws IOException {
        if (!(resolution >= 0.01 && resolution <= 1)) {
            throw new IllegalArgumentException(
                    "resolution must be in [0.01, 1] m per cell, got " + resolution);
        }
        int width = (int) Math.round(HALL_LENGTH / resolution);
        int height = (int) Math.round(HALL_WIDTH / resolution);
        String header = "P5\n" + width + " " + height + "\n255\n";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        byte[] pgm = new byte[head.length + width * height];
        System.arraycopy(head, 0, pgm, 0, head.length);
        for (int line = 0; line < height; line++) {
            int row = height - 1 - line;
            double y0 = row * resolution;
            for (int col = 0; col < width; col++) {
                double x0 = col * resolution;
                boolean wall = row == 0 || col == 0 || row == height - 1 || col == width - 1;
                boolean occupied = wall;
                for (int i = 0; !occupied && i < shelves.size(); i++) {
                    Shelf s = shelves.get(i);
                    occupied =
                            x0 < s.x1()
                                    && x0 + resolution > s.x0()
                                    && y0 < s.y1()
                                    && y0 + resolution > s.y0();
                }
                pgm[head.length + line * width + col] = (byte) (occupied ? 0 : 254);
            }
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".pgm"), pgm);
        Path yaml = dir.resolve(name + ".yaml");
        Files.writeString(
                yaml,
                "image: "
                        + name
                        + ".pgm\nresolution: "
                        + resolution
                        + "\norigin: [0.0, 0.0, 0.0]\nnegate: 0\noccupied_thresh: 0.65\n"
                        + "free_thresh: 0.196\n",
                StandardCharsets.US_ASCII);
        return yaml;
    }

    /** The seed this scene was built from. */
    public long seed() {
        return seed;
    }

    /** How many objects {@link #objectsAt} returns; their ids are {@code 0..objectCount()-1}. */
    public int objectCount() {
        return objects.size();
    }

    /** Where the robot carrying the camera is at scene time {@code t} seconds. */
    public RobotPose egoPoseAt(double t) {
        requireFiniteTime(t);
        double[] m = new double[5];
        egoTrajectory.sample(t, m);
        return new RobotPose(m[0], m[1], m[2]);
    }

    /** Every object at scene time {@code t} seconds, by ascending id (visible or not). */
    public List<SimObject> objectsAt(double t) {
        requireFiniteTime(t);
        List<SimObject> out = new ArrayList<>(objects.size());
        for (DynamicObject object : objects) {
            out.add(object.at(t));
        }
        return List.copyOf(out);
    }

    /** The shelf blocks, static obstacles from the floor up. */
    public List<Shelf> shelves() {
        return shelves;
    }

    List<FloorMarking> markings() {
        return markings;
    }

    private static void requireFiniteTime(double t) {
        if (!Double.isFinite(t)) {
            throw new IllegalArgumentException("scene time must be finite, got " + t);
        }
    }

    @Override
    public String toString() {
        return "FactoryScene[seed="
                + seed
                + ", "
                + shelves.size()
                + " shelves, "
                + objects.size()
                + " objects]";
    }

    /** Hands out ids in order and draws per-object sizes from the scene's random stream. */
    private static final class ObjectListBuilder {
        private final SplittableRandom random;
        private final List<DynamicObject> objects = new ArrayList<>();

        ObjectListBuilder(SplittableRandom random) {
            this.random = random;
        }

        double phase() {
            return random.nextDouble(0, 2 * Math.PI);
        }

        void robot(Trajectory trajectory) {
            add(ObjectClass.ROBOT, vary(0.8), vary(0.6), vary(0.5), trajectory);
        }

        void person(Trajectory trajectory) {
            double diameter = vary(0.5);
            add(ObjectClass.PERSON, diameter, diameter, vary(1.7), trajectory);
        }

        void box(double x, double y) {
            double yaw = Math.toRadians(random.nextDouble(-10, 10));
            add(ObjectClass.BOX, vary(0.5), vary(0.5), vary(0.4), new Trajectory.Parked(x, y, yaw));
        }

        private double vary(double nominal) {
            return nominal * (1 + random.nextDouble(-MAX_SIZE_VARIATION, MAX_SIZE_VARIATION));
        }

        private void add(
                ObjectClass objectClass,
                double length,
                double width,
                double height,
                Trajectory trajectory) {
            objects.add(
                    new DynamicObject(
                            objects.size(), objectClass, length, width, height, trajectory));
        }
    }
}
