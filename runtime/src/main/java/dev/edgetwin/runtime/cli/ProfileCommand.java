package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.profiles.DetectedDevice;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ExecutionProvider;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.Precision;
import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.runtime.ProfileSelection;
import dev.edgetwin.runtime.inference.InferenceEngine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin profile}: the detected device, the chosen profile and why, and per model role the
 * execution provider it would get here and why each better one would not be used.
 */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description =
                "Shows the detected device, the chosen device profile and the execution plan per model role.")
final class ProfileCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin ProfileOptions profileOptions;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProfileSelection selection;
        try {
            selection = profileOptions.resolve();
        } catch (ProfileException e) {
            err.printf("edgetwin profile: %s%n", e.getMessage());
            return 2;
        }
        InferenceEngine engine = InferenceEngine.instance();
        DeviceProfile profile = selection.profile();
        Map<String, Object> plan = new LinkedHashMap<>();
        for (ModelRole role : ModelRole.values()) {
            plan.put(role.id(), planFor(engine, profile, role));
        }
        Map<String, Object> notInChain = new LinkedHashMap<>();
        for (ExecutionProvider p : ExecutionProvider.values()) {
            if (!profile.executionProviders().contains(p)) {
                Optional<String> refusal = engine.probe(p, profile, ModelRole.DETECTOR);
                notInChain.put(
                        p.id(),
                        "not in the "
                                + profile.id()
                                + " profile's chain"
                                + refusal.map(
                                                r ->
                                                        "; this ONNX Runtime would refuse it anyway: "
                                                                + r)
                                        .orElse(" (this ONNX Runtime could initialise it)"));
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("device", selection.detected());
            doc.put("profile", profile);
            doc.put("reason", selection.reason());
            doc.put("onnxRuntime", engine.onnxRuntimeVersion());
            doc.put(
                    "compiledProviders",
                    engine.compiledProviders().stream().map(Enum::name).toList());
            doc.put("plan", plan);
            doc.put("providersNotInChain", notInChain);
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(doc));
            out.flush();
            return 0;
        }
        DetectedDevice d = selection.detected();
        out.printf(
                Locale.ROOT,
                "device:   %s%s, %.1f GiB RAM, NVIDIA driver %s%s%n",
                d.architecture(),
                d.model() == null ? "" : ", " + d.model(),
                d.memTotalBytes() / (1024.0 * 1024 * 1024),
                d.nvidiaDriverPresent() ? "present" : "absent",
                d.l4tRelease() == null ? "" : ", L4T " + d.l4tRelease());
        out.printf(
                "profile:  %s (version %d): %s%n",
                profile.id(), profile.version(), profile.description());
        out.printf("why:      %s%n", selection.reason());
        out.printf(
                "runtime:  ONNX Runtime %s, execution providers compiled in: %s%n",
                engine.onnxRuntimeVersion(), engine.compiledProviders());
        out.printf(
                "threads:  intra-op %s, inter-op %s, spinning %s%n",
                threads(profile.cpu().intraOpThreads()),
                threads(profile.cpu().interOpThreads()),
                profile.cpu().spinning() ? "on" : "off");
        out.println("plan:");
        for (Map.Entry<String, Object> e : plan.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) e.getValue();
            out.printf("  %-18s %s on %s%n", e.getKey(), p.get("precision"), p.get("provider"));
            @SuppressWarnings("unchecked")
            List<String> skipped = (List<String>) p.get("skipped");
            for (String s : skipped) {
                out.printf("  %-18s   %s%n", "", s);
            }
        }
        for (Map.Entry<String, Object> e : notInChain.entrySet()) {
            out.printf("  %-18s %s: %s%n", "", e.getKey(), e.getValue());
        }
        out.flush();
        return 0;
    }

    private static Map<String, Object> planFor(
            InferenceEngine engine, DeviceProfile profile, ModelRole role) {
        Precision precision = profile.precisionFor(role);
        List<String> skipped = new ArrayList<>();
        String provider = "none (every provider in the chain was refused)";
        for (ExecutionProvider p : profile.executionProviders()) {
            Optional<String> refusal = engine.probe(p, profile, role);
            if (refusal.isEmpty()) {
                provider = p.id();
                break;
            }
            skipped.add(p.id() + " not used: " + refusal.get());
        }
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("precision", precision.id());
        plan.put("provider", provider);
        plan.put("skipped", skipped);
        return plan;
    }

    private static String threads(int n) {
        return n == 0 ? "ONNX Runtime default" : Integer.toString(n);
    }
}
