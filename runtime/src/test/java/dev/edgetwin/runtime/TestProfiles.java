package dev.edgetwin.runtime;

import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.DeviceProfiles;
import dev.edgetwin.profiles.ProfileException;
import java.util.Map;

/** Built-in device profiles for tests. */
public final class TestProfiles {
    private TestProfiles() {}

    /** x86_64-cpu: the CPU execution provider only. */
    public static DeviceProfile cpu() {
        return builtIn("x86_64-cpu");
    }

    /**
     * x86_64-cpu with the detector in fp32: the daemon serves the model it is given and neither
     * quantizes nor times an int8 build (tests that judge accuracy; see PrecisionSelector).
     */
    public static DeviceProfile cpuFp32() {
        try {
            return DeviceProfiles.withOverrides(cpu(), Map.of("precision.detector", "fp32"));
        } catch (ProfileException e) {
            throw new IllegalStateException(e);
        }
    }

    /** x86_64-cuda: TensorRT, then CUDA, then CPU. */
    public static DeviceProfile cuda() {
        return builtIn("x86_64-cuda");
    }

    private static DeviceProfile builtIn(String id) {
        try {
            return DeviceProfiles.builtIn(id);
        } catch (ProfileException e) {
            throw new IllegalStateException(e);
        }
    }
}
