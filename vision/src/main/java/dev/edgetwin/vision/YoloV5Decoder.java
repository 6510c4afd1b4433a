package dev.edgetwin.vision;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Decodes the YOLOv5 detection head, output [1, N, 5 + C]: for each of N rows the box centre, width
 * and height in model-input pixels, the objectness, then C class scores (all already through a
 * sigmoid). A row's score for class c is objectness * class score; its best class is kept when that
 * score is at or above the confidence threshold. Rows whose objectness alone is below the threshold
 * are skipped, as YOLOv5's own NMS does. Class-aware NMS, then boxes mapped back to the source
 * image.
 *
 * <p>Not thread-safe (reuses candidate arrays): one instance per inference thread.
 */
public final class YoloV5Decoder implements DetectionDecoder {
    private final List<String> classNames;
    private final int rows;
    private final float confidenceThreshold;
    private final float iouThreshold;
    private final Candidates candidates;

    /**
     * @param classNames class names in index order; their count C fixes the output shape
     * @param rows N, the number of rows (anchors) in the output
     */
    public YoloV5Decoder(
            List<String> classNames,
            int rows,
            float confidenceThreshold,
            float iouThreshold,
            int maxDetections) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("a detector needs at least one class name");
        }
        if (rows <= 0) {
            throw new IllegalArgumentException("row count must be positive, got " + rows);
        }
        Candidates.checkSettings(confidenceThreshold, iouThreshold, maxDetections);
        this.classNames = List.copyOf(classNames);
        this.rows = rows;
        this.confidenceThreshold = confidenceThreshold;
        this.iouThreshold = iouThreshold;
        this.candidates = new Candidates(rows, this.classNames, maxDetections);
    }

    @Override
    public OutputLayout layout() {
        return OutputLayout.YOLOV5;
    }

    @Override
    public long[] outputShape() {
        return new long[] {1, rows, 5 + classNames.size()};
    }

    /** The output element count this decoder expects: N * (5 + C). */
    @Override
    public int expectedLength() {
        return rows * (5 + classNames.size());
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /**
     * @param output the head's output, row-major as ONNX Runtime lays out [1, N, 5 + C]
     */
    @Override
    public List<Detection> decode(FloatBuffer output, LetterboxTransform transform) {
        Candidates.checkLength(output, this);
        int classes = classNames.size();
        int stride = 5 + classes;
        candidates.clear();
        for (int n = 0, row = 0; n < rows; n++, row += stride) {
            float objectness = output.get(row + 4);
            if (!(objectness >= confidenceThreshold)) {
                continue; // also NaN
            }
            int best = -1;
            float bestScore = confidenceThreshold;
            for (int c = 0; c < classes; c++) {
                float s = objectness * output.get(row + 5 + c);
                if (s >= bestScore) { // false for NaN
                    bestScore = s;
                    best = c;
                }
            }
            if (best >= 0) {
                float cx = output.get(row);
                float cy = output.get(row + 1);
                float hw = output.get(row + 2) / 2;
                float hh = output.get(row + 3) / 2;
                candidates.add(best, bestScore, cx - hw, cy - hh, cx + hw, cy + hh, transform);
            }
        }
        return candidates.suppress(iouThreshold);
    }
}
