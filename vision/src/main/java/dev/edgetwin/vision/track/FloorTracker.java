package dev.edgetwin.vision.track;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A ByteTrack-style multi-object tracker on the factory floor. Each update takes the measurements
 * of all cameras at one timestamp, already placed in the factory frame, so cameras with different
 * mount poses feed one set of tracks.
 *
 * <p>Per update: every track is predicted to the update's timestamp (constant velocity, white
 * acceleration noise). Then, for each camera in camera-id order:
 *
 * <ol>
 *   <li>high-confidence measurements are matched against all tracks (tentative, confirmed, lost);
 *   <li>low-confidence measurements are matched against the confirmed tracks still unmatched by
 *       this camera;
 *   <li>each high-confidence measurement left over starts a tentative track.
 * </ol>
 *
 * Each camera matches a track at most once, but several cameras may update the same track in one
 * update (sequential Kalman updates, which for independent errors equal one joint update); a track
 * started by one camera can be matched by the next, so two cameras seeing one new object start one
 * track. Matching is a minimum-cost assignment (Hungarian) over same-class pairs inside the
 * chi-square gate on the squared Mahalanobis distance {@code d^2}; the cost of a pair is {@code d^2
 * + ln det S}, the Gaussian negative log likelihood up to a constant, so that a track whose
 * uncertainty grew while it was lost does not win a measurement from a nearby fresh track just by
 * being vague.
 *
 * <p>After all cameras: a matched track counts one hit (a tentative one becomes confirmed after
 * {@code hitsToConfirm}, a lost one is confirmed again with its old id); an unmatched tentative
 * track is removed, an unmatched confirmed track becomes lost, and a lost track older than {@code
 * maxLostAge} since its last match is removed.
 *
 * <p>An update should carry every camera's measurements for that moment: a track that no camera in
 * the update matches counts as missed.
 *
 * <p>Not thread-safe: one thread calls {@link #update}. Time comes only from the timestamps.
 */
public final class FloorTracker {
    private final TrackerConfig config;
    private final long maxLostAgeNanos;
    private final List<LiveTrack> live = new ArrayList<>();
    private long nextId = 1;
    private long lastTimestampNanos;
    private boolean started;

    public FloorTracker(TrackerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.maxLostAgeNanos = config.maxLostAge().toNanos();
    }

    public TrackerConfig config() {
        return config;
    }

    /**
     * Advances to {@code timestampNanos} and takes the measurements made then.
     *
     * @param timestampNanos when the measurements were made; never earlier than the last update's
     * @return every tentative, confirmed or lost track, and every track this update removed (state
     *     {@link TrackState#REMOVED}, reported this once), ordered by id
     * @throws IllegalArgumentException if time went backwards
     */
    public List<Track> update(long timestampNanos, List<FloorMeasurement> measurements) {
        return update(timestampNanos, measurements, FieldOfView.EVERYWHERE);
    }

    /**
     * As {@link #update(long, List)}, for cameras that see part of the floor: a track that no
     * measurement matched and that lies outside {@code view} (at its predicted position) keeps its
     * state instead of being missed; it is still removed once it has not been seen for the max lost
     * age, wherever it is.
     */
    public List<Track> update(
            long timestampNanos, List<FloorMeasurement> measurements, FieldOfView view) {
        Objects.requireNonNull(measurements, "measurements");
        Objects.requireNonNull(view, "view");
        if (started && timestampNanos < lastTimestampNanos) {
            throw new IllegalArgumentException(
                    "timestamp must not go backwards: last update at "
                            + lastTimestampNanos
                            + " ns, got "
                            + timestampNanos
                            + " ns");
        }
        double dt = started ? (timestampNanos - lastTimestampNanos) * 1e-9 : 0;
        started = true;
        lastTimestampNanos = timestampNanos;

        for (LiveTrack t : live) {
            t.filter.predict(dt, config.accelerationSpectralDensity());
            t.matchedThisUpdate = false;
            t.matched = null;
        }

        Map<String, List<FloorMeasurement>> byCamera = new TreeMap<>();
        for (FloorMeasurement m : measurements) {
            byCamera.computeIfAbsent(m.cameraId(), k -> new ArrayList<>()).add(m);
        }
        for (List<FloorMeasurement> camera : byCamera.values()) {
            associateOneCamera(timestampNanos, camera);
        }

        List<Track> out = new ArrayList<>(live.size());
        for (var it = live.iterator(); it.hasNext(); ) {
            LiveTrack t = it.next();
            if (!t.matchedThisUpdate) {
                boolean looked = view.covers(t.filter.x(), t.filter.y());
                if (looked && t.state == TrackState.TENTATIVE) {
                    t.state = TrackState.REMOVED;
                } else if (looked && t.state == TrackState.CONFIRMED) {
                    t.state = TrackState.LOST;
                }
                if (t.state != TrackState.REMOVED
                        && timestampNanos - t.lastSeenNanos > maxLostAgeNanos) {
                    t.state = TrackState.REMOVED;
                }
            }
            out.add(t.snapshot());
            if (t.state == TrackState.REMOVED) {
                it.remove();
            }
        }
        out.sort(Comparator.comparingLong(Track::id));
        return out;
    }

    /** The tracks as of the last update (tentative, confirmed and lost), ordered by id. */
    public List<Track> tracks() {
        List<Track> out = new ArrayList<>(live.size());
        for (LiveTrack t : live) {
            out.add(t.snapshot());
        }
        out.sort(Comparator.comparingLong(Track::id));
        return out;
    }

    private void associateOneCamera(long timestampNanos, List<FloorMeasurement> camera) {
        List<FloorMeasurement> high = new ArrayList<>();
        List<FloorMeasurement> low = new ArrayList<>();
        for (FloorMeasurement m : camera) {
            if (m.confidence() >= config.highConfidence()) {
                high.add(m);
            } else if (m.confidence() >= config.lowConfidence()) {
                low.add(m);
            }
        }
        List<LiveTrack> candidates = new ArrayList<>(live);
        List<FloorMeasurement> unmatchedHigh = match(timestampNanos, high, candidates);
        // candidates now holds the tracks this camera has not matched.
        candidates.removeIf(t -> t.state != TrackState.CONFIRMED);
        match(timestampNanos, low, candidates);
        for (FloorMeasurement m : unmatchedHigh) {
            LiveTrack t =
                    new LiveTrack(
                            nextId++,
                            m.classId(),
                            new ConstantVelocityKalman(
                                    m.x(),
                                    m.y(),
                                    m.varX(),
                                    m.covXY(),
                                    m.varY(),
                                    config.initialSpeedSigma() * config.initialSpeedSigma()),
                            timestampNanos);
            t.confidence = m.confidence();
            t.hit(timestampNanos, config.hitsToConfirm(), m);
            live.add(t);
        }
    }

    /**
     * Matches measurements to tracks, updates the matched tracks and removes them from {@code
     * tracks}.
     *
     * @return the measurements left unmatched, in their original order
     */
    private List<FloorMeasurement> match(
            long timestampNanos, List<FloorMeasurement> measurements, List<LiveTrack> tracks) {
        if (measurements.isEmpty() || tracks.isEmpty()) {
            return measurements;
        }
        double[][] cost = new double[measurements.size()][tracks.size()];
        for (int i = 0; i < measurements.size(); i++) {
            FloorMeasurement m = measurements.get(i);
            for (int j = 0; j < tracks.size(); j++) {
                LiveTrack t = tracks.get(j);
                double c = Double.POSITIVE_INFINITY;
                if (t.classId == m.classId()) {
                    double d2 =
                            t.filter.mahalanobisSquared(
                                    m.x(), m.y(), m.varX(), m.covXY(), m.varY());
                    if (d2 <= config.gateChiSquare()) {
                        c = d2 + t.filter.logDetInnovation(m.varX(), m.covXY(), m.varY());
                    }
                }
                cost[i][j] = c;
            }
        }
        int[] assignment = HungarianAssignment.solve(cost);
        List<FloorMeasurement> unmatched = new ArrayList<>();
        boolean[] trackTaken = new boolean[tracks.size()];
        for (int i = 0; i < measurements.size(); i++) {
            FloorMeasurement m = measurements.get(i);
            int j = assignment[i];
            if (j < 0) {
                unmatched.add(m);
                continue;
            }
            trackTaken[j] = true;
            LiveTrack t = tracks.get(j);
            t.filter.update(m.x(), m.y(), m.varX(), m.covXY(), m.varY());
            t.confidence = m.confidence();
            t.hit(timestampNanos, config.hitsToConfirm(), m);
        }
        List<LiveTrack> left = new ArrayList<>(tracks.size());
        for (int j = 0; j < tracks.size(); j++) {
            if (!trackTaken[j]) {
                left.add(tracks.get(j));
            }
        }
        tracks.clear();
        tracks.addAll(left);
        return unmatched;
    }

    private static final class LiveTrack {
        final long id;
        final int classId;
        final ConstantVelocityKalman filter;
        final long firstSeenNanos;
        TrackState state = TrackState.TENTATIVE;
        float confidence;
        long lastSeenNanos;
        int hits;
        boolean matchedThisUpdate;
        FloorMeasurement matched;

        LiveTrack(long id, int classId, ConstantVelocityKalman filter, long firstSeenNanos) {
            this.id = id;
            this.classId = classId;
            this.filter = filter;
            this.firstSeenNanos = firstSeenNanos;
            this.lastSeenNanos = firstSeenNanos;
        }

        /**
         * A measurement matched this track; only the first match in an update counts a hit and is
         * reported as the track's measurement.
         */
        void hit(long timestampNanos, int hitsToConfirm, FloorMeasurement m) {
            lastSeenNanos = timestampNanos;
            if (matchedThisUpdate) {
                return;
            }
            matchedThisUpdate = true;
            matched = m;
            hits++;
            if (state == TrackState.LOST
                    || (state == TrackState.TENTATIVE && hits >= hitsToConfirm)) {
                state = TrackState.CONFIRMED;
            }
        }

        Track snapshot() {
            return new Track(
                    id,
                    classId,
                    state,
                    filter.x(),
                    filter.y(),
                    filter.vx(),
                    filter.vy(),
                    filter.covarianceCopy(),
                    confidence,
                    firstSeenNanos,
                    lastSeenNanos,
                    hits,
                    Optional.ofNullable(matched));
        }
    }
}
