package dev.edgetwin.vision;

/**
 * The resampling both letterbox preprocessors share: where the content goes in the model input
 * (Ultralytics' LetterBox placement), and bilinear interpolation of packed RGB bytes into planar
 * rows, one model-input row at a time. The preprocessors only decide how a finished row is stored
 * (float /255 or uint8) and paint their padding.
 *
 * <p>Separable: each needed source row is interpolated horizontally once into a planar float row
 * (per-column indices and weights precomputed per source size), then two such rows are blended
 * vertically with one weight per output row, a plain loop over float arrays that the JIT can
 * vectorise. When consecutive output rows share a source row (upscaling, or a scale of one) the
 * horizontal pass is reused. Nothing is allocated per frame; tables and row buffers are rebuilt
 * only when the source size changes.
 *
 * <p>Not thread-safe: owned by one preprocessor.
 */
final class LetterboxResampler {

    /** Receives one finished model-input row. */
    interface RowSink {
        /**
         * @param inputRow the row in the model input, {@code 0 <= inputRow < inputHeight}
         * @param values planar: channel {@code c} of content column {@code i} (model-input column
         *     {@code contentX0 + i}) at {@code c * contentWidth + i}; source grey levels times the
         *     scale given to {@link #resample}
         */
        void row(int inputRow, float[] values);
    }

    private final int inputWidth;
    private final int inputHeight;

    // Per-source-size state, rebuilt only when the frame size changes.
    private int sourceWidth = -1;
    private int sourceHeight = -1;
    private LetterboxTransform transform;
    private int contentX0;
    private int contentWidth;
    private int contentY0;
    private int contentHeight;
    private int[] xLeft; // per content column: byte offset of the left source pixel in its row
    private int[] xRight;
    private float[] xWeight;
    private int[] yTop; // per content row: top source row
    private int[] yBottom;
    private float[] yWeight;
    private float[] upper; // horizontally resampled source rows, planar, grey levels
    private float[] lower;
    private float[] blended;

    LetterboxResampler(int inputWidth, int inputHeight) {
        if (inputWidth <= 0 || inputHeight <= 0) {
            throw new IllegalArgumentException(
                    "model input size must be positive, got " + inputWidth + "x" + inputHeight);
        }
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
    }

    /**
     * Prepares for frames of this size.
     *
     * @return true when the size changed (tables rebuilt): the caller repaints its padding
     */
    boolean adapt(int width, int height) {
        if (width == sourceWidth && height == sourceHeight) {
            return false;
        }
        buildTables(width, height);
        return true;
    }

    LetterboxTransform transform() {
        return transform;
    }

    int contentX0() {
        return contentX0;
    }

    int contentWidth() {
        return contentWidth;
    }

    /**
     * Resamples the frame's content rows into {@code sink}, each multiplied by {@code scale}. The
     * caller has called {@link #adapt} with the frame's size.
     */
    void resample(byte[] rgb, float scale, RowSink sink) {
        int upperRow = -1;
        int lowerRow = -1;
        int n = 3 * contentWidth;
        float[] out = blended;
        for (int r = 0; r < contentHeight; r++) {
            int top = yTop[r];
            int bottom = yBottom[r];
            float wy = yWeight[r];
            if (upperRow != top) {
                if (lowerRow == top) {
                    float[] swap = upper;
                    upper = lower;
                    lower = swap;
                    lowerRow = upperRow;
                } else {
                    resampleSourceRow(rgb, top, upper);
                }
                upperRow = top;
            }
            float[] u = upper;
            if (wy == 0f || bottom == top) {
                for (int k = 0; k < n; k++) {
                    out[k] = u[k] * scale;
                }
            } else {
                if (lowerRow != bottom) {
                    resampleSourceRow(rgb, bottom, lower);
                    lowerRow = bottom;
                }
                float[] l = lower;
                for (int k = 0; k < n; k++) {
                    out[k] = (u[k] + (l[k] - u[k]) * wy) * scale;
                }
            }
            sink.row(contentY0 + r, out);
        }
    }

    /** Horizontal pass: one packed RGB source row to planar grey levels at the content columns. */
    private void resampleSourceRow(byte[] rgb, int sourceRow, float[] dst) {
        int base = sourceRow * sourceWidth * 3;
        int cw = contentWidth;
        int[] left = xLeft;
        int[] right = xRight;
        float[] weight = xWeight;
        for (int i = 0; i < cw; i++) {
            int l = base + left[i];
            int r = base + right[i];
            float w = weight[i];
            float a = rgb[l] & 0xFF;
            float b = rgb[r] & 0xFF;
            dst[i] = a + (b - a) * w;
            a = rgb[l + 1] & 0xFF;
            b = rgb[r + 1] & 0xFF;
            dst[cw + i] = a + (b - a) * w;
            a = rgb[l + 2] & 0xFF;
            b = rgb[r + 2] & 0xFF;
            dst[2 * cw + i] = a + (b - a) * w;
        }
    }

    private void buildTables(int width, int height) {
        double scale = Math.min((double) inputWidth / width, (double) inputHeight / height);
        contentWidth = (int) Math.round(width * scale);
        contentHeight = (int) Math.round(height * scale);
        // Split the padding as Ultralytics' LetterBox does: the odd pixel goes right/bottom.
        int padX = (int) Math.round((inputWidth - contentWidth) / 2.0 - 0.1);
        int padY = (int) Math.round((inputHeight - contentHeight) / 2.0 - 0.1);
        contentX0 = padX;
        contentY0 = padY;
        double scaleX = (double) contentWidth / width;
        double scaleY = (double) contentHeight / height;

        xLeft = new int[contentWidth];
        xRight = new int[contentWidth];
        xWeight = new float[contentWidth];
        for (int i = 0; i < contentWidth; i++) {
            double sx = (i + 0.5) / scaleX - 0.5;
            int x0 = clampIndex((int) Math.floor(sx), width);
            int x1 = clampIndex(x0 + 1, width);
            xLeft[i] = x0 * 3;
            xRight[i] = x1 * 3;
            xWeight[i] = sx < 0 ? 0 : (float) Math.min(1, sx - Math.floor(sx));
        }
        yTop = new int[contentHeight];
        yBottom = new int[contentHeight];
        yWeight = new float[contentHeight];
        for (int r = 0; r < contentHeight; r++) {
            double sy = (r + 0.5) / scaleY - 0.5;
            int y0 = clampIndex((int) Math.floor(sy), height);
            yTop[r] = y0;
            yBottom[r] = clampIndex(y0 + 1, height);
            yWeight[r] = sy < 0 ? 0 : (float) Math.min(1, sy - Math.floor(sy));
        }
        upper = new float[3 * contentWidth];
        lower = new float[3 * contentWidth];
        blended = new float[3 * contentWidth];
        sourceWidth = width;
        sourceHeight = height;
        transform = new LetterboxTransform(scaleX, scaleY, padX, padY, width, height);
    }

    private static int clampIndex(int i, int size) {
        return i < 0 ? 0 : Math.min(i, size - 1);
    }
}
