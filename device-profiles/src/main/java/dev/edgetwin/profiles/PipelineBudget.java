package dev.edgetwin.profiles;

/**
 * How much work the device is expected to keep up with.
 *
 * @param cameraWidth camera frame width, pixels
 * @param cameraHeight camera frame height, pixels
 * @param cameraFps frames per second the detector should keep up with
 * @param plannerBatchK sampled futures scored per plan (the scorer's batch size)
 * @param plannerHorizonT steps per sampled future
 * @param plannerRateHz plans per second
 */
public record PipelineBudget(
        int cameraWidth,
        int cameraHeight,
        double cameraFps,
        int plannerBatchK,
        int plannerHorizonT,
        double plannerRateHz) {

    /** 8K; anything larger is a typo on a robot. */
    static final int MAX_CAMERA_SIDE = 8192;

    static final double MAX_CAMERA_FPS = 240;
    static final int MAX_PLANNER_BATCH_K = 65_536;
    static final int MAX_PLANNER_HORIZON_T = 4096;
    static final double MAX_PLANNER_RATE_HZ = 1000;

    public PipelineBudget {
        checkRange("pipeline.cameraWidth", cameraWidth, MAX_CAMERA_SIDE);
        checkRange("pipeline.cameraHeight", cameraHeight, MAX_CAMERA_SIDE);
        checkRate("pipeline.cameraFps", cameraFps, MAX_CAMERA_FPS);
        checkRange("pipeline.plannerBatchK", plannerBatchK, MAX_PLANNER_BATCH_K);
        checkRange("pipeline.plannerHorizonT", plannerHorizonT, MAX_PLANNER_HORIZON_T);
        checkRate("pipeline.plannerRateHz", plannerRateHz, MAX_PLANNER_RATE_HZ);
    }

    private static void checkRange(String field, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(field + ": " + value + " is not in 1.." + max);
        }
    }

    private static void checkRate(String field, double value, double max) {
        if (!(value > 0 && value <= max)) {
            throw new IllegalArgumentException(
                    field + ": " + value + " is not a rate above 0 and at most " + max);
        }
    }
}
