package dev.edgetwin.runtime.sparkplug;

import dev.edgetwin.runtime.twin.ObservedObject;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.vision.RobotPose;
import java.util.List;

/** Twin states for the Sparkplug tests. */
final class TwinStates {
    static final long T0 = 1_795_482_123_456_789_000L;

    private TwinStates() {}

    static TwinState state(long seq, RobotPose pose, ObservedObject... objects) {
        return new TwinState(
                "site-a",
                "robot-7",
                seq,
                T0 + seq * 100_000_000L,
                "front",
                pose,
                List.of(objects),
                new TwinState.ModelInfo("det.onnx", "ab12", "3", "cpu", "int8"),
                new TwinState.Health(seq + 2, 2, seq, 6.2345));
    }

    /** A person seen this frame, with an image box. */
    static ObservedObject person(long id, double x) {
        return new ObservedObject(
                id,
                true,
                "person",
                0.98765,
                x,
                1.2121,
                0.8124,
                -0.05,
                0.0123456,
                -0.0012344,
                0.004,
                5.4321,
                402,
                188,
                431,
                301.34,
                T0 - 3_000_000_000L,
                T0);
    }

    /** A box the camera did not detect this frame: no image box. */
    static ObservedObject lostBox(long id) {
        return new ObservedObject(
                id,
                false,
                "box",
                1.0,
                7.5,
                -1.25,
                0,
                0,
                0.09,
                0,
                0.09,
                3.1,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                T0 - 20_000_000_000L,
                T0 - 400_000_000L);
    }
}
