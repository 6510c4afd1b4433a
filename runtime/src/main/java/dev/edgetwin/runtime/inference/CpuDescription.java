package dev.edgetwin.runtime.inference;

import dev.edgetwin.profiles.DeviceDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The CPU in one line, for reports of measured speed: what the figures depend on. */
public final class CpuDescription {
    /** The SIMD flags that decide INT8 against FP32 speed (dot-product instructions above all). */
    static final List<String> INTERESTING_FLAGS =
            List.of("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8", "asimddp", "sve");

    private static volatile String cached;

    private CpuDescription() {}

    /** Model name, core count and which of {@link #INTERESTING_FLAGS} it has. */
    public static String describe() {
        String d = cached;
        if (d == null) {
            d = read();
            cached = d;
        }
        return d;
    }

    private static String read() {
        String model = System.getProperty("os.arch");
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            model =
                    lines.filter(l -> l.startsWith("model name"))
                            .map(l -> l.substring(l.indexOf(':') + 1).strip())
                            .findFirst()
                            .orElse(model);
        } catch (IOException | RuntimeException e) {
            // No CPU model name on this platform; the architecture stands in for it.
        }
        // The device detector already reads the CPU's flags; only the ones that matter are shown.
        Set<String> present = new DeviceDetector(Path.of("/")).detect().cpuFlags();
        Set<String> flags = new LinkedHashSet<>(INTERESTING_FLAGS);
        flags.retainAll(present);
        return model
                + ", "
                + Runtime.getRuntime().availableProcessors()
                + " cores, flags: "
                + (flags.isEmpty() ? "none of " + INTERESTING_FLAGS : String.join(" ", flags));
    }
}
