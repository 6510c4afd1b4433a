package dev.edgetwin.runtime;

import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.DeviceProfiles;
import dev.edgetwin.profiles.ProfileException;

/** Built-in device profiles for tests. */
public final class TestProfiles {
    private TestProfiles() {}

    /** x86_64-cpu: the CPU execution provider only. */
    public static DeviceProfile cpu() {
        return builtIn("x86_64-cpu");
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
