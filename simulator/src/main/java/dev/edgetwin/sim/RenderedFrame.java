package dev.edgetwin.sim;

import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.RobotPose;
import java.util.List;
import java.util.Objects;

/**
 * One simulated camera image with everything that was true when it was taken.
 *
 * @param simTimeSeconds scene time the image shows
 * @param frame the image; its pixel array belongs to this frame alone
 * @param egoPose where the robot carrying the camera was
 * @param objects every object of the scene at that time, visible or not, by ascending id
 * @param groundTruth the objects with at least one visible pixel, by ascending id
 */
public record RenderedFrame(
        double simTimeSeconds,
        Frame frame,
        RobotPose egoPose,
        List<SimObject> objects,
        List<GroundTruth> groundTruth) {

    public RenderedFrame {
        if (!Double.isFinite(simTimeSeconds)) {
            throw new IllegalArgumentException(
                    "simTimeSeconds must be finite, got " + simTimeSeconds);
        }
        Objects.requireNonNull(frame, "frame");
        Objects.requireNonNull(egoPose, "egoPose");
        objects = List.copyOf(Objects.requireNonNull(objects, "objects"));
        groundTruth = List.copyOf(Objects.requireNonNull(groundTruth, "groundTruth"));
    }

    @Override
    public String toString() {
        return "RenderedFrame[t="
                + simTimeSeconds
                + ", "
                + frame
                + ", ego="
                + egoPose
                + ", "
                + objects.size()
                + " objects, "
                + groundTruth.size()
                + " visible]";
    }
}
