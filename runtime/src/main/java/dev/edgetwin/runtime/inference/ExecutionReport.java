package dev.edgetwin.runtime.inference;

import dev.edgetwin.profiles.ExecutionProvider;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.Precision;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a model ended up running: which execution providers were asked for, which one it got, and
 * ONNX Runtime's own reason for every better one it did not get.
 *
 * @param model file name
 * @param requested the profile's provider chain, best first
 * @param used the provider the session runs on
 * @param skipped the providers before {@code used} and why each was passed over
 * @param precision the precision the profile asks for this role
 * @param loadMillis session creation, across every attempt
 * @param warmupMillis the warm-up runs before the model was declared ready
 * @param warmupRuns how many warm-up runs were made (0 when the input shape is not fixed)
 */
public record ExecutionReport(
        String model,
        ModelRole role,
        List<ExecutionProvider> requested,
        ExecutionProvider used,
        List<SkippedProvider> skipped,
        Precision precision,
        double loadMillis,
        double warmupMillis,
        int warmupRuns) {

    public ExecutionReport {
        requested = List.copyOf(requested);
        skipped = List.copyOf(skipped);
    }

    /** A provider that was passed over, with the reason. */
    public record SkippedProvider(ExecutionProvider provider, String reason) {}

    /** Whether the model got the best provider the profile asked for. */
    public boolean gotFirstChoice() {
        return skipped.isEmpty();
    }

    /** One paragraph for the log and the CLI. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(role.id())
                .append(' ')
                .append(model)
                .append(": ")
                .append(used.id())
                .append(" execution provider, profile precision ")
                .append(precision.id())
                .append(String.format(Locale.ROOT, ", loaded in %.0f ms", loadMillis));
        if (warmupRuns > 0) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            ", warmed up in %.0f ms (%d runs)",
                            warmupMillis,
                            warmupRuns));
        } else {
            s.append(", no warm-up (input shape not fixed)");
        }
        s.append("; requested ")
                .append(
                        requested.stream()
                                .map(ExecutionProvider::id)
                                .collect(Collectors.joining(" > ")));
        for (SkippedProvider p : skipped) {
            s.append("; ").append(p.provider().id()).append(" not used: ").append(p.reason());
        }
        return s.toString();
    }
}
