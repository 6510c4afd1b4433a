package dev.edgetwin.profiles;

/**
 * Options for ONNX Runtime's CUDA execution provider; {@code deviceId} is also the GPU the TensorRT
 * provider uses.
 *
 * @param deviceId the CUDA device ordinal ({@code device_id})
 * @param memoryLimitBytes the most memory the provider's arena may hold ({@code gpu_mem_limit}); 0
 *     = no limit. On a Jetson the GPU allocates from the same RAM as the CPU, so an unlimited arena
 *     can starve the camera and the rest of the robot.
 */
public record CudaOptions(int deviceId, long memoryLimitBytes) {

    /** What a profile that lists neither CUDA nor TensorRT gets for the options it leaves out. */
    static final CudaOptions DEFAULTS = new CudaOptions(0, 0);

    public CudaOptions {
        if (deviceId < 0) {
            throw new IllegalArgumentException(
                    "cuda.deviceId: " + deviceId + " is negative (CUDA devices count from 0)");
        }
        if (memoryLimitBytes < 0) {
            throw new IllegalArgumentException(
                    "cuda.memoryLimitBytes: " + memoryLimitBytes + " is negative (0 = no limit)");
        }
    }
}
