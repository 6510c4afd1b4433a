package dev.edgetwin.vision;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Decodes the YOLOv8/YOLO11 detection head, output [1, 4 + C, N]: for each of N anchors the box
 * centre, width and height in model-input pixels, then C class scores already in [0, 1]. Keeps each
 * anchor's best class at or above the confidence threshold, applies class-aware non-maximum
 * suppression and maps boxes back to the source image.
 *
 * <p>Not thread-safe (reuses candidate arrays): one instance per inference thread.
 */
public final class YoloV8Decoder implements DetectionDecoder {
    private final List<String> classNames;
    private final int anchors;
    private final float confidenceThreshold;
    private final float iouThreshold;
    private final Candidates candidates;

    /**
     * @param classNames class names in index order; their count C fixes the output shape
     * @param anchors N, the number of anchors in the output
     */
    public YoloV8Decoder(
            List<String> classNames,
            int anchors,
            float confidenceThreshold,
            float iouThreshold,
            int maxDetections) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("a detector needs at least one class name");
        }
        if (anchors <= 0) {
            throw new IllegalArgumentException("anchor count must be positive, got " + anchors);
        }
        Candidates.checkSettings(confidenceThreshold, iouThreshold, maxDetections);
        this.classNames = List.copyOf(classNames);
        this.anchors = anchors;
        this.confidenceThreshold = confidenceThreshold;
        this.iouThreshold = iouThreshold;
        this.candidates = new Candidates(anchors, this.classNames, maxDetections);
    }

    @Override
    public OutputLayout layout() {
        return OutputLayout.YOLOV8;
    }

    @Override
    public long[] outputShape() {
        return new long[] {1, 4 + classNames.size(), anchors};
    }

    /** The output element count this decoder expects: (4 + C) * N. */
    @Override
    public int expectedLength() {
        return (4 + classNames.size()) * anchors;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /**
     * @param output the head's output, channel-major as ONNX Runtime lays out [1, 4 + C, N]
     */
    @Override
    public List<Detection> decode(FloatBuffer output, LetterboxTransform transform) {
        Candidates.checkLength(output, this);
        int classes = classNames.size();
        candidates.clear();
        for (int n = 0; n < anchors; n++) {
            int best = -1;
            float bestScore = confidenceThreshold;
            for (int c = 0; c < classes; c++) {
                float s = output.get((4 + c) * anchors + n);
                if (s >= bestScore) { // false for NaN
                    bestScore = s;
                    best = c;
                }
            }
            if (best >= 0) {
                float cx = output.get(n);
                float cy = output.get(anchors + n);
                float hw = output.get(2 * anchors + n) / 2;
                float hh = output.get(3 * anchors + n) / 2;
                candidates.add(best, bestScore, cx - hw, cy - hh, cx + hw, cy + hh, transform);
            }
        }
        return candidates.suppress(iouThreshold);
    }
}
