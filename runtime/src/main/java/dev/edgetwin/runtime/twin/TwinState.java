package dev.edgetwin.runtime.twin;

import dev.edgetwin.vision.RobotPose;
import java.util.List;

/**
 * What the robot knows after one processed frame: the unit the twin publishes.
 *
 * @param seq increases by one for every state the twin builds, from 1
 * @param captureTimeNanos capture time of the frame it was built from, ns since the Unix epoch
 * @param objects what the camera saw, placed on the floor
 * @param health counters and timings of the pipeline so far
 */
public record TwinState(
        String site,
        String robotId,
        long seq,
        long captureTimeNanos,
        String cameraId,
        RobotPose pose,
        List<ObservedObject> objects,
        ModelInfo model,
        Health health) {

    public TwinState {
        objects = List.copyOf(objects);
    }

    /**
     * The model that produced the objects.
     *
     * @param file file name
     * @param sha256 hex digest of the file
     * @param version the model's own version metadata, or "" if it has none
     * @param executionProvider the ONNX Runtime execution provider it runs on: tensorrt, cuda, cpu
     * @param precision the build that serves: fp32, or int8 (QDQ) where the profile asks for int8
     *     and it was measured faster on this device
     */
    public record ModelInfo(
            String file,
            String sha256,
            String version,
            String executionProvider,
            String precision) {}

    /**
     * Pipeline and delivery health.
     *
     * @param framesCaptured frames the feed delivered
     * @param framesDropped frames replaced before inference took them
     * @param framesProcessed frames that went through the detector
     * @param inferenceMillis detector time (preprocess, run, decode) for this frame
     * @param fps frames processed per second over the last few seconds (all cameras together)
     * @param latencyP50Millis median capture-to-result latency since the daemon started, ms
     * @param latencyP99Millis 99th percentile of the same, ms
     * @param outboxBacklog messages stored and not yet acknowledged by the broker
     * @param outboxDropped messages the publisher dropped (disk bound, or a full event hand-off)
     */
    public record Health(
            long framesCaptured,
            long framesDropped,
            long framesProcessed,
            double inferenceMillis,
            double fps,
            double latencyP50Millis,
            double latencyP99Millis,
            long outboxBacklog,
            long outboxDropped) {

        public Health {
            fps = finiteOrZero(fps);
            latencyP50Millis = finiteOrZero(latencyP50Millis);
            latencyP99Millis = finiteOrZero(latencyP99Millis);
        }

        /** As a daemon that has measured no rate, latency or delivery yet reports it. */
        public Health(
                long framesCaptured,
                long framesDropped,
                long framesProcessed,
                double inferenceMillis) {
            this(framesCaptured, framesDropped, framesProcessed, inferenceMillis, 0, 0, 0, 0, 0);
        }

        private static double finiteOrZero(double v) {
            return Double.isFinite(v) ? v : 0;
        }
    }

    @Override
    public String toString() {
        return "TwinState[seq=" + seq + ", objects=" + objects.size() + "]";
    }
}
