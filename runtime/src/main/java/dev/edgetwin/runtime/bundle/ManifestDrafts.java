package dev.edgetwin.runtime.bundle;

import dev.edgetwin.modelkit.ModelInspectionException;
import dev.edgetwin.modelkit.ModelInspector;
import dev.edgetwin.modelkit.ModelReport;
import dev.edgetwin.modelkit.TensorDescription;
import dev.edgetwin.vision.UltralyticsMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A manifest drawn from an ONNX file, as {@code edgetwin models pack} writes it: the contract from
 * the graph's inputs and outputs, a detector's input size and class names from its Ultralytics
 * metadata, the precision from its weights. Read with the model kit's protobuf reader, not ONNX
 * Runtime.
 */
public final class ManifestDrafts {
    private ManifestDrafts() {}

    /** What the technician says about the model; the rest is read from the file. */
    public record Request(
            Path model,
            String name,
            String version,
            String role,
            String minRuntimeVersion,
            String description,
            List<String> profiles,
            Double confidenceThreshold,
            Double iouThreshold,
            String layout) {}

    /**
     * The manifest and the files it lists (path in the bundle -> source).
     *
     * @throws BundleException naming what is wrong with the request or the model
     */
    public static Map.Entry<BundleManifest, Map<String, Path>> draft(Request r)
            throws IOException, BundleException {
        ModelReport report;
        try {
            report = ModelInspector.inspect(r.model());
        } catch (ModelInspectionException e) {
            throw new BundleException(
                    BundleException.Reason.BAD_MANIFEST,
                    r.model() + " is not an ONNX model: " + e.getMessage(),
                    e);
        }
        String fileName = r.model().getFileName().toString();
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(fileName, r.model());
        BundleManifest.Processing processing = null;
        if ("detector".equals(r.role())) {
            processing =
                    new BundleManifest.Processing(
                            inputSize(report),
                            classNames(report),
                            r.confidenceThreshold() != null ? r.confidenceThreshold() : 0.5,
                            r.iouThreshold() != null ? r.iouThreshold() : 0.5,
                            r.layout() != null ? r.layout() : "auto");
        }
        String precision = report.quantized() ? "int8" : "fp32";
        BundleManifest manifest =
                new BundleManifest(
                        BundleManifest.FORMAT,
                        r.name(),
                        r.version(),
                        r.role(),
                        fileName,
                        r.minRuntimeVersion(),
                        r.description(),
                        BundlePacker.describe(files),
                        new BundleManifest.Contract(
                                tensors(report.inputs()), tensors(report.outputs())),
                        processing,
                        new BundleManifest.DeviceConstraints(
                                r.profiles() == null ? List.of() : List.copyOf(r.profiles()),
                                List.of(precision)));
        manifest.check();
        return Map.entry(manifest, files);
    }

    private static List<BundleManifest.Tensor> tensors(List<TensorDescription> described) {
        List<BundleManifest.Tensor> tensors = new ArrayList<>();
        for (TensorDescription t : described) {
            tensors.add(new BundleManifest.Tensor(t.name(), t.elementType(), t.shape()));
        }
        return tensors;
    }

    /** The square input side: from the first input's last dim, else Ultralytics' imgsz. */
    private static Integer inputSize(ModelReport report) throws BundleException {
        List<String> shape = report.inputs().isEmpty() ? List.of() : report.inputs().get(0).shape();
        if (shape.size() == 4) {
            try {
                return Integer.parseInt(shape.get(3));
            } catch (NumberFormatException e) {
                // A dynamic width: fall back to the metadata.
            }
        }
        String imgsz = report.metadata().get("imgsz");
        if (imgsz != null) {
            String digits = imgsz.replaceAll("[^0-9,]", "");
            String[] parts = digits.split(",");
            if (parts.length > 0 && !parts[parts.length - 1].isEmpty()) {
                return Integer.parseInt(parts[parts.length - 1]);
            }
        }
        throw new BundleException(
                BundleException.Reason.BAD_MANIFEST,
                report.file()
                        + ": cannot tell the detector's input size (no fixed [1, 3, H, W] input"
                        + " and no imgsz metadata)");
    }

    private static List<String> classNames(ModelReport report) throws BundleException {
        String names = report.metadata().get("names");
        if (names == null) {
            throw new BundleException(
                    BundleException.Reason.BAD_MANIFEST,
                    report.file()
                            + " has no 'names' metadata: a detector bundle must name its classes");
        }
        try {
            return UltralyticsMetadata.parseNames(names);
        } catch (IllegalArgumentException e) {
            throw new BundleException(
                    BundleException.Reason.BAD_MANIFEST, report.file() + ": " + e.getMessage());
        }
    }
}
