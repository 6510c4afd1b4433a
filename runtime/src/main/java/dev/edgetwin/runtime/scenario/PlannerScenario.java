package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.Pose;
import dev.edgetwin.sim.ScriptedObject;
import dev.edgetwin.sim.ScriptedObject.Waypoint;
import dev.edgetwin.sim.Shelf;
import dev.edgetwin.vision.RobotPose;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The closed-loop scenarios of the planner, in the demo hall ({@code FactoryScene}): the main aisle
 * runs along x between shelf rows at y 5.5-7.5 and 12.5-14.5 (so it is 5 m wide, y 7.5-12.5), with
 * cross aisles at x 13-16 and 26-29. The robot starts in the aisle's right lane (y about 9) facing
 * +x. Each seed draws positions, speeds, sizes and timing ({@link #setup(long)}).
 */
public enum PlannerScenario {
    /**
     * A box hidden in the near shelf row slides out into the lane (in 0.4 s, 1-2.5 s after the
     * start, 4.5-6.5 m ahead of the robot's start, so about 2-6.5 m ahead of the robot) while the
     * robot drives down the aisle; the goal lies beyond it. The reaction time is measured from this
     * box.
     */
    BOX_FALLS("box-falls"),
    /**
     * A person walks across the aisle along the cross aisle at x 13-16, timed to meet the robot.
     */
    PERSON_CROSSES("person-crosses"),
    /** A person walks down the aisle straight at the robot (within 0.5 m of its lane). */
    PERSON_APPROACHES("person-approaches"),
    /**
     * Boxes stand across the whole aisle (gaps narrower than the robot) and a rack closes the aisle
     * behind them, so the goal between them cannot be reached: stop before them and report.
     */
    AISLE_BLOCKED("aisle-blocked"),
    /**
     * Another robot drives slowly (0.3-0.6 m/s) down the lane ahead of the robot and on; the goal
     * lies beyond it, 1.3-1.9 m to the side of its lane: overtake it or follow it, never touch it.
     */
    GOAL_BEHIND_MOVING_ROBOT("goal-behind-moving-robot");

    private final String label;

    PlannerScenario(String label) {
        this.label = label;
    }

    /** The name the CLI and the reports use. */
    public String label() {
        return label;
    }

    /** The scenario called {@code label}. */
    public static PlannerScenario byLabel(String label) {
        for (PlannerScenario s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        List<String> known = new ArrayList<>();
        for (PlannerScenario s : values()) {
            known.add(s.label);
        }
        throw new IllegalArgumentException(
                "unknown scenario '" + label + "', expected one of " + known);
    }

    /** The episode of this scenario for {@code seed}: a pure function of both. */
    public EpisodeSetup setup(long seed) {
        var random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ordinal());
        double startX = random.nextDouble(5.0, 6.0);
        RobotPose start =
                new RobotPose(startX, random.nextDouble(8.8, 9.2), random.nextDouble(-0.1, 0.1));
        List<ScriptedObject> objects = new ArrayList<>();
        return switch (this) {
            case BOX_FALLS -> {
                double boxX = startX + random.nextDouble(4.5, 6.5);
                double fallAt = random.nextDouble(1.0, 2.5);
                double size = random.nextDouble(0.45, 0.6);
                double yaw = random.nextDouble(-0.2, 0.2);
                double height = random.nextDouble(0.35, 0.5);
                // Inside the near rack (y 5.5-7.5) it is hidden; it comes out in 0.4 s.
                Waypoint inShelf = new Waypoint(fallAt, boxX, 6.9);
                Waypoint landed =
                        new Waypoint(
                                fallAt + 0.4,
                                boxX + random.nextDouble(-0.2, 0.2),
                                random.nextDouble(8.4, 9.6));
                objects.add(ScriptedObject.box(size, size, height, yaw, List.of(inShelf, landed)));
                List<ScriptedObject> stays =
                        List.of(ScriptedObject.box(size, size, height, yaw, List.of(inShelf)));
                yield new EpisodeSetup(
                        this,
                        seed,
                        start,
                        new Pose(startX + 9, random.nextDouble(8.8, 9.4), 0),
                        List.of(),
                        objects,
                        0,
                        stays,
                        false,
                        Double.NaN,
                        25);
            }
            case PERSON_CROSSES -> {
                double x = random.nextDouble(13.8, 15.2);
                double speed = random.nextDouble(0.8, 1.4);
                // The person reaches the robot's lane when the robot, at about 0.85 m/s, would be
                // 2.5-6 m before the crossing: it enters the aisle in the camera's view (a person
                // stepping out right beside the robot is outside a forward camera's 70 degrees).
                double meet = (x - startX - random.nextDouble(2.5, 6.0)) / 0.85;
                boolean north = random.nextBoolean();
                double fromY = north ? 16.5 : 3.5;
                double toY = north ? 3.5 : 16.5;
                double lane = 9.0;
                List<Waypoint> path =
                        List.of(
                                new Waypoint(meet - Math.abs(fromY - lane) / speed, x, fromY),
                                new Waypoint(meet + Math.abs(toY - lane) / speed, x, toY));
                objects.add(person(random, path));
                yield new EpisodeSetup(
                        this,
                        seed,
                        start,
                        new Pose(random.nextDouble(17.5, 19.5), random.nextDouble(8.8, 9.4), 0),
                        List.of(),
                        objects,
                        -1,
                        objects,
                        false,
                        Double.NaN,
                        30);
            }
            case PERSON_APPROACHES -> {
                double fromX = startX + random.nextDouble(10, 12);
                double y = 9.0 + random.nextDouble(-0.5, 0.5);
                double speed = random.nextDouble(0.7, 1.2);
                double leaves = random.nextDouble(0, 2);
                double toX = 3.5;
                List<Waypoint> path =
                        List.of(
                                new Waypoint(leaves, fromX, y),
                                new Waypoint(leaves + (fromX - toX) / speed, toX, y));
                objects.add(person(random, path));
                yield new EpisodeSetup(
                        this,
                        seed,
                        start,
                        new Pose(startX + random.nextDouble(7.5, 8.5), 9.0, 0),
                        List.of(),
                        objects,
                        -1,
                        objects,
                        false,
                        Double.NaN,
                        25);
            }
            case AISLE_BLOCKED -> {
                double wallX = startX + random.nextDouble(3.0, 4.0);
                // Seven boxes across y 7.5-12.5: gaps of at most 0.35 m, the robot is 0.6 m wide.
                for (int i = 0; i < 7; i++) {
                    double size = random.nextDouble(0.5, 0.6);
                    double y = 7.85 + i * 0.7 + random.nextDouble(-0.05, 0.05);
                    objects.add(
                            ScriptedObject.box(
                                    size,
                                    size,
                                    random.nextDouble(0.35, 0.5),
                                    random.nextDouble(-0.15, 0.15),
                                    List.of(
                                            new Waypoint(
                                                    0, wallX + random.nextDouble(-0.1, 0.1), y))));
                }
                // A rack closes the aisle before the cross aisle: the goal is in a dead end.
                Shelf rack = new Shelf(12.6, 7.5, 13.0, 12.5, random.nextDouble(1.6, 2.4));
                yield new EpisodeSetup(
                        this,
                        seed,
                        start,
                        new Pose(random.nextDouble(11.3, 12.0), random.nextDouble(8.8, 9.4), 0),
                        List.of(rack),
                        objects,
                        -1,
                        objects,
                        true,
                        wallX,
                        15);
            }
            case GOAL_BEHIND_MOVING_ROBOT -> {
                double fromX = startX + random.nextDouble(2.5, 3.5);
                double y = 9.0 + random.nextDouble(-0.2, 0.2);
                double speed = random.nextDouble(0.3, 0.6);
                double toX = 36.0;
                double length = random.nextDouble(0.7, 0.9);
                objects.add(
                        ScriptedObject.robot(
                                length,
                                length * 0.75,
                                random.nextDouble(0.45, 0.55),
                                0,
                                List.of(
                                        new Waypoint(0, fromX, y),
                                        new Waypoint((toX - fromX) / speed, toX, y))));
                // Beyond it, beside its lane: overtake it or follow it, never touch it.
                yield new EpisodeSetup(
                        this,
                        seed,
                        start,
                        new Pose(
                                startX + random.nextDouble(8.0, 9.5),
                                random.nextDouble(10.3, 10.9),
                                0),
                        List.of(),
                        objects,
                        -1,
                        objects,
                        false,
                        Double.NaN,
                        30);
            }
        };
    }

    private static ScriptedObject person(SplittableRandom random, List<Waypoint> path) {
        return ScriptedObject.person(
                random.nextDouble(0.45, 0.55), random.nextDouble(1.6, 1.85), path);
    }
}
