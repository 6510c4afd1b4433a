package dev.edgetwin.runtime.scenario;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.planner.ObservedSpace;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.RobotPose;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObservedFloorTest {
    private final RobotPose start = new RobotPose(5, 9, 0);

    private ObservedFloor floor() {
        return new ObservedFloor(SimulatedCamera.defaultCameraModel(), 30, 20, start);
    }

    @Test
    void floorInFrontCountsOnlyAfterEnoughFrames() {
        ObservedFloor floor = floor();
        for (int i = 0; i < ObservedFloor.FRAMES_TO_OBSERVE - 1; i++) {
            floor.frame(start, List.of());
        }
        assertFalse(floor.snapshot().observed(8.5, 9.0), "3 frames are not enough");
        floor.frame(start, List.of());
        ObservedSpace seen = floor.snapshot();
        for (double x = 7.5; x <= 10.0; x += 0.5) {
            assertTrue(seen.observed(x, 9.0), "straight ahead at x " + x);
        }
        assertTrue(seen.observed(6.0, 9.0), "the start's surroundings");
        assertFalse(seen.observed(2.0, 9.0), "behind the robot, beyond the start's surroundings");
        assertFalse(seen.observed(8.0, 12.0), "outside the 70 degree field of view");
        assertFalse(seen.observed(12.0, 9.0), "beyond the range");
        assertFalse(seen.observed(7.3, 10.6), "too near the image's side for a box to be whole");
    }

    /**
     * The blocked aisle's seed 14: a row of boxes came out of the detector as one wide detection
     * cut by the image's left side, which perception cannot place; the floor under it was counted
     * as observed and the planner drove at boxes it was never told of.
     */
    @Test
    void floorUnderAnUnplacedDetectionIsNotObserved() {
        ObservedFloor floor = floor();
        // Straight ahead 3.0 m (x = 8.0) projects near the image's centre column.
        Detection mergedRow = new Detection(2, "box", 0.9f, 0, 238, 440, 344);
        for (int i = 0; i < 2 * ObservedFloor.FRAMES_TO_OBSERVE; i++) {
            floor.frame(start, List.of(mergedRow));
        }
        ObservedSpace seen = floor.snapshot();
        assertFalse(seen.observed(8.0, 9.0), "behind the unplaced detection");
        assertTrue(seen.observed(8.0, 8.0), "right of it, where the image shows bare floor");
    }

    /** person-approaches: a person passing close by left floor the camera never saw again. */
    @Test
    void anUnplacedPersonLeavesTheFloorObserved() {
        ObservedFloor floor = floor();
        Detection person = new Detection(1, "person", 0.9f, 0, 100, 440, 344);
        for (int i = 0; i < ObservedFloor.FRAMES_TO_OBSERVE; i++) {
            floor.frame(start, List.of(person));
        }
        assertTrue(floor.snapshot().observed(8.0, 9.0));
    }
}
