package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.modelkit.ModelInspectionException;
import dev.edgetwin.modelkit.ModelInspector;
import dev.edgetwin.modelkit.ModelReport;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ExecutionProvider;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.inference.InferenceException;
import dev.edgetwin.runtime.inference.LoadedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code edgetwin models}: tools for model files. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Model tools.",
        subcommands = {ModelsCommand.Inspect.class})
final class ModelsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code edgetwin models inspect FILE}: what the model is (inputs, outputs, metadata, opset,
     * quantization) and which execution providers can run it on this machine.
     */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description =
                    "Inputs, outputs, metadata, opset, quantization, and which execution providers run it here.")
    static final class Inspect implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "An ONNX model.")
        Path file;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Mixin ProfileOptions profileOptions;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ModelReport report;
            DeviceProfile profile;
            try {
                report = ModelInspector.inspect(file);
                profile = profileOptions.resolve().profile();
            } catch (ModelInspectionException | ProfileException e) {
                err.printf("edgetwin models inspect: %s%n", e.getMessage());
                return 2;
            }
            Map<String, String> providers = new LinkedHashMap<>();
            for (ExecutionProvider p : ExecutionProvider.values()) {
                providers.put(p.id(), tryProvider(profile, p));
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", report);
                doc.put("onnxRuntime", InferenceEngine.instance().onnxRuntimeVersion());
                doc.put("executionProviders", providers);
                out.println(
                        new ObjectMapper()
                                .enable(SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(doc));
            } else {
                out.print(report.summary());
                out.printf(
                        "execution providers here (ONNX Runtime %s):%n",
                        InferenceEngine.instance().onnxRuntimeVersion());
                providers.forEach((p, verdict) -> out.printf("  %-9s %s%n", p, verdict));
            }
            out.flush();
            return 0;
        }

        /** Loads the model on {@code provider} alone: "runs (...)" or why not. */
        private String tryProvider(DeviceProfile profile, ExecutionProvider provider) {
            try (LoadedModel loaded =
                    InferenceEngine.instance()
                            .load(file, ModelRole.DETECTOR, profile, List.of(provider), null)) {
                return String.format(
                        Locale.ROOT,
                        "runs (session %.0f ms, warm-up %.0f ms)",
                        loaded.report().loadMillis(),
                        loaded.report().warmupMillis());
            } catch (InferenceException e) {
                return "no: "
                        + (e.refusals().isEmpty() ? e.getMessage() : e.refusals().get(0).reason());
            }
        }
    }
}
