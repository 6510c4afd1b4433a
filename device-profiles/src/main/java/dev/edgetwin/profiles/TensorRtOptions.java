package dev.edgetwin.profiles;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Options for ONNX Runtime's TensorRT execution provider. The GPU it runs on is {@link
 * CudaOptions#deviceId()}.
 *
 * @param fp16 let TensorRT pick FP16 kernels ({@code trt_fp16_enable})
 * @param int8 let TensorRT build INT8 (QDQ) models with INT8 kernels ({@code trt_int8_enable})
 * @param engineCacheDir absolute directory where built engines are kept, so that a restart does not
 *     spend minutes rebuilding them ({@code trt_engine_cache_path})
 * @param dlaCore the deep-learning accelerator core the detector's engine is placed on, with GPU
 *     fallback for layers the DLA lacks; {@code null} = GPU only. Only the detector: the trajectory
 *     scorer's batch size is set at run time and the DLA takes static shapes only.
 * @param workspaceBytes the most GPU memory TensorRT may use as scratch while building and running
 *     an engine ({@code trt_max_workspace_size})
 */
public record TensorRtOptions(
        boolean fp16, boolean int8, String engineCacheDir, Integer dlaCore, long workspaceBytes) {

    /** Xavier and Orin have two DLA cores (0 and 1); Orin NX 8GB has only core 0. */
    static final int MAX_DLA_CORE = 1;

    static final String DEFAULT_ENGINE_CACHE_DIR = "/var/cache/edgetwin/tensorrt";

    /** What a profile that does not list TensorRT gets for the options it leaves out. */
    static final TensorRtOptions DEFAULTS =
            new TensorRtOptions(false, false, DEFAULT_ENGINE_CACHE_DIR, null, 1L << 30);

    public TensorRtOptions {
        if (engineCacheDir == null || engineCacheDir.isBlank()) {
            throw new IllegalArgumentException("tensorrt.engineCacheDir: missing");
        }
        if (!isAbsolute(engineCacheDir)) {
            // A relative directory would follow the daemon's working directory, which a service
            // manager chooses: engines would be rebuilt, or written somewhere unexpected.
            throw new IllegalArgumentException(
                    "tensorrt.engineCacheDir: '" + engineCacheDir + "' is not an absolute path");
        }
        if (dlaCore != null) {
            if (dlaCore < 0 || dlaCore > MAX_DLA_CORE) {
                throw new IllegalArgumentException(
                        "tensorrt.dlaCore: "
                                + dlaCore
                                + " is not a DLA core (0 or 1; none for GPU only)");
            }
            if (!fp16 && !int8) {
                throw new IllegalArgumentException(
                        "tensorrt.dlaCore: "
                                + dlaCore
                                + " needs tensorrt.fp16 or tensorrt.int8 true: the DLA has no FP32"
                                + " kernels");
            }
        }
        if (workspaceBytes <= 0) {
            throw new IllegalArgumentException(
                    "tensorrt.workspaceBytes: " + workspaceBytes + " is not a positive size");
        }
    }

    private static boolean isAbsolute(String dir) {
        try {
            return Path.of(dir).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
