package dev.edgetwin.vision.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FloorTrackerTest {
    /** An arbitrary epoch-based start, to catch int overflows in the time arithmetic. */
    private static final long T0 = 1_717_000_000_000_000_000L;

    private static final long FRAME_NANOS = 100_000_000L; // 10 Hz
    private static final int PERSON = 0;
    private static final int BOX = 1;
    private static final double SIGMA = 0.1; // declared measurement error, metres
    private static final double NOISE = 0.05; // actual measurement noise, metres

    /** Defaults with 1 s of allowed occlusion and 3 hits to confirm, spelled out. */
    private static final TrackerConfig CONFIG =
            TrackerConfig.defaults()
                    .withConfidences(0.5f, 0.1f)
                    .withHitsToConfirm(3)
                    .withMaxLostAge(Duration.ofSeconds(1));

    private static long time(int frame) {
        return T0 + frame * FRAME_NANOS;
    }

    private static FloorMeasurement seen(
            Random random, int classId, double x, double y, float confidence, String camera) {
        return FloorMeasurement.of(
                classId,
                x + NOISE * random.nextGaussian(),
                y + NOISE * random.nextGaussian(),
                SIGMA,
                confidence,
                camera);
    }

    private static Track byId(List<Track> tracks, long id) {
        return tracks.stream().filter(t -> t.id() == id).findFirst().orElse(null);
    }

    @Test
    void twoPeopleCrossingPathsKeepTheirIds() {
        // Crossing at right angles through the same point at the same moment, and head-on
        // passing 0.3 m apart; 1.4 m/s walkers; twenty noise seeds each.
        double[][][] scenarios = {
            {{0, 5, 1.4, 0}, {5, 0, 0, 1.4}},
            {{0, 5, 1.4, 0}, {7, 5.3, -1.4, 0}},
        };
        for (double[][] people : scenarios) {
            for (long seed = 1; seed <= 20; seed++) {
                Random random = new Random(seed);
                FloorTracker tracker = new FloorTracker(CONFIG);
                Set<Long> idsEverSeen = new HashSet<>();
                List<Track> tracks = List.of();
                for (int f = 0; f <= 50; f++) {
                    double s = f * 0.1;
                    List<FloorMeasurement> ms = new ArrayList<>();
                    for (double[] p : people) {
                        ms.add(seen(random, PERSON, p[0] + p[2] * s, p[1] + p[3] * s, 0.9f, "cam"));
                    }
                    tracks = tracker.update(time(f), ms);
                    for (Track t : tracks) {
                        idsEverSeen.add(t.id());
                    }
                    if (f >= 2) {
                        for (int i = 0; i < 2; i++) {
                            double[] p = people[i];
                            Track t = byId(tracks, i + 1);
                            assertEquals(TrackState.CONFIRMED, t.state(), "seed " + seed);
                            double err =
                                    Math.hypot(
                                            t.x() - (p[0] + p[2] * s), t.y() - (p[1] + p[3] * s));
                            assertTrue(
                                    err < 0.25,
                                    "seed "
                                            + seed
                                            + " frame "
                                            + f
                                            + ": track "
                                            + t.id()
                                            + " is "
                                            + err
                                            + " m from person "
                                            + (i + 1));
                        }
                    }
                }
                assertEquals(Set.of(1L, 2L), idsEverSeen, "seed " + seed);
                // Each track kept its own person's heading, not the other's.
                for (int i = 0; i < 2; i++) {
                    Track t = byId(tracks, i + 1);
                    double[] own = people[i];
                    double[] other = people[1 - i];
                    assertTrue(
                            Math.hypot(t.vx() - own[2], t.vy() - own[3])
                                    < Math.hypot(t.vx() - other[2], t.vy() - other[3]),
                            "seed " + seed + ": " + t);
                }
            }
        }
    }

    @Test
    void anObjectOccludedForAFewFramesIsReFoundWithTheSameId() {
        Random random = new Random(7);
        FloorTracker tracker = new FloorTracker(CONFIG);
        for (int f = 0; f < 30; f++) {
            double x = 2 + 1.0 * f * 0.1;
            boolean occluded = f >= 10 && f < 15; // 0.5 s, less than the 1 s max age
            List<FloorMeasurement> ms =
                    occluded ? List.of() : List.of(seen(random, PERSON, x, 3, 0.9f, "cam"));
            List<Track> tracks = tracker.update(time(f), ms);
            assertEquals(1, tracks.size(), "frame " + f);
            Track t = tracks.get(0);
            assertEquals(1, t.id());
            if (occluded) {
                assertEquals(TrackState.LOST, t.state(), "frame " + f);
                assertEquals(time(9), t.lastSeenNanos());
                // Predicted forward while unseen.
                assertEquals(x, t.x(), 0.2, "frame " + f);
            } else if (f >= 2) {
                assertEquals(TrackState.CONFIRMED, t.state(), "frame " + f);
                assertEquals(time(f), t.lastSeenNanos());
            }
        }
        assertEquals(25, tracker.tracks().get(0).hits());
    }

    @Test
    void camerasThatTakeTurnsDoNotMissWhatOnlyTheOtherSees() {
        FieldOfView front = (x, y) -> x > 0;
        FieldOfView rear = (x, y) -> x < 0;
        FloorTracker tracker = new FloorTracker(CONFIG);
        Random random = new Random(3);
        List<Track> last = List.of();
        for (int f = 0; f < 20; f++) {
            boolean frontsTurn = f % 2 == 0;
            List<FloorMeasurement> ms =
                    frontsTurn
                            ? List.of(seen(random, PERSON, 4, 1, 0.9f, "front"))
                            : List.of(seen(random, BOX, -3, -1, 0.9f, "rear"));
            last = tracker.update(time(f), ms, frontsTurn ? front : rear);
            for (Track t : last) {
                assertTrue(
                        t.state() != TrackState.LOST && t.state() != TrackState.REMOVED,
                        "frame " + f + ": " + t);
            }
        }
        assertEquals(2, last.size(), last.toString());
        assertTrue(last.stream().allMatch(t -> t.state() == TrackState.CONFIRMED), last.toString());
        assertEquals(List.of(1L, 2L), last.stream().map(Track::id).toList(), "no id churn");

        // Without the fields of view every turn of the other camera is a miss: a tentative track
        // dies at its first one and neither object is ever confirmed.
        FloorTracker blind = new FloorTracker(CONFIG);
        for (int f = 0; f < 20; f++) {
            List<FloorMeasurement> ms =
                    f % 2 == 0
                            ? List.of(seen(random, PERSON, 4, 1, 0.9f, "front"))
                            : List.of(seen(random, BOX, -3, -1, 0.9f, "rear"));
            last = blind.update(time(f), ms);
        }
        assertTrue(
                last.stream().noneMatch(t -> t.state() == TrackState.CONFIRMED), last.toString());
    }

    @Test
    void aTrackOutsideEveryViewIsStillRemovedOnceItIsTooOld() {
        FloorTracker tracker = new FloorTracker(CONFIG);
        for (int f = 0; f < 5; f++) {
            tracker.update(time(f), List.of(FloorMeasurement.of(BOX, 2, 2, SIGMA, 0.9f, "front")));
        }
        FieldOfView nowhere = (x, y) -> false;
        long maxAgeFrames = CONFIG.maxLostAge().toNanos() / FRAME_NANOS;
        List<Track> tracks = List.of();
        int f = 5;
        for (; f <= 4 + maxAgeFrames; f++) {
            tracks = tracker.update(time(f), List.of(), nowhere);
            assertEquals(TrackState.CONFIRMED, tracks.get(0).state(), "not looked at, frame " + f);
        }
        tracks = tracker.update(time(f), List.of(), nowhere);
        assertEquals(TrackState.REMOVED, tracks.get(0).state(), "older than the max lost age");
    }

    @Test
    void aTrackCarriesTheMeasurementThatMatchedItThisUpdateOnly() {
        FloorTracker tracker = new FloorTracker(CONFIG);
        FloorMeasurement front = FloorMeasurement.of(PERSON, 3, 1, SIGMA, 0.9f, "front");
        FloorMeasurement rear = FloorMeasurement.of(PERSON, 3.02, 1, SIGMA, 0.8f, "rear");
        Track first = tracker.update(time(0), List.of(front, rear)).get(0);
        assertEquals(Optional.of(front), first.measurement(), "the first camera's, in id order");
        Track second = tracker.update(time(1), List.of(rear)).get(0);
        assertEquals(Optional.of(rear), second.measurement());
        Track unseen = tracker.update(time(2), List.of()).get(0);
        assertEquals(Optional.empty(), unseen.measurement(), "nothing matched it this update");
    }

    @Test
    void anObjectGoneLongerThanTheMaxAgeComesBackWithANewId() {
        Random random = new Random(11);
        FloorTracker tracker = new FloorTracker(CONFIG);
        int removedAt = -1;
        for (int f = 0; f < 35; f++) {
            boolean present = f < 10 || f >= 30; // a parked box, away for 2 s
            List<FloorMeasurement> ms =
                    present ? List.of(seen(random, BOX, 4, 4, 0.8f, "cam")) : List.of();
            List<Track> tracks = tracker.update(time(f), ms);
            Track one = byId(tracks, 1);
            if (one != null && one.state() == TrackState.REMOVED) {
                assertEquals(-1, removedAt, "removal is reported once");
                removedAt = f;
            }
            if (f >= 30) {
                assertEquals(1, tracks.size());
                Track t = tracks.get(0);
                assertEquals(2, t.id(), "frame " + f);
                assertEquals(f >= 32 ? TrackState.CONFIRMED : TrackState.TENTATIVE, t.state());
                assertEquals(time(30), t.firstSeenNanos());
            }
        }
        // Last seen in frame 9; frame 19 is exactly 1 s later (still allowed), frame 20 is not.
        assertEquals(20, removedAt);
    }

    @Test
    void aLowConfidenceDetectionKeepsATrackAliveButNeverStartsOne() {
        Random random = new Random(3);
        FloorTracker tracker = new FloorTracker(CONFIG);
        for (int f = 0; f < 25; f++) {
            // The person fades to low confidence after frame 4; a second object at (8, 8) is
            // only ever seen at low confidence.
            float confidence = f < 5 ? 0.9f : 0.3f;
            List<FloorMeasurement> ms =
                    List.of(
                            seen(random, PERSON, 1 + 0.1 * f, 1, confidence, "cam"),
                            seen(random, PERSON, 8, 8, 0.3f, "cam"));
            List<Track> tracks = tracker.update(time(f), ms);
            assertEquals(1, tracks.size(), "frame " + f + ": " + tracks);
            Track t = tracks.get(0);
            assertEquals(1, t.id());
            if (f >= 2) {
                assertEquals(TrackState.CONFIRMED, t.state(), "frame " + f);
                assertEquals(time(f), t.lastSeenNanos());
            }
        }
        // Below the low threshold the measurement is ignored: the track is lost.
        List<Track> tracks =
                tracker.update(time(25), List.of(seen(random, PERSON, 3.5, 1, 0.05f, "cam")));
        assertEquals(TrackState.LOST, tracks.get(0).state());
        // A low-confidence measurement does not re-find a lost track either (ByteTrack's
        // second association is with tracked tracks only).
        tracks = tracker.update(time(26), List.of(seen(random, PERSON, 3.6, 1, 0.3f, "cam")));
        assertEquals(1, tracks.size());
        assertEquals(TrackState.LOST, tracks.get(0).state());
        // A high-confidence one does.
        tracks = tracker.update(time(27), List.of(seen(random, PERSON, 3.7, 1, 0.9f, "cam")));
        assertEquals(1, tracks.size());
        assertEquals(TrackState.CONFIRMED, tracks.get(0).state());
        assertEquals(1, tracks.get(0).id());
    }

    @Test
    void aSingleFalsePositiveNeverBecomesConfirmed() {
        Random random = new Random(5);
        FloorTracker tracker = new FloorTracker(CONFIG);
        List<TrackState> ghostStates = new ArrayList<>();
        for (int f = 0; f < 20; f++) {
            List<FloorMeasurement> ms = new ArrayList<>();
            ms.add(seen(random, PERSON, 2, 2, 0.9f, "cam"));
            if (f == 8) {
                ms.add(seen(random, PERSON, 6, 1, 0.95f, "cam")); // one confident ghost
            }
            for (Track t : tracker.update(time(f), ms)) {
                if (t.id() != 1) {
                    ghostStates.add(t.state());
                }
            }
        }
        assertEquals(List.of(TrackState.TENTATIVE, TrackState.REMOVED), ghostStates);
        assertEquals(1, tracker.tracks().size());
    }

    @Test
    void twoCamerasSeeingOneObjectGiveOneTrack() {
        // The two cameras disagree by 0.2 m in x and 0.1 m in y (calibration and footprint
        // errors), each with 0.15 m of declared error; both see the object from the start.
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            FloorTracker tracker = new FloorTracker(CONFIG);
            Set<Long> ids = new HashSet<>();
            Track last = null;
            double vxSum = 0;
            double vySum = 0;
            for (int f = 0; f < 40; f++) {
                double x = 3 + 0.8 * f * 0.1;
                double y = 2 - 0.5 * f * 0.1;
                List<FloorMeasurement> ms =
                        List.of(
                                FloorMeasurement.of(
                                        PERSON,
                                        x + 0.1 + NOISE * random.nextGaussian(),
                                        y + 0.05 + NOISE * random.nextGaussian(),
                                        0.15,
                                        0.8f,
                                        "front"),
                                FloorMeasurement.of(
                                        PERSON,
                                        x - 0.1 + NOISE * random.nextGaussian(),
                                        y - 0.05 + NOISE * random.nextGaussian(),
                                        0.15,
                                        0.8f,
                                        "side"));
                List<Track> tracks = tracker.update(time(f), ms);
                assertEquals(1, tracks.size(), "seed " + seed + " frame " + f + ": " + tracks);
                last = tracks.get(0);
                ids.add(last.id());
                // Both cameras in one update count one hit.
                assertEquals(f + 1, last.hits());
                if (f >= 20) {
                    vxSum += last.vx();
                    vySum += last.vy();
                }
            }
            assertEquals(Set.of(1L), ids);
            assertEquals(TrackState.CONFIRMED, last.state());
            // Fused between the two: the biases cancel.
            assertEquals(3 + 0.8 * 3.9, last.x(), 0.1);
            assertEquals(2 - 0.5 * 3.9, last.y(), 0.1);
            // The velocity, averaged over the last 2 s to tame its noise.
            assertEquals(0.8, vxSum / 20, 0.25, "seed " + seed);
            assertEquals(-0.5, vySum / 20, 0.25, "seed " + seed);
        }
    }

    @Test
    void measurementsOnlyMatchTracksOfTheirOwnClass() {
        Random random = new Random(9);
        FloorTracker tracker = new FloorTracker(CONFIG);
        List<Track> tracks = List.of();
        for (int f = 0; f < 5; f++) {
            tracks =
                    tracker.update(
                            time(f),
                            List.of(
                                    seen(random, PERSON, 2, 2, 0.9f, "cam"),
                                    seen(random, BOX, 2.05, 2, 0.9f, "cam")));
        }
        assertEquals(2, tracks.size());
        assertEquals(PERSON, byId(tracks, 1).classId());
        assertEquals(BOX, byId(tracks, 2).classId());
        assertTrue(tracks.stream().allMatch(t -> t.state() == TrackState.CONFIRMED));
    }

    @Test
    void aVagueLostTrackDoesNotStealAMeasurementFromANearbyFreshTrack() {
        // Pinned because a cost of plain Mahalanobis distance prefers the track whose
        // uncertainty grew while it was lost: d^2 shrinks as the covariance grows.
        FloorTracker tracker = new FloorTracker(CONFIG);
        Random random = new Random(13);
        for (int f = 0; f < 5; f++) {
            tracker.update(
                    time(f),
                    List.of(
                            seen(random, BOX, 0, 0, 0.9f, "cam"),
                            seen(random, BOX, 1, 0, 0.9f, "cam")));
        }
        for (int f = 5; f < 13; f++) {
            tracker.update(time(f), List.of(FloorMeasurement.of(BOX, 1, 0, SIGMA, 0.9f, "cam")));
        }
        List<Track> before = tracker.tracks();
        assertEquals(TrackState.LOST, byId(before, 1).state());
        assertEquals(TrackState.CONFIRMED, byId(before, 2).state());

        // The premise: at the next update, a measurement at x = 0.75 is inside both gates and
        // nearer the lost track in Mahalanobis terms.
        FloorMeasurement m = FloorMeasurement.of(BOX, 0.75, 0, SIGMA, 0.9f, "cam");
        double d2Lost = predictedMahalanobisSquared(byId(before, 1), m, 0.1);
        double d2Fresh = predictedMahalanobisSquared(byId(before, 2), m, 0.1);
        assertTrue(d2Lost < d2Fresh, d2Lost + " vs " + d2Fresh);
        assertTrue(d2Fresh < CONFIG.gateChiSquare(), "fresh track gates it: " + d2Fresh);

        List<Track> after = tracker.update(time(13), List.of(m));
        assertEquals(TrackState.CONFIRMED, byId(after, 2).state());
        assertEquals(time(13), byId(after, 2).lastSeenNanos());
        assertEquals(TrackState.LOST, byId(after, 1).state());
    }

    private static double predictedMahalanobisSquared(Track t, FloorMeasurement m, double dt) {
        double[] state = {t.x(), t.y(), t.vx(), t.vy()};
        ConstantVelocityKalman kf = new ConstantVelocityKalman(state, t.covariance());
        kf.predict(dt, CONFIG.accelerationSpectralDensity());
        return kf.mahalanobisSquared(m.x(), m.y(), m.varX(), m.covXY(), m.varY());
    }

    @Test
    void trackIdsAreNotReusedAndTimeMustNotGoBackwards() {
        FloorTracker tracker = new FloorTracker(CONFIG);
        tracker.update(time(0), List.of(FloorMeasurement.of(BOX, 0, 0, SIGMA, 0.9f, "cam")));
        tracker.update(time(1), List.of()); // the tentative track is removed
        List<Track> tracks =
                tracker.update(
                        time(2), List.of(FloorMeasurement.of(BOX, 0, 0, SIGMA, 0.9f, "cam")));
        assertEquals(2, tracks.get(0).id());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> tracker.update(time(1), List.of()));
        assertTrue(e.getMessage().contains("backwards"), e.getMessage());
        // The same timestamp again is allowed (dt = 0).
        assertFalse(tracker.update(time(2), List.of()).isEmpty());
    }
}
