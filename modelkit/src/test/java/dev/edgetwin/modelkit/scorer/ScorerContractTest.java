package dev.edgetwin.modelkit.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.edgetwin.modelkit.scorer.Scene.Person;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerContractTest {
    @Test
    void columnsFollowTheDocumentedLayout() {
        assertEquals(24, ScorerContract.FEATURES);
        assertEquals(4, ScorerContract.personFeature(0, ScorerContract.PRESENT));
        assertEquals(23, ScorerContract.personFeature(3, ScorerContract.PERSON_VY));
        assertEquals(0.8, ScorerContract.COLLISION_DISTANCE, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ScorerContract.personFeature(4, 0));
        assertThrows(IllegalArgumentException.class, () -> ScorerContract.personFeature(0, 5));
    }

    @Test
    void aSceneIsWrittenAsRelativeConstantVelocityPositions() {
        // Robot at 0.5 m/s along x; the far person walks along y, the near one stands.
        Scene scene =
                Scene.straightRobot(
                        0.5, List.of(new Person(3, -2, 0, 1), new Person(-1, 0.5, 0, 0)));
        float[] row = new float[ScorerContract.STEPS * ScorerContract.FEATURES];
        scene.write(row, 0);
        int last = (ScorerContract.STEPS - 1) * ScorerContract.FEATURES; // t = 2.0 s
        assertEquals(1.0, row[last + ScorerContract.ROBOT_X], 1e-6);
        assertEquals(0.5, row[last + ScorerContract.ROBOT_SPEED], 1e-6);
        // Slot 0 is the nearer person: standing at (-1, 0.5); the robot is at (1, 0).
        assertEquals(1, row[last + ScorerContract.personFeature(0, ScorerContract.PRESENT)]);
        assertEquals(
                -2.0, row[last + ScorerContract.personFeature(0, ScorerContract.PERSON_DX)], 1e-6);
        assertEquals(
                0.5, row[last + ScorerContract.personFeature(0, ScorerContract.PERSON_DY)], 1e-6);
        // Slot 1: walking from (3, -2) at 1 m/s along y reaches (3, 0) at 2 s.
        assertEquals(
                2.0, row[last + ScorerContract.personFeature(1, ScorerContract.PERSON_DX)], 1e-6);
        assertEquals(
                0.0, row[last + ScorerContract.personFeature(1, ScorerContract.PERSON_DY)], 1e-6);
        assertEquals(
                1.0, row[last + ScorerContract.personFeature(1, ScorerContract.PERSON_VY)], 1e-6);
        // Unused slots are all zeros.
        for (int slot = 2; slot < ScorerContract.PEOPLE; slot++) {
            for (int v = 0; v < ScorerContract.PERSON_FEATURES; v++) {
                assertEquals(0f, row[last + ScorerContract.personFeature(slot, v)]);
            }
        }
    }
}
