package dev.edgetwin.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.edgetwin.runtime.bundle.BundleException.Reason;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a model bundle holds and how the model is to be run: the signed part of a bundle ({@code
 * manifest.json}). See docs/model-bundles.md for every field.
 *
 * @param format always {@link #FORMAT}
 * @param name the model's name on the device, e.g. {@code floor-detector}
 * @param version its version ({@link ModelVersion}); a device refuses an older one than installed
 * @param role {@code detector} or {@code trajectory_scorer}
 * @param model the path (one of {@code files}) that ONNX Runtime loads
 * @param minRuntimeVersion the oldest edgetwin runtime that may run it
 * @param description free text for technicians
 * @param files every file of the bundle besides the manifest and its signature
 * @param contract the model's inputs and outputs, as the runtime will check them on load
 * @param processing pre- and post-processing settings; null fields do not apply to the role
 * @param device where it may run: device profile ids (empty: any) and precisions
 */
@JsonPropertyOrder({
    "format",
    "name",
    "version",
    "role",
    "model",
    "minRuntimeVersion",
    "description",
    "files",
    "contract",
    "processing",
    "device"
})
public record BundleManifest(
        String format,
        String name,
        String version,
        String role,
        String model,
        String minRuntimeVersion,
        String description,
        List<FileEntry> files,
        Contract contract,
        Processing processing,
        DeviceConstraints device) {

    public static final String FORMAT = "edgetwin-bundle/1";
    public static final Set<String> ROLES = Set.of("detector", "trajectory_scorer");
    public static final Set<String> PRECISIONS = Set.of("fp32", "fp16", "int8");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .serializationInclusion(JsonInclude.Include.NON_NULL)
                    .build();

    /** A file of the bundle: its path under {@code files/} in the archive, size and SHA-256. */
    public record FileEntry(String path, long size, String sha256) {}

    /** The model's tensors: name, element type ({@code float32}, ...) and dims ({@code K} free). */
    public record Contract(List<Tensor> inputs, List<Tensor> outputs) {}

    /** One input or output. */
    public record Tensor(String name, String type, List<String> shape) {}

    /** Detector settings; all null for a trajectory scorer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Processing(
            Integer inputSize,
            List<String> classNames,
            Double confidenceThreshold,
            Double iouThreshold,
            String layout) {}

    /** Device profile ids (empty: any device) and the precisions the bundle was validated in. */
    public record DeviceConstraints(List<String> profiles, List<String> precisions) {}

    /** The manifest as UTF-8 JSON, fields in a fixed order: the bytes the signature covers. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a manifest record always serialises", e);
        }
    }

    /**
     * Reads and checks a manifest.
     *
     * @throws BundleException {@link Reason#BAD_MANIFEST} naming the field that is wrong
     */
    public static BundleManifest parse(byte[] json) throws BundleException {
        BundleManifest m;
        try {
            m = JSON.readValue(json, BundleManifest.class);
        } catch (IOException e) {
            throw new BundleException(
                    Reason.BAD_MANIFEST,
                    "manifest.json is not a valid manifest: " + firstLine(e.getMessage()));
        }
        if (m == null) {
            throw new BundleException(Reason.BAD_MANIFEST, "manifest.json is empty");
        }
        m.check();
        return m;
    }

    /**
     * Checks every rule of the format.
     *
     * @throws BundleException {@link Reason#BAD_MANIFEST} naming the field that is wrong
     */
    public void check() throws BundleException {
        if (!FORMAT.equals(format)) {
            throw bad("format must be '" + FORMAT + "', got '" + format + "'");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw bad(
                    "name must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a"
                            + " letter or digit, got '"
                            + name
                            + "'");
        }
        if (!ModelVersion.isValid(version)) {
            throw bad("version is not a version (e.g. 1.4.0): '" + version + "'");
        }
        if (!ModelVersion.isValid(minRuntimeVersion)) {
            throw bad("minRuntimeVersion is not a version: '" + minRuntimeVersion + "'");
        }
        if (role == null || !ROLES.contains(role)) {
            throw bad("role must be one of " + ROLES + ", got '" + role + "'");
        }
        if (files == null || files.isEmpty()) {
            throw bad("files must list at least the model file");
        }
        Set<String> paths = new HashSet<>();
        for (FileEntry f : files) {
            if (f == null) {
                throw bad("files holds a null entry");
            }
            String problem = EntryPaths.problem(f.path());
            if (problem != null) {
                throw bad("files: path '" + f.path() + "' " + problem);
            }
            if (!paths.add(f.path().toLowerCase(Locale.ROOT))) {
                throw bad("files lists '" + f.path() + "' twice");
            }
            if (f.size() < 0) {
                throw bad("files: '" + f.path() + "' has a negative size " + f.size());
            }
            if (f.sha256() == null || !SHA256.matcher(f.sha256()).matches()) {
                throw bad(
                        "files: '"
                                + f.path()
                                + "' needs a sha256 of 64 lowercase hex digits, got '"
                                + f.sha256()
                                + "'");
            }
        }
        if (model == null || files.stream().noneMatch(f -> f.path().equals(model))) {
            throw bad("model must name one of the files, got '" + model + "'");
        }
        if (!model.endsWith(".onnx")) {
            throw bad("model must be an .onnx file, got '" + model + "'");
        }
        if (contract == null
                || contract.inputs() == null
                || contract.outputs() == null
                || contract.inputs().isEmpty()
                || contract.outputs().isEmpty()) {
            throw bad("contract must list at least one input and one output");
        }
        for (Tensor t : concat(contract.inputs(), contract.outputs())) {
            if (t == null || t.name() == null || t.type() == null || t.shape() == null) {
                throw bad("contract: every tensor needs a name, a type and a shape");
            }
        }
        if (device == null || device.profiles() == null || device.precisions() == null) {
            throw bad("device must hold profiles (may be empty) and precisions");
        }
        if (device.precisions().isEmpty() || !PRECISIONS.containsAll(device.precisions())) {
            throw bad(
                    "device.precisions must be some of "
                            + PRECISIONS
                            + ", got "
                            + device.precisions());
        }
        if ("detector".equals(role)) {
            if (processing == null
                    || processing.inputSize() == null
                    || processing.classNames() == null
                    || processing.classNames().isEmpty()) {
                throw bad("a detector needs processing.inputSize and processing.classNames");
            }
            if (processing.inputSize() < 32 || processing.inputSize() > 4096) {
                throw bad("processing.inputSize must be 32-4096, got " + processing.inputSize());
            }
            checkFraction("processing.confidenceThreshold", processing.confidenceThreshold());
            checkFraction("processing.iouThreshold", processing.iouThreshold());
        }
    }

    /** The entry for {@code path}, or null. */
    public FileEntry file(String path) {
        for (FileEntry f : files) {
            if (f.path().equals(path)) {
                return f;
            }
        }
        return null;
    }

    public ModelVersion parsedVersion() {
        return ModelVersion.parse(version);
    }

    private static void checkFraction(String field, Double value) throws BundleException {
        if (value != null && !(value > 0 && value < 1)) {
            throw bad(field + " must lie in (0, 1), got " + value);
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        java.util.ArrayList<T> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static BundleException bad(String message) {
        return new BundleException(Reason.BAD_MANIFEST, "manifest.json: " + message);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
