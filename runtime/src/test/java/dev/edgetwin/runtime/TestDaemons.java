package dev.edgetwin.runtime;

import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.vision.OutputLayout;
import java.io.IOException;
import java.nio.file.Path;

/** Daemon configurations for tests: the embedded broker on a free port, fp32 on the CPU. */
public final class TestDaemons {
    private TestDaemons() {}

    /** A daemon of site {@code site} serving {@code model} at 20 fps, files under {@code dir}. */
    public static DaemonConfig serving(String site, Path model, Path dir) throws IOException {
        return new DaemonConfig(
                site,
                "robot-1",
                "127.0.0.1",
                EmbeddedBroker.freePort(),
                true,
                model,
                null,
                dir.resolve("models"),
                20,
                5,
                0.5f,
                1,
                TestProfiles.cpuFp32(),
                dir.resolve("state"),
                TwinCodec.JSON,
                EventDetector.Rules.defaults(),
                OutputLayout.AUTO);
    }
}
