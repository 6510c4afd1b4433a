package dev.edgetwin.profiles;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Collects profile fields by dotted key ({@code cpu.intraOpThreads}), from a YAML file or from
 * overrides, and builds the {@link DeviceProfile}. One table of keys serves both, so a file and an
 * override accept the same spellings and reject bad values with the same messages. Every problem is
 * collected, not just the first, so one run shows a technician everything to fix.
 */
final class ProfileBuilder {

    static final String SCHEMA = "edgetwin/device-profile/1";

    /** Keys a profile file has that an override may not change: they say what the file is. */
    static final Set<String> FILE_ONLY_KEYS = Set.of("schema", "id", "version");

    /** Sections whose fields are nested one level in YAML. */
    static final List<String> SECTIONS =
            List.of("precision", "tensorrt", "cuda", "cpu", "pipeline");

    private interface Setter {
        /** Parses {@code value} into {@code b}; throws IllegalArgumentException quoting it. */
        void set(ProfileBuilder b, String value);
    }

    /** Every key that takes one value, in the order the README and {@code toYaml} use. */
    private static final Map<String, Setter> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("description", (b, v) -> b.description = v.trim());
        KEYS.put("executionProviders", (b, v) -> b.providers = parseProviders(v));
        for (ModelRole role : ModelRole.values()) {
            KEYS.put("precision." + role.id(), (b, v) -> b.precision.put(role, Precision.parse(v)));
        }
        KEYS.put("tensorrt.fp16", (b, v) -> b.trtFp16 = parseBoolean(v));
        KEYS.put("tensorrt.int8", (b, v) -> b.trtInt8 = parseBoolean(v));
        KEYS.put("tensorrt.engineCacheDir", (b, v) -> b.trtEngineCacheDir = v.trim());
        KEYS.put("tensorrt.dlaCore", (b, v) -> b.trtDlaCore = parseDlaCore(v));
        KEYS.put("tensorrt.workspaceBytes", (b, v) -> b.trtWorkspaceBytes = ByteSizes.parse(v));
        KEYS.put("cuda.deviceId", (b, v) -> b.cudaDeviceId = parseInt(v));
        KEYS.put("cuda.memoryLimitBytes", (b, v) -> b.cudaMemoryLimitBytes = ByteSizes.parse(v));
        KEYS.put("cpu.intraOpThreads", (b, v) -> b.intraOpThreads = parseInt(v));
        KEYS.put("cpu.interOpThreads", (b, v) -> b.interOpThreads = parseInt(v));
        KEYS.put("cpu.spinning", (b, v) -> b.spinning = parseBoolean(v));
        KEYS.put("pipeline.cameraWidth", (b, v) -> b.cameraWidth = parseInt(v));
        KEYS.put("pipeline.cameraHeight", (b, v) -> b.cameraHeight = parseInt(v));
        KEYS.put("pipeline.cameraFps", (b, v) -> b.cameraFps = parseDouble(v));
        KEYS.put("pipeline.plannerBatchK", (b, v) -> b.plannerBatchK = parseInt(v));
        KEYS.put("pipeline.plannerHorizonT", (b, v) -> b.plannerHorizonT = parseInt(v));
        KEYS.put("pipeline.plannerRateHz", (b, v) -> b.plannerRateHz = parseDouble(v));
        KEYS.put("memoryBudgetBytes", (b, v) -> b.memoryBudgetBytes = ByteSizes.parse(v));
        KEYS.put("thermalZones", (b, v) -> b.thermalZones = parseZones(v));
    }

    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private final List<String> problems = new ArrayList<>();
    private final Set<String> assigned = new LinkedHashSet<>();

    /** Keys given at all, well or badly: a bad one is not reported as missing too. */
    private final Set<String> attempted = new LinkedHashSet<>();

    /** Where each key was given in a file, to point problems found later at the line. */
    private final Map<String, Integer> lines = new LinkedHashMap<>();

    private String schema;
    private String id;
    private Integer version;
    private String description;
    private List<ExecutionProvider> providers;
    private final Map<ModelRole, Precision> precision = new EnumMap<>(ModelRole.class);
    private boolean trtFp16 = TensorRtOptions.DEFAULTS.fp16();
    private boolean trtInt8 = TensorRtOptions.DEFAULTS.int8();
    private String trtEngineCacheDir = TensorRtOptions.DEFAULTS.engineCacheDir();
    private Integer trtDlaCore = TensorRtOptions.DEFAULTS.dlaCore();
    private long trtWorkspaceBytes = TensorRtOptions.DEFAULTS.workspaceBytes();
    private int cudaDeviceId = CudaOptions.DEFAULTS.deviceId();
    private long cudaMemoryLimitBytes = CudaOptions.DEFAULTS.memoryLimitBytes();
    private Integer intraOpThreads;
    private Integer interOpThreads;
    private Boolean spinning;
    private Integer cameraWidth;
    private Integer cameraHeight;
    private Double cameraFps;
    private Integer plannerBatchK;
    private Integer plannerHorizonT;
    private Double plannerRateHz;
    private Long memoryBudgetBytes;
    private List<ThermalZone> thermalZones;

    /** Keys {@link DeviceProfiles#withOverrides} accepts, in documentation order. */
    static List<String> overridableKeys() {
        return List.copyOf(KEYS.keySet());
    }

    static boolean isKey(String key) {
        return KEYS.containsKey(key);
    }

    /** A builder holding every field of {@code profile}, for overriding some of them. */
    static ProfileBuilder from(DeviceProfile profile) {
        ProfileBuilder b = new ProfileBuilder();
        b.schema = SCHEMA;
        b.id = profile.id();
        b.version = profile.version();
        b.description = profile.description();
        b.providers = profile.executionProviders();
        b.precision.putAll(profile.precision());
        TensorRtOptions trt = profile.tensorrt();
        b.trtFp16 = trt.fp16();
        b.trtInt8 = trt.int8();
        b.trtEngineCacheDir = trt.engineCacheDir();
        b.trtDlaCore = trt.dlaCore();
        b.trtWorkspaceBytes = trt.workspaceBytes();
        b.cudaDeviceId = profile.cuda().deviceId();
        b.cudaMemoryLimitBytes = profile.cuda().memoryLimitBytes();
        b.intraOpThreads = profile.cpu().intraOpThreads();
        b.interOpThreads = profile.cpu().interOpThreads();
        b.spinning = profile.cpu().spinning();
        PipelineBudget p = profile.pipeline();
        b.cameraWidth = p.cameraWidth();
        b.cameraHeight = p.cameraHeight();
        b.cameraFps = p.cameraFps();
        b.plannerBatchK = p.plannerBatchK();
        b.plannerHorizonT = p.plannerHorizonT();
        b.plannerRateHz = p.plannerRateHz();
        b.memoryBudgetBytes = profile.memoryBudgetBytes();
        b.thermalZones = profile.thermalZones();
        b.assigned.addAll(FILE_ONLY_KEYS);
        b.assigned.addAll(KEYS.keySet());
        return b;
    }

    /** Records a problem that belongs to no key (e.g. an override without one). */
    void problem(String message) {
        problems.add(message);
    }

    /** Records a problem with the value given for {@code key} on {@code line} of a file. */
    void problem(String key, String message, YamlTree.Node at) {
        attempted.add(key);
        problems.add(message + atLine(at.line()));
    }

    /** Sets {@code schema}, {@code id} or {@code version}, which only a file may set. */
    void setFileKey(String key, String value, int line) {
        attempted.add(key);
        lines.put(key, line);
        if (value == null) {
            problems.add(key + ": missing value" + atLine(line));
            return;
        }
        assigned.add(key);
        switch (key) {
            case "schema" -> {
                schema = value.trim();
                if (!SCHEMA.equals(schema)) {
                    problems.add(
                            "schema: '"
                                    + value
                                    + "' is not "
                                    + SCHEMA
                                    + " (the only schema this version reads)"
                                    + atLine(line));
                }
            }
            case "id" -> id = value.trim();
            case "version" -> {
                try {
                    version = parseInt(value);
                } catch (IllegalArgumentException e) {
                    problems.add("version: " + e.getMessage() + atLine(line));
                }
            }
            default -> throw new IllegalArgumentException("not a file key: " + key);
        }
    }

    /** Sets the field named by dotted {@code key} from an override; {@code null} = no value. */
    void set(String key, String value) {
        set(key, value, 0);
    }

    /** As {@link #set(String, String)}, from {@code line} of a file (0 = not from a file). */
    void set(String key, String value, int line) {
        attempted.add(key);
        if (FILE_ONLY_KEYS.contains(key)) {
            problems.add(
                    key + ": cannot be overridden (load a profile file with its own " + key + ")");
            return;
        }
        Setter setter = KEYS.get(key);
        if (setter == null) {
            problems.add(unknownKey(key) + atLine(line));
            return;
        }
        lines.put(key, line);
        if (value == null && !key.equals("tensorrt.dlaCore")) {
            problems.add(key + ": missing value" + atLine(line));
            return;
        }
        try {
            setter.set(this, value == null ? "" : value);
            assigned.add(key);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            problems.add(
                    (message.startsWith(key + ":") ? message : key + ": " + message)
                            + atLine(line));
        }
    }

    /** Sets {@code executionProviders} from a YAML list, one entry per item. */
    void setProviders(List<String> items, int line) {
        attempted.add("executionProviders");
        lines.put("executionProviders", line);
        try {
            providers = parseProviderItems(items);
            assigned.add("executionProviders");
        } catch (IllegalArgumentException e) {
            problems.add("executionProviders: " + e.getMessage() + atLine(line));
        }
    }

    /** Sets {@code thermalZones} from a YAML list. */
    void setThermalZones(List<ThermalZone> zones, int line) {
        attempted.add("thermalZones");
        lines.put("thermalZones", line);
        thermalZones = zones;
        assigned.add("thermalZones");
    }

    /**
     * Checks that a profile file gave every field it must: all of them, except that the {@code
     * tensorrt} and {@code cuda} sections may be left out, in part or whole, when their provider is
     * not listed (the missing fields take the defaults). {@code tensorrt.dlaCore} is optional
     * everywhere: absent means GPU only.
     */
    void requireComplete() {
        List<String> required = new ArrayList<>(FILE_ONLY_KEYS.size() + KEYS.size());
        required.add("schema");
        required.add("id");
        required.add("version");
        boolean trt = providers != null && providers.contains(ExecutionProvider.TENSORRT);
        boolean gpu = trt || (providers != null && providers.contains(ExecutionProvider.CUDA));
        for (String key : KEYS.keySet()) {
            if (key.equals("tensorrt.dlaCore")
                    || (key.startsWith("tensorrt.") && !trt)
                    || (key.startsWith("cuda.") && !gpu)) {
                continue;
            }
            required.add(key);
        }
        for (String key : required) {
            int dot = key.indexOf('.');
            // A broken section ("tensorrt: 5") is one problem, not one per field in it.
            boolean sectionAttempted = dot > 0 && attempted.contains(key.substring(0, dot));
            if (!assigned.contains(key) && !attempted.contains(key) && !sectionAttempted) {
                problems.add(key + ": missing" + whyRequired(key, trt, gpu));
            }
        }
    }

    /**
     * Builds the profile, or throws one {@link ProfileException} listing every problem found so far
     * and every rule the records reject.
     */
    DeviceProfile build(String source) throws ProfileException {
        if (!problems.isEmpty()) {
            throw ProfileException.invalid(source, problems);
        }
        TensorRtOptions trt =
                attempt(
                        () ->
                                new TensorRtOptions(
                                        trtFp16,
                                        trtInt8,
                                        trtEngineCacheDir,
                                        trtDlaCore,
                                        trtWorkspaceBytes));
        CudaOptions cuda = attempt(() -> new CudaOptions(cudaDeviceId, cudaMemoryLimitBytes));
        CpuOptions cpu = attempt(() -> new CpuOptions(intraOpThreads, interOpThreads, spinning));
        PipelineBudget pipeline =
                attempt(
                        () ->
                                new PipelineBudget(
                                        cameraWidth,
                                        cameraHeight,
                                        cameraFps,
                                        plannerBatchK,
                                        plannerHorizonT,
                                        plannerRateHz));
        if (!problems.isEmpty()) {
            throw ProfileException.invalid(source, problems);
        }
        DeviceProfile profile =
                attempt(
                        () ->
                                new DeviceProfile(
                                        id,
                                        version,
                                        description,
                                        providers,
                                        precision,
                                        trt,
                                        cuda,
                                        cpu,
                                        pipeline,
                                        memoryBudgetBytes,
                                        thermalZones));
        if (!problems.isEmpty()) {
            throw ProfileException.invalid(source, problems);
        }
        return profile;
    }

    private interface Construction<T> {
        T make();
    }

    private <T> T attempt(Construction<T> construction) {
        try {
            return construction.make();
        } catch (IllegalArgumentException e) {
            // The records name the field first ("cpu.intraOpThreads: ..."): point at its line.
            String message = e.getMessage();
            int colon = message.indexOf(':');
            Integer line = colon < 0 ? null : lines.get(message.substring(0, colon));
            problems.add(message + atLine(line == null ? 0 : line));
            return null;
        }
    }

    /** " (line 7)" for a problem found in a file; nothing for an override. */
    private static String atLine(int line) {
        return line > 0 ? " (line " + line + ")" : "";
    }

    private static String whyRequired(String key, boolean trt, boolean gpu) {
        if (key.startsWith("tensorrt.") && trt) {
            return " (required because tensorrt is in executionProviders)";
        }
        if (key.startsWith("cuda.") && gpu) {
            return " (required because cuda or tensorrt is in executionProviders)";
        }
        return "";
    }

    static String unknownKey(String key) {
        int dot = key.indexOf('.');
        String section = dot < 0 ? key : key.substring(0, dot);
        if (dot >= 0 && SECTIONS.contains(section)) {
            String siblings =
                    KEYS.keySet().stream()
                            .filter(k -> k.startsWith(section + "."))
                            .map(k -> k.substring(section.length() + 1))
                            .collect(Collectors.joining(", "));
            return "unknown key '" + key + "' (" + section + " has " + siblings + ")";
        }
        Set<String> top = new LinkedHashSet<>();
        for (String k : KEYS.keySet()) {
            int d = k.indexOf('.');
            top.add(d < 0 ? k : k.substring(0, d) + ".*");
        }
        return "unknown key '" + key + "' (known: " + String.join(", ", top) + ")";
    }

    private static List<ExecutionProvider> parseProviders(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("'' is empty (at least cpu)");
        }
        List<String> items = new ArrayList<>();
        Collections.addAll(items, text.split(",", -1));
        return parseProviderItems(items);
    }

    private static List<ExecutionProvider> parseProviderItems(List<String> items) {
        List<ExecutionProvider> result = new ArrayList<>(items.size());
        for (String item : items) {
            result.add(ExecutionProvider.parse(item));
        }
        return result;
    }

    /** {@code type:celsius} pairs separated by commas; empty or {@code none} for no zones. */
    private static List<ThermalZone> parseZones(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<ThermalZone> zones = new ArrayList<>();
        for (String item : trimmed.split(",", -1)) {
            int colon = item.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "'" + item.trim() + "' is not type:celsius (e.g. cpu-thermal:90)");
            }
            double celsius;
            try {
                celsius = parseDouble(item.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "'"
                                + item.trim()
                                + "' has no temperature after ':' ("
                                + e.getMessage()
                                + ")");
            }
            zones.add(new ThermalZone(item.substring(0, colon).trim(), celsius));
        }
        return zones;
    }

    private static boolean parseBoolean(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true")) {
            return true;
        }
        if (t.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("'" + text + "' is not true or false");
    }

    static int parseInt(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }

    static double parseDouble(String text) {
        String t = text.trim();
        // Double.parseDouble would also take "NaN", "Infinity" and hex floats.
        if (!DECIMAL.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
        return Double.parseDouble(t);
    }

    private static Integer parseDlaCore(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("none") || t.equalsIgnoreCase("null")) {
            return null;
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a DLA core (0, 1, or none for GPU only)");
        }
    }
}
