package dev.edgetwin.vision;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Decodes an end-to-end output whose model already ran NMS (YOLOv10, or Ultralytics exports with
 * {@code nms=True}), [1, N, 6]: for each of N rows x1, y1, x2, y2 in model-input pixels, the score
 * and the class index as a float. Rows are kept when the score is at or above the confidence
 * threshold and the class is a whole number naming a known class (the model pads unused rows with
 * zeros); the best {@code maxDetections} are mapped back to the source image and clipped. No NMS is
 * applied: overlapping boxes the model returned stay.
 *
 * <p>Not thread-safe (reuses candidate arrays): one instance per inference thread.
 */
public final class EndToEndDecoder implements DetectionDecoder {
    private static final int FIELDS = 6;

    private final List<String> classNames;
    private final int rows;
    private final float confidenceThreshold;
    private final Candidates candidates;

    /**
     * @param classNames class names in index order; may be empty when the model carries none, and
     *     then any class index {@code k >= 0} is accepted and labelled {@code "class" + k}
     * @param rows N, the number of rows in the output
     */
    public EndToEndDecoder(
            List<String> classNames, int rows, float confidenceThreshold, int maxDetections) {
        if (rows <= 0) {
            throw new IllegalArgumentException("row count must be positive, got " + rows);
        }
        Candidates.checkSettings(confidenceThreshold, 1, maxDetections);
        this.classNames = List.copyOf(classNames);
        this.rows = rows;
        this.confidenceThreshold = confidenceThreshold;
        this.candidates = new Candidates(rows, this.classNames, maxDetections);
    }

    @Override
    public OutputLayout layout() {
        return OutputLayout.END_TO_END;
    }

    @Override
    public long[] outputShape() {
        return new long[] {1, rows, FIELDS};
    }

    /** The output element count this decoder expects: N * 6. */
    @Override
    public int expectedLength() {
        return rows * FIELDS;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /**
     * @param output the model's output, row-major as ONNX Runtime lays out [1, N, 6]
     */
    @Override
    public List<Detection> decode(FloatBuffer output, LetterboxTransform transform) {
        Candidates.checkLength(output, this);
        int classLimit = classNames.isEmpty() ? Integer.MAX_VALUE : classNames.size();
        candidates.clear();
        for (int n = 0, row = 0; n < rows; n++, row += FIELDS) {
            float score = output.get(row + 4);
            if (!(score >= confidenceThreshold)) {
                continue; // also NaN
            }
            float cls = output.get(row + 5);
            if (!(cls >= 0 && cls < classLimit && cls == (float) Math.rint(cls))) {
                continue; // not a class index (NaN, negative, fractional or unknown)
            }
            candidates.add(
                    (int) cls,
                    score,
                    output.get(row),
                    output.get(row + 1),
                    output.get(row + 2),
                    output.get(row + 3),
                    transform);
        }
        return candidates.best();
    }
}
