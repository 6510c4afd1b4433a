package dev.edgetwin.runtime.pipeline;

import dev.edgetwin.runtime.CapturedFrame;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.FloorObservation;
import java.util.List;

/**
 * What the pipeline made of one frame.
 *
 * @param sequence the frame's capture number, from 0; strictly increasing from result to result
 * @param frame the frame and the robot's pose when it was taken
 * @param detections in the frame's pixels, by decreasing confidence
 * @param observations the detections placed on the floor; empty without a floor locator
 * @param detectorNanos this frame's own preprocessing, inference and post-processing time (without
 *     the waits between stages)
 * @param captureToResultNanos from the capture thread receiving the frame to this result
 * @param producer what produced it: {@link PipelineStages#producer}
 */
public record PipelineResult(
        long sequence,
        CapturedFrame frame,
        List<Detection> detections,
        List<FloorObservation> observations,
        long detectorNanos,
        long captureToResultNanos,
        Object producer) {

    @Override
    public String toString() {
        return "PipelineResult[#"
                + sequence
                + ", "
                + frame.frame()
                + ", detections="
                + detections.size()
                + ", observations="
                + observations.size()
                + "]";
    }
}
