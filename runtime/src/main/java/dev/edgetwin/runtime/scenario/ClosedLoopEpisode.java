package dev.edgetwin.runtime.scenario;

import dev.edgetwin.bridge.BridgeConfig;
import dev.edgetwin.bridge.BridgeLink;
import dev.edgetwin.bridge.InMemoryTransport;
import dev.edgetwin.bridge.ManualClock;
import dev.edgetwin.bridge.Message;
import dev.edgetwin.planner.CycleResult;
import dev.edgetwin.planner.ObservedSpace;
import dev.edgetwin.planner.Planner;
import dev.edgetwin.planner.Pose;
import dev.edgetwin.planner.RobotConfig;
import dev.edgetwin.planner.RobotState;
import dev.edgetwin.planner.StaticMap;
import dev.edgetwin.planner.Track;
import dev.edgetwin.planner.VelocityCommand;
import dev.edgetwin.planner.WorldSnapshot;
import dev.edgetwin.runtime.vision.FloorTracking;
import dev.edgetwin.runtime.vision.SequenceEvaluation;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.ScriptedObject;
import dev.edgetwin.sim.Shelf;
import dev.edgetwin.sim.SimObject;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.sim.firmware.FirmwareConfig;
import dev.edgetwin.sim.firmware.SimulatedFirmware;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.CameraMount;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.FloorLocator;
import dev.edgetwin.vision.FloorObservation;
import dev.edgetwin.vision.RobotPose;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One closed-loop episode: the simulated hall ({@link FactoryScene#scripted}) filmed by the robot's
 * camera from where its simulated base really is -> perception (a {@link
 * SequenceEvaluation.FrameObserver}: the detector through ONNX Runtime, floor placement) -> the
 * daemon's {@link FloorTracking} -> confirmed and lost tracks as the planner's dynamic obstacles ->
 * {@link Planner#cycle} -> the command over a {@link BridgeLink} -> the {@link SimulatedFirmware}
 * (its diff-drive base, acceleration limits, watchdog), which moves the camera.
 *
 * <p>Everything runs on one simulated clock ({@link ManualClock}, 10 ms ticks), so an episode is a
 * pure function of its setup and settings, however long the computation takes: no frame is ever
 * dropped, and the figures are about the planner's decisions, not this machine's speed. The planner
 * is told the robot's state from the firmware's odometry; collisions and gaps are checked against
 * the simulator's ground truth every tick.
 */
final class ClosedLoopEpisode {
    static final String CAMERA_ID = SequenceEvaluation.CAMERA_ID;

    /** Commands that differ by at least this much are a changed command (m/s and rad/s). */
    static final double CHANGED_VX = 0.05;

    static final double CHANGED_WZ = 0.1;

    /** How long the robot must stand still with a blocked route to have stopped and reported. */
    static final int STOPPED_MILLIS = 1000;

    private ClosedLoopEpisode() {}

    /**
     * Runs the episode and, when the scenario has a falling box, the same episode without the fall
     * up to 3 s after the box first shows, for the reaction time.
     *
     * @param trace filled with what happened, or null
     */
    static EpisodeResult run(
            EpisodeSetup setup,
            StaticMap map,
            SequenceEvaluation.FrameObserver observer,
            LoopSettings settings,
            EpisodeTrace trace)
            throws DetectorException {
        Run real =
                simulate(
                        setup,
                        setup.objects(),
                        map,
                        observer,
                        settings,
                        trace,
                        setup.timeLimitSeconds());
        double reaction = Double.NaN;
        int reactionCycle = -1;
        if (setup.boxId() >= 0 && real.boxFirstSeenMillis >= 0) {
            double until = Math.min(setup.timeLimitSeconds(), real.boxFirstSeenMillis / 1000.0 + 3);
            Run without =
                    simulate(setup, setup.withoutFall(), map, observer, settings, null, until);
            int n = Math.min(real.commands.size(), without.commands.size());
            for (int i = 0; i < n; i++) {
                int at = real.cycleMillis.get(i);
                if (at < real.boxFirstSeenMillis) {
                    continue;
                }
                VelocityCommand a = real.commands.get(i);
                VelocityCommand b = without.commands.get(i);
                if (Math.abs(a.vx() - b.vx()) >= CHANGED_VX
                        || Math.abs(a.wz() - b.wz()) >= CHANGED_WZ) {
                    reaction = (at - real.boxFirstSeenMillis) / 1000.0;
                    reactionCycle = i;
                    break;
                }
            }
        }
        if (trace != null) {
            trace.keyCycle = reactionCycle >= 0 ? reactionCycle : real.closestCycle;
        }
        return new EpisodeResult(
                setup.scenario(),
                setup.seed(),
                real.success,
                real.collided,
                real.outcome,
                real.minPersonGap,
                real.minObjectGap,
                reaction,
                real.endMillis / 1000.0,
                real.frames,
                real.commands.size(),
                real.safetyStops);
    }

    /** What one simulated run recorded. */
    private static final class Run {
        final List<VelocityCommand> commands = new ArrayList<>();
        final List<Integer> cycleMillis = new ArrayList<>();
        int boxFirstSeenMillis = -1;
        int frames;
        int safetyStops;
        boolean success;
        boolean collided;
        String outcome = "";
        double minPersonGap = Double.POSITIVE_INFINITY;
        double minObjectGap = Double.POSITIVE_INFINITY;
        int closestCycle = -1;
        int endMillis;
    }

    private static Run simulate(
            EpisodeSetup setup,
            List<ScriptedObject> objects,
            StaticMap map,
            SequenceEvaluation.FrameObserver observer,
            LoopSettings settings,
            EpisodeTrace trace,
            double limitSeconds)
            throws DetectorException {
        FactoryScene scene =
                FactoryScene.scripted(setup.seed(), setup.start(), setup.extraShelves(), objects);
        SimulatedCamera camera =
                new SimulatedCamera(
                        scene,
                        SimulatedCamera.defaultCameraModel(),
                        CAMERA_ID,
                        settings.cameraNoiseSigma());
        FloorLocator locator =
                new FloorLocator(camera.cameraModel(), ObjectClass.footprintRadiiByLabel());
        FloorTracking tracking = FloorTracking.withDefaults();
        PlannerObstacles obstacles = new PlannerObstacles(camera.cameraModel());
        ObservedFloor observedFloor =
                new ObservedFloor(
                        camera.cameraModel(),
                        FactoryScene.hallLength(),
                        FactoryScene.hallWidth(),
                        setup.start());
        int imageHeight = camera.cameraModel().intrinsics().height();
        RobotConfig robot = settings.robot();
        RobotPose start = setup.start();
        Pose goal = setup.goal();

        ManualClock clock = new ManualClock();
        InMemoryTransport.Pair pair = InMemoryTransport.pair();
        clock.afterEachInstant(pair::pump);
        SimulatedFirmware firmware = new SimulatedFirmware(FirmwareConfig.defaults(), clock);
        firmware.attach(pair.device());
        BridgeLink link = BridgeLink.open(pair.host(), BridgeConfig.defaults(), clock, e -> {});
        Run run = new Run();
        try (Planner planner = new Planner(map, robot, settings.planner(), clock::nanoTime, null)) {
            clock.advanceMillis(20);
            if (link.state() != BridgeLink.State.READY) {
                throw new IllegalStateException(
                        "the simulated firmware did not answer the hello: " + link.state());
            }
            int tick = LoopSettings.TICK_MILLIS;
            int limitMillis = (int) Math.round(limitSeconds * 1000);
            int controlOffset = settings.perceptionLatencyMillis() % settings.controlPeriodMillis();
            WorldSnapshot snapshot =
                    new WorldSnapshot(clock.nanoTime(), List.of(), observedFloor.snapshot());
            List<Track> pending = null;
            ObservedSpace pendingObserved = null;
            long pendingNanos = 0;
            int pendingAt = -1;
            int blockedSince = -1;
            String lastReason = "";
            double closest = Double.POSITIVE_INFINITY;
            int ms = 0;
            for (; ms < limitMillis; ms += tick) {
                double t = ms / 1000.0;
                RobotPose truth = truePose(firmware, start);
                if (ms % settings.cameraPeriodMillis() == 0) {
                    RenderedFrame frame = camera.render(t, truth, clock.nanoTime());
                    run.frames++;
                    if (setup.boxId() >= 0
                            && run.boxFirstSeenMillis < 0
                            && shows(frame, setup.boxId())) {
                        run.boxFirstSeenMillis = ms;
                    }
                    SequenceEvaluation.Observation seen = observer.observe(frame, locator);
                    List<FloorObservation> placed = new ArrayList<>(seen.placed().size());
                    List<Detection> unplaced = new ArrayList<>(seen.detections());
                    for (FloorObservation o : seen.placed()) {
                        Optional<FloorObservation> at =
                                footPlacement(o, camera.cameraModel(), truth, imageHeight);
                        if (at.isPresent()) {
                            placed.add(at.get());
                            unplaced.remove(o.detection());
                        }
                    }
                    List<dev.edgetwin.vision.track.Track> tracks =
                            tracking.update(
                                    clock.nanoTime(),
                                    new FloorTracking.CameraObservations(
                                            CAMERA_ID, camera.cameraModel(), truth, placed));
                    pending = obstacles.update(tracks, truth, clock.nanoTime());
                    observedFloor.frame(truth, unplaced);
                    pendingObserved = observedFloor.snapshot();
                    pendingNanos = clock.nanoTime();
                    pendingAt = ms + settings.perceptionLatencyMillis();
                }
                if (pending != null && ms == pendingAt) {
                    snapshot = new WorldSnapshot(pendingNanos, pending, pendingObserved);
                    pending = null;
                }
                if (ms % settings.controlPeriodMillis() == controlOffset) {
                    RobotState state = odometryState(link.lastOdometry(), start);
                    CycleResult r = planner.cycle(snapshot, state, goal);
                    run.commands.add(r.command());
                    run.cycleMillis.add(ms);
                    if (r.safety().stopped()) {
                        run.safetyStops++;
                    }
                    lastReason = r.reason();
                    link.command(r.command().vx(), 0, r.command().wz());
                    boolean standing =
                            Math.abs(firmware.linearVelocity()) < 0.01
                                    && Math.abs(firmware.angularVelocity()) < 0.02;
                    if (r.reason().startsWith(Planner.BLOCKED_REASON) && standing) {
                        blockedSince = blockedSince < 0 ? ms : blockedSince;
                    } else {
                        blockedSince = -1;
                    }
                    if (trace != null) {
                        trace.cycles.add(
                                new EpisodeTrace.CycleSample(
                                        t,
                                        truth.x(),
                                        truth.y(),
                                        truth.yaw(),
                                        r.route().orElse(null),
                                        r.plan().map(p -> p.chosen()).orElse(null),
                                        r.command().isStop()));
                        trace.objects.add(samples(scene.objectsAt(t)));
                        double[] flat = new double[snapshot.tracks().size() * 4];
                        for (int i = 0; i < snapshot.tracks().size(); i++) {
                            Track tr = snapshot.tracks().get(i);
                            flat[4 * i] = tr.x();
                            flat[4 * i + 1] = tr.y();
                            flat[4 * i + 2] = tr.radius();
                            flat[4 * i + 3] = tr.kind().isPerson() ? 1 : 0;
                        }
                        trace.tracksPerCycle.add(flat);
                    }
                }
                clock.advanceMillis(tick);
                int now = ms + tick;
                RobotPose p = truePose(firmware, start);
                double[] gaps = gaps(robot, p, scene, scene.objectsAt(now / 1000.0));
                run.minPersonGap = Math.min(run.minPersonGap, gaps[1]);
                run.minObjectGap = Math.min(run.minObjectGap, gaps[2]);
                double nearest = Math.min(gaps[1], gaps[2]);
                if (nearest < closest && !run.commands.isEmpty()) {
                    closest = nearest;
                    run.closestCycle = run.commands.size() - 1;
                }
                double least = Math.min(gaps[0], nearest);
                if (least <= 0) {
                    run.collided = true;
                    run.outcome =
                            String.format(
                                    "collision with %s at %.1f s",
                                    gaps[0] <= 0
                                            ? "a shelf or wall"
                                            : gaps[1] <= 0 ? "a person" : "an object",
                                    now / 1000.0);
                    ms = now;
                    break;
                }
                if (!setup.expectStop()
                        && Math.hypot(p.x() - goal.x(), p.y() - goal.y())
                                < settings.goalTolerance()) {
                    run.success = true;
                    run.outcome = String.format("goal reached at %.1f s", now / 1000.0);
                    ms = now;
                    break;
                }
                if (setup.expectStop()
                        && blockedSince >= 0
                        && now - blockedSince >= STOPPED_MILLIS) {
                    run.success = p.x() < setup.stopBeforeX();
                    run.outcome =
                            String.format(
                                    "stopped %.2f m before the blockage and reported it at %.1f s",
                                    setup.stopBeforeX() - p.x(), now / 1000.0);
                    ms = now;
                    break;
                }
            }
            run.endMillis = ms;
            if (run.outcome.isEmpty()) {
                RobotPose p = truePose(firmware, start);
                run.outcome =
                        setup.expectStop()
                                ? "time limit without a reported stop; last: " + lastReason
                                : String.format(
                                        "time limit, %.2f m from the goal; last: %s",
                                        Math.hypot(p.x() - goal.x(), p.y() - goal.y()), lastReason);
            }
        } finally {
            link.close();
            firmware.close();
        }
        return run;
    }

    /**
     * Nominal heights of the classes (the simulator's objects vary +-20% around them), metres: for
     * placing an object whose foot the camera cannot see by the top of its box.
     */
    static final Map<String, Double> NOMINAL_HEIGHTS =
            Map.of("robot", 0.5, "person", 1.7, "box", 0.4);

    /**
     * {@code o} as placed by its foot; nothing when its box is cut by a side of the image (its
     * centre is not the object's). Cut by the image's bottom edge instead, its foot is below the
     * image, nearer than the edge, and placed at the edge it would be too far, seeming to recede as
     * the robot closes in. Such an object is placed by the top edge of its box instead, on its
     * class's nominal height (a 20% height error moves it about 0.25 m at 1.5 m). Empty when the
     * top is cut too, or the class has no nominal height.
     */
    static Optional<FloorObservation> footPlacement(
            FloorObservation o, CameraModel camera, RobotPose pose, int imageHeight) {
        Detection d = o.detection();
        if (d.x1() <= 0 || d.x2() >= camera.intrinsics().width() - 1) {
            // Cut at a side: the box's centre is not the object's, and the cut edge sliding over
            // it makes it seem to move (a person's velocity goes wrong; a box passed close by
            // leaves remembered copies where it never was). The track coasts on what it knew.
            return Optional.empty();
        }
        if (d.y2() < imageHeight - 1) {
            return Optional.of(o);
        }
        Double height = NOMINAL_HEIGHTS.get(d.label());
        if (height == null) {
            return Optional.empty();
        }
        if (d.y1() <= 0) {
            return byWidth(o, camera, pose);
        }
        double[] dir = new double[3];
        camera.pixelRay(d.centerX(), d.y1(), dir);
        CameraMount mount = camera.mount();
        double t = (height - mount.z()) / dir[2];
        if (!(t > 0) || !Double.isFinite(t)) {
            return Optional.empty();
        }
        double tx = mount.x() + t * dir[0];
        double ty = mount.y() + t * dir[1];
        double dx = tx - mount.x();
        double dy = ty - mount.y();
        double range = Math.hypot(dx, dy);
        // Lower than the camera, the box's top edge is the top's far edge: the centre is nearer.
        // Taller, it is the near rim: the centre is further.
        double radius = ObjectClass.footprintRadiiByLabel().getOrDefault(d.label(), 0.0);
        double toCentre = height < mount.z() ? -radius : radius;
        double rx = tx + (range > 1e-9 ? toCentre * dx / range : 0);
        double ry = ty + (range > 1e-9 ? toCentre * dy / range : 0);
        return Optional.of(
                new FloorObservation(
                        d, rx, ry, pose.factoryX(rx, ry), pose.factoryY(rx, ry), range + toCentre));
    }

    /**
     * Nominal widths of the classes across the line of sight, metres (a robot seen end-on): for
     * placing an object cut at the top and the bottom (a person right in front) by how wide it
     * looks.
     */
    static final Map<String, Double> NOMINAL_WIDTHS =
            Map.of("robot", 0.6, "person", 0.5, "box", 0.5);

    /**
     * An object cut at the top and the bottom of the image (not at a side) placed by its apparent
     * width on its class's nominal width (range = fx x width / pixels), along the ray through its
     * box's centre.
     */
    private static Optional<FloorObservation> byWidth(
            FloorObservation o, CameraModel camera, RobotPose pose) {
        Detection d = o.detection();
        double pixels = d.x2() - d.x1();
        double width = NOMINAL_WIDTHS.getOrDefault(d.label(), 0.0);
        if (pixels < 1 || width <= 0) {
            return Optional.empty();
        }
        double range = camera.intrinsics().fx() * width / pixels;
        double[] dir = new double[3];
        camera.pixelRay(d.centerX(), (d.y1() + d.y2()) / 2, dir);
        double flat = Math.hypot(dir[0], dir[1]);
        if (flat < 1e-9) {
            return Optional.of(o);
        }
        double radius = ObjectClass.footprintRadiiByLabel().getOrDefault(d.label(), 0.0);
        double along = range + radius;
        CameraMount mount = camera.mount();
        double rx = mount.x() + along * dir[0] / flat;
        double ry = mount.y() + along * dir[1] / flat;
        return Optional.of(
                new FloorObservation(
                        d, rx, ry, pose.factoryX(rx, ry), pose.factoryY(rx, ry), along));
    }

    private static boolean shows(RenderedFrame frame, int objectId) {
        for (GroundTruth g : frame.groundTruth()) {
            if (g.objectId() == objectId) {
                return true;
            }
        }
        return false;
    }

    /** The firmware's true pose (its odometry frame starts at {@code start}) on the floor. */
    static RobotPose truePose(SimulatedFirmware firmware, RobotPose start) {
        double[] p = firmware.pose();
        return compose(start, p[0], p[1], p[2]);
    }

    private static RobotPose compose(RobotPose start, double x, double y, double yaw) {
        double c = Math.cos(start.yaw());
        double s = Math.sin(start.yaw());
        return new RobotPose(
                start.x() + c * x - s * y, start.y() + s * x + c * y, start.yaw() + yaw);
    }

    /** What the planner knows of the robot: its odometry, on the floor. */
    private static RobotState odometryState(Message.Odometry odometry, RobotPose start) {
        if (odometry == null) {
            return RobotState.at(start.x(), start.y(), start.yaw());
        }
        RobotPose p = compose(start, odometry.x(), odometry.y(), odometry.yaw());
        return new RobotState(
                new Pose(p.x(), p.y(), p.yaw()),
                new VelocityCommand(odometry.vx(), 0, odometry.wz()));
    }

    private static List<EpisodeTrace.ObjectSample> samples(List<SimObject> objects) {
        List<EpisodeTrace.ObjectSample> out = new ArrayList<>(objects.size());
        for (SimObject o : objects) {
            double r =
                    o.objectClass() == ObjectClass.PERSON
                            ? o.length() / 2
                            : Math.hypot(o.length(), o.width()) / 2;
            out.add(new EpisodeTrace.ObjectSample(o.id(), o.objectClass(), o.x(), o.y(), r));
        }
        return out;
    }

    /**
     * The smallest gaps between the robot's footprint circles at {@code pose} and, in order: the
     * shelves and walls, people, other objects (boxes and robots as turned rectangles).
     */
    static double[] gaps(
            RobotConfig robot, RobotPose pose, FactoryScene scene, List<SimObject> objects) {
        double c = Math.cos(pose.yaw());
        double s = Math.sin(pose.yaw());
        double fixed = Double.POSITIVE_INFINITY;
        double people = Double.POSITIVE_INFINITY;
        double things = Double.POSITIVE_INFINITY;
        for (RobotConfig.Circle circle : robot.footprint()) {
            double cx = pose.x() + c * circle.x() - s * circle.y();
            double cy = pose.y() + s * circle.x() + c * circle.y();
            double r = circle.radius();
            double walls =
                    Math.min(
                            Math.min(cx, FactoryScene.hallLength() - cx),
                            Math.min(cy, FactoryScene.hallWidth() - cy));
            fixed = Math.min(fixed, walls - r);
            for (Shelf shelf : scene.shelves()) {
                double dx = Math.max(Math.max(shelf.x0() - cx, cx - shelf.x1()), 0);
                double dy = Math.max(Math.max(shelf.y0() - cy, cy - shelf.y1()), 0);
                fixed = Math.min(fixed, Math.hypot(dx, dy) - r);
            }
            for (SimObject o : objects) {
                if (o.objectClass() == ObjectClass.PERSON) {
                    people =
                            Math.min(
                                    people,
                                    Math.hypot(cx - o.x(), cy - o.y()) - o.length() / 2 - r);
                } else {
                    double oc = Math.cos(o.yaw());
                    double os = Math.sin(o.yaw());
                    double lx = oc * (cx - o.x()) + os * (cy - o.y());
                    double ly = -os * (cx - o.x()) + oc * (cy - o.y());
                    double dx = Math.max(Math.abs(lx) - o.length() / 2, 0);
                    double dy = Math.max(Math.abs(ly) - o.width() / 2, 0);
                    things = Math.min(things, Math.hypot(dx, dy) - r);
                }
            }
        }
        return new double[] {fixed, people, things};
    }
}
