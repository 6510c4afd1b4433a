package dev.edgetwin.profiles;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How models should run on one kind of device: which execution providers to try, at which
 * precision, with which options, and how much work and memory the device is given. Built-in
 * profiles come from {@link DeviceProfiles#builtIn(String)}; the README describes every field.
 *
 * <p>Rules checked here, whoever builds the profile:
 *
 * <ul>
 *   <li>{@code executionProviders} is the order to try them in, without duplicates, and ends with
 *       {@code cpu}: the CPU provider is the one that cannot be missing, so an inference engine
 *       that falls back along the list always ends on something that runs, and ONNX Runtime places
 *       the nodes a GPU provider rejects there anyway.
 *   <li>Every {@link ModelRole} has a precision.
 *   <li>With TensorRT in the list, an {@code int8} role needs {@code tensorrt.int8} (TensorRT
 *       builds QDQ models only with INT8 enabled) and an {@code fp16} role needs {@code
 *       tensorrt.fp16} (without it TensorRT runs FP16 models in FP32, silently slower).
 *   <li>Sizes and rates are positive; thermal zones are not listed twice.
 * </ul>
 *
 * @param id the profile's name, e.g. {@code jetson-orin-nano-8gb}
 * @param version the profile file's own version, raised whenever its values change
 * @param memoryBudgetBytes the most memory (CPU and, on a Jetson, the shared GPU memory) the daemon
 *     should use
 */
public record DeviceProfile(
        String id,
        int version,
        String description,
        List<ExecutionProvider> executionProviders,
        Map<ModelRole, Precision> precision,
        TensorRtOptions tensorrt,
        CudaOptions cuda,
        CpuOptions cpu,
        PipelineBudget pipeline,
        long memoryBudgetBytes,
        List<ThermalZone> thermalZones) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public DeviceProfile {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "id: '"
                            + id
                            + "' is not a profile id (lower-case letters, digits, '.', '_', '-')");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version: " + version + " is not 1 or more");
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("description: missing");
        }
        executionProviders = checkProviders(executionProviders);
        precision = checkPrecision(precision);
        require("tensorrt", tensorrt);
        require("cuda", cuda);
        require("cpu", cpu);
        require("pipeline", pipeline);
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException(
                    "memoryBudgetBytes: " + memoryBudgetBytes + " is not a positive size");
        }
        thermalZones = checkZones(thermalZones);
        if (executionProviders.contains(ExecutionProvider.TENSORRT)) {
            checkTensorRtCanRun(precision, tensorrt);
        }
    }

    /** The precision models of {@code role} run at on this device. */
    public Precision precisionFor(ModelRole role) {
        return precision.get(role);
    }

    private static List<ExecutionProvider> checkProviders(List<ExecutionProvider> providers) {
        if (providers == null || providers.isEmpty()) {
            throw new IllegalArgumentException("executionProviders: missing (at least cpu)");
        }
        Set<ExecutionProvider> seen = new HashSet<>();
        for (ExecutionProvider provider : providers) {
            // Not providers.contains(null): List.of(...) throws on that instead of answering.
            if (provider == null) {
                throw new IllegalArgumentException("executionProviders: contains an empty entry");
            }
            if (!seen.add(provider)) {
                throw new IllegalArgumentException(
                        "executionProviders: "
                                + provider.id()
                                + " is listed twice in "
                                + idsOf(providers));
            }
        }
        if (providers.get(providers.size() - 1) != ExecutionProvider.CPU) {
            throw new IllegalArgumentException(
                    "executionProviders: "
                            + idsOf(providers)
                            + " does not end with cpu (the fallback that always runs)");
        }
        return List.copyOf(providers);
    }

    private static Map<ModelRole, Precision> checkPrecision(Map<ModelRole, Precision> precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision: missing");
        }
        EnumMap<ModelRole, Precision> copy = new EnumMap<>(ModelRole.class);
        for (ModelRole role : ModelRole.values()) {
            Precision p = precision.get(role);
            if (p == null) {
                throw new IllegalArgumentException("precision." + role.id() + ": missing");
            }
            copy.put(role, p);
        }
        return Collections.unmodifiableMap(copy);
    }

    private static List<ThermalZone> checkZones(List<ThermalZone> zones) {
        if (zones == null) {
            throw new IllegalArgumentException("thermalZones: missing (an empty list is allowed)");
        }
        Set<String> seen = new HashSet<>();
        for (ThermalZone zone : zones) {
            if (zone == null) {
                throw new IllegalArgumentException("thermalZones: contains an empty entry");
            }
            if (!seen.add(zone.type())) {
                throw new IllegalArgumentException(
                        "thermalZones: " + zone.type() + " is listed twice");
            }
        }
        return List.copyOf(zones);
    }

    private static void checkTensorRtCanRun(
            Map<ModelRole, Precision> precision, TensorRtOptions tensorrt) {
        for (Map.Entry<ModelRole, Precision> e : precision.entrySet()) {
            String field = "precision." + e.getKey().id();
            if (e.getValue() == Precision.INT8 && !tensorrt.int8()) {
                throw new IllegalArgumentException(
                        field
                                + ": int8 with tensorrt in executionProviders needs tensorrt.int8:"
                                + " true (TensorRT builds INT8 models only with INT8 enabled)");
            }
            if (e.getValue() == Precision.FP16 && !tensorrt.fp16()) {
                throw new IllegalArgumentException(
                        field
                                + ": fp16 with tensorrt in executionProviders needs tensorrt.fp16:"
                                + " true (without it TensorRT runs the model in FP32)");
            }
        }
    }

    private static void require(String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": missing");
        }
    }

    static String idsOf(List<ExecutionProvider> providers) {
        StringBuilder sb = new StringBuilder();
        for (ExecutionProvider provider : providers) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(provider == null ? "?" : provider.id());
        }
        return sb.toString();
    }
}
