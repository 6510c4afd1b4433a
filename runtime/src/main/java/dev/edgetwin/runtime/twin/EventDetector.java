package dev.edgetwin.runtime.twin;

import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.track.Track;
import dev.edgetwin.vision.track.TrackState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Derives the twin's events from the tracker's successive track lists (docs/twin-protocol.md,
 * "Events"). Pure: no clock, no I/O; time is the update's timestamp (capture time).
 *
 * <ul>
 *   <li>{@code appeared}: a track is reported CONFIRMED or LOST for the first time (once per id).
 *   <li>{@code left}: a track that appeared is REMOVED (or no longer reported at all).
 *   <li>{@code entered-path}: a CONFIRMED track's position, in the robot frame of this update's
 *       pose, goes from outside the path corridor (or from not having appeared) to inside it: 0
 *       &lt;= forward &lt;= {@code pathLength}, |left| &lt;= {@code pathWidth}/2. It counts as
 *       outside again only once it is beyond the corridor grown by {@code pathHysteresis} on every
 *       side, so a track jittering on the edge does not repeat the event.
 *   <li>{@code fall}: a track of a class in {@code fallClasses} appears inside the path corridor,
 *       and no other track (any class, any state, tentative included) was within {@code
 *       fallClearRadius} of that place in the {@code fallLookbackNanos} before; never during the
 *       first {@code fallLookbackNanos} the detector watches (it had no history there). It comes in
 *       addition to the {@code appeared} event of the same track.
 * </ul>
 *
 * <p>Events of one update are ordered: left, appeared, fall, entered-path, each by track id.
 *
 * <p>Not thread-safe: one thread (the daemon, under its twin lock) calls {@link #update}.
 */
public final class EventDetector {

    /**
     * The event rules' parameters, validated when built.
     *
     * @param pathWidth the corridor's width across the robot's heading, metres, centred on it
     * @param pathLength how far ahead of the robot base the corridor reaches, metres
     * @param pathHysteresis how far outside the corridor a track must be to count as out again
     * @param fallClasses class labels that can fall (e.g. {@code box})
     * @param fallClearRadius metres: no track within this of a fall's place before it
     * @param fallLookbackNanos how long that place must have been clear of tracks
     */
    public record Rules(
            double pathWidth,
            double pathLength,
            double pathHysteresis,
            Set<String> fallClasses,
            double fallClearRadius,
            long fallLookbackNanos) {

        public Rules {
            requirePositive("pathWidth", pathWidth);
            requirePositive("pathLength", pathLength);
            if (!(pathHysteresis >= 0 && pathHysteresis < pathWidth / 2)) {
                throw new IllegalArgumentException(
                        "pathHysteresis must be in [0, pathWidth/2), got " + pathHysteresis);
            }
            fallClasses = Set.copyOf(Objects.requireNonNull(fallClasses, "fallClasses"));
            requirePositive("fallClearRadius", fallClearRadius);
            if (fallLookbackNanos <= 0) {
                throw new IllegalArgumentException(
                        "fallLookbackNanos must be positive, got " + fallLookbackNanos);
            }
        }

        /**
         * A corridor 1.2 m wide and 3 m long ahead of the robot base (10 cm hysteresis); boxes
         * fall; a fall's place must have been clear within 0.75 m for 2 s.
         */
        public static Rules defaults() {
            return new Rules(1.2, 3.0, 0.1, Set.of("box"), 0.75, 2_000_000_000L);
        }

        public Rules withPath(double width, double length) {
            return new Rules(
                    width,
                    length,
                    Math.min(pathHysteresis, width / 4),
                    fallClasses,
                    fallClearRadius,
                    fallLookbackNanos);
        }

        private static void requirePositive(String name, double v) {
            if (!(v > 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
        }
    }

    /** One update's track positions, kept for the fall rule's look-back. */
    private record Snapshot(long timeNanos, long[] ids, double[] xs, double[] ys) {}

    private final Rules rules;

    /** A track that appeared and has not left: its class and last reported position. */
    private record Known(String label, double x, double y) {}

    /** Tracks that appeared and have not left, by id. */
    private final Map<Long, Known> announced = new HashMap<>();

    /** Announced tracks now inside the path corridor. */
    private final Set<Long> inPath = new HashSet<>();

    private final ArrayDeque<Snapshot> history = new ArrayDeque<>();
    private long firstUpdateNanos = Long.MIN_VALUE;

    public EventDetector(Rules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    public Rules rules() {
        return rules;
    }

    /**
     * The events of one tracker update.
     *
     * @param timeNanos the update's time (capture time, ns since the Unix epoch); never earlier
     *     than the last update's
     * @param pose the robot's pose at that time
     * @param tracks everything the tracker reported for this update (tentative, confirmed, lost,
     *     removed)
     * @param classNames the detector's class labels, indexed by {@link Track#classId()}
     */
    public List<TwinEvent> update(
            long timeNanos, RobotPose pose, List<Track> tracks, List<String> classNames) {
        if (firstUpdateNanos == Long.MIN_VALUE) {
            firstUpdateNanos = timeNanos;
        }
        List<TwinEvent> left = new ArrayList<>();
        List<TwinEvent> appeared = new ArrayList<>();
        List<TwinEvent> falls = new ArrayList<>();
        List<TwinEvent> entered = new ArrayList<>();
        Set<Long> reported = new HashSet<>();
        for (Track t : tracks) {
            reported.add(t.id());
        }
        // Announced tracks the tracker removed, or no longer reports at all.
        for (Track t : tracks) {
            if (t.state() == TrackState.REMOVED && announced.containsKey(t.id())) {
                left.add(
                        event(
                                "left",
                                timeNanos,
                                t.id(),
                                announced.remove(t.id()).label(),
                                t.x(),
                                t.y()));
                inPath.remove(t.id());
            }
        }
        for (Long id : List.copyOf(announced.keySet())) {
            if (!reported.contains(id)) {
                // Never seen from FloorTracker (it reports removals once), but a tracker that
                // forgets a track silently must not leave it announced forever.
                Known k = announced.remove(id);
                left.add(event("left", timeNanos, id, k.label(), k.x(), k.y()));
                inPath.remove(id);
            }
        }
        boolean historyCovers = timeNanos - firstUpdateNanos >= rules.fallLookbackNanos();
        for (Track t : tracks) {
            TrackState s = t.state();
            if (s != TrackState.CONFIRMED && s != TrackState.LOST) {
                continue;
            }
            String label = label(t, classNames);
            boolean isNew = !announced.containsKey(t.id());
            double forward = pose.robotX(t.x(), t.y());
            double side = pose.robotY(t.x(), t.y());
            announced.put(t.id(), new Known(label, t.x(), t.y()));
            if (isNew) {
                appeared.add(event("appeared", timeNanos, t.id(), label, t.x(), t.y()));
                if (historyCovers
                        && rules.fallClasses().contains(label)
                        && inCorridor(forward, side, 0)
                        && clearBefore(t.id(), t.x(), t.y(), timeNanos)) {
                    falls.add(event("fall", timeNanos, t.id(), label, t.x(), t.y()));
                }
            }
            if (s != TrackState.CONFIRMED) {
                continue; // a lost track's position is a prediction: it neither enters nor exits
            }
            if (!inPath.contains(t.id())) {
                if (inCorridor(forward, side, 0)) {
                    inPath.add(t.id());
                    entered.add(event("entered-path", timeNanos, t.id(), label, t.x(), t.y()));
                }
            } else if (!inCorridor(forward, side, rules.pathHysteresis())) {
                inPath.remove(t.id());
            }
        }
        remember(timeNanos, tracks);
        List<TwinEvent> events =
                new ArrayList<>(left.size() + appeared.size() + falls.size() + entered.size());
        events.addAll(left);
        events.addAll(appeared);
        events.addAll(falls);
        events.addAll(entered);
        return events;
    }

    private boolean inCorridor(double forward, double side, double grow) {
        return forward >= -grow
                && forward <= rules.pathLength() + grow
                && Math.abs(side) <= rules.pathWidth() / 2 + grow;
    }

    /** Whether no track but {@code id} was within the clear radius of (x, y) in the look-back. */
    private boolean clearBefore(long id, double x, double y, long timeNanos) {
        double r2 = rules.fallClearRadius() * rules.fallClearRadius();
        for (Snapshot s : history) {
            if (s.timeNanos() < timeNanos - rules.fallLookbackNanos()) {
                continue;
            }
            for (int i = 0; i < s.ids().length; i++) {
                if (s.ids()[i] == id) {
                    continue;
                }
                double dx = s.xs()[i] - x;
                double dy = s.ys()[i] - y;
                if (dx * dx + dy * dy <= r2) {
                    return false;
                }
            }
        }
        return true;
    }

    private void remember(long timeNanos, List<Track> tracks) {
        int n = 0;
        for (Track t : tracks) {
            if (t.state() != TrackState.REMOVED) {
                n++;
            }
        }
        long[] ids = new long[n];
        double[] xs = new double[n];
        double[] ys = new double[n];
        int i = 0;
        for (Track t : tracks) {
            if (t.state() != TrackState.REMOVED) {
                ids[i] = t.id();
                xs[i] = t.x();
                ys[i] = t.y();
                i++;
            }
        }
        history.addLast(new Snapshot(timeNanos, ids, xs, ys));
        while (history.peekFirst().timeNanos() < timeNanos - rules.fallLookbackNanos()) {
            history.removeFirst();
        }
    }

    private static String label(Track t, List<String> classNames) {
        return t.measurement()
                .flatMap(m -> m.imageBox())
                .map(d -> d.label())
                .orElseGet(
                        () ->
                                t.classId() >= 0 && t.classId() < classNames.size()
                                        ? classNames.get(t.classId())
                                        : "class" + t.classId());
    }

    private static TwinEvent event(
            String type, long timeNanos, long id, String label, double x, double y) {
        return new TwinEvent(type, timeNanos, id, label, x, y);
    }
}
