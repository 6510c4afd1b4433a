package dev.edgetwin.vision.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.FloorObservation;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrackInputsTest {

    @Test
    void observationErrorsLieAlongAndAcrossTheLineOfSight() {
        Detection d = new Detection(2, "box", 0.7f, 10, 10, 20, 30);
        // 45 degrees from the camera at (1, 1), 10 m away: along = 0.05 * 10, across = 0.01 * 10.
        double r = 10 / Math.sqrt(2);
        FloorObservation o = new FloorObservation(d, 0, 0, 1 + r, 1 + r, 10);
        FloorMeasurement m = FloorMeasurement.fromObservation(o, "front", 1, 1, 0.05, 0.01, 0.02);
        // R diag(0.25, 0.01) R^T at 45 degrees: [[0.13, 0.12], [0.12, 0.13]]
        assertEquals(0.13, m.varX(), 1e-12);
        assertEquals(0.13, m.varY(), 1e-12);
        assertEquals(0.12, m.covXY(), 1e-12);
        assertEquals(2, m.classId());
        assertEquals(0.7f, m.confidence());
        assertEquals("front", m.cameraId());
        assertEquals(Optional.of(d), m.imageBox());

        // Close by, the floor of minSigma applies: 1 m straight ahead gives 0.05 and 0.02.
        FloorObservation near = new FloorObservation(d, 0, 0, 2, 1, 1);
        FloorMeasurement n =
                FloorMeasurement.fromObservation(near, "front", 1, 1, 0.05, 0.01, 0.02);
        assertEquals(0.0025, n.varX(), 1e-15);
        assertEquals(0.0004, n.varY(), 1e-15);
        assertEquals(0, n.covXY(), 1e-15);
    }

    @Test
    void aMeasurementNeedsAPositiveDefiniteCovariance() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new FloorMeasurement(
                                        0, 1, 1, 0.1, 0.2, 0.1, 0.9f, "cam", Optional.empty()));
        assertTrue(e.getMessage().contains("positive definite"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> FloorMeasurement.of(0, 1, 1, 0.1, 1.5f, "cam"));
    }

    @Test
    void configNamesTheBadFieldAndValue() {
        TrackerConfig ok = TrackerConfig.defaults();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ok.withConfidences(0.4f, 0.6f));
        assertEquals("lowConfidence must be in [0, highConfidence=0.4], got 0.6", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ok.withHitsToConfirm(0));
        assertEquals("hitsToConfirm must be >= 1, got 0", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ok.withMaxLostAge(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().startsWith("maxLostAge must be >= 0"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TrackerConfig(0.5f, 0.1f, 3, Duration.ZERO, 0, 1, 9));
        assertTrue(e.getMessage().startsWith("accelerationSpectralDensity"), e.getMessage());
    }

    @Test
    void aTracksCovarianceCannotBeChangedFromOutside() {
        double[] cov = new double[16];
        cov[0] = 1;
        Track t =
                new Track(
                        1,
                        0,
                        TrackState.CONFIRMED,
                        0,
                        0,
                        0,
                        0,
                        cov,
                        0.9f,
                        0,
                        0,
                        1,
                        Optional.empty());
        cov[0] = 99;
        assertEquals(1, t.covariance(0, 0));
        t.covariance()[0] = 99;
        assertEquals(1, t.covariance(0, 0));
        Track same =
                new Track(
                        1,
                        0,
                        TrackState.CONFIRMED,
                        0,
                        0,
                        0,
                        0,
                        t.covariance(),
                        0.9f,
                        0,
                        0,
                        1,
                        Optional.empty());
        assertNotSame(t, same);
        assertEquals(t, same);
        assertEquals(t.hashCode(), same.hashCode());
    }
}
