package dev.edgetwin.vision;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Resizes a frame into the model input, keeping its aspect ratio (bilinear) and padding the rest
 * with grey 114, as Ultralytics does; normalises to [0, 1] and writes planar RGB (CHW) into one
 * direct, native-order buffer that is allocated once and rewritten for every frame, so an ONNX
 * tensor can wrap it without a copy.
 *
 * <p>Not thread-safe: one instance per inference thread.
 */
public final class LetterboxPreprocessor {
    static final float PAD_VALUE = 114f / 255f;
    private static final float[] UNIT_SCALE = buildUnitScale();

    private final int inputWidth;
    private final int inputHeight;
    private final FloatBuffer input;
    private final float[] plane;

    // Per-source-size sampling tables, rebuilt only when the frame size changes.
    private int tableSourceWidth = -1;
    private int tableSourceHeight = -1;
    private LetterboxTransform transform;
    private int contentX0;
    private int contentX1;
    private int contentY0;
    private int contentY1;
    private int[] xLeft;
    private int[] xRight;
    private float[] xWeight;
    private int[] yTop;
    private int[] yBottom;
    private float[] yWeight;

    public LetterboxPreprocessor(int inputWidth, int inputHeight) {
        if (inputWidth <= 0 || inputHeight <= 0) {
            throw new IllegalArgumentException(
                    "model input size must be positive, got " + inputWidth + "x" + inputHeight);
        }
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.input =
                ByteBuffer.allocateDirect(3 * inputWidth * inputHeight * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        this.plane = new float[3 * inputWidth * inputHeight];
    }

    /** The buffer holding the latest prepared input, [1, 3, inputHeight, inputWidth]. */
    public FloatBuffer inputBuffer() {
        return input;
    }

    public long[] inputShape() {
        return new long[] {1, 3, inputHeight, inputWidth};
    }

    /** Letterboxes {@code frame} into {@link #inputBuffer()}. */
    public LetterboxTransform prepare(Frame frame) {
        if (frame.width() != tableSourceWidth || frame.height() != tableSourceHeight) {
            buildTables(frame.width(), frame.height());
        }
        byte[] rgb = frame.rgb();
        int planeSize = inputWidth * inputHeight;
        int rowStride = frame.width() * 3;
        for (int y = contentY0; y < contentY1; y++) {
            int top = yTop[y] * rowStride;
            int bottom = yBottom[y] * rowStride;
            float wy = yWeight[y];
            int out = y * inputWidth;
            for (int x = contentX0; x < contentX1; x++) {
                int left = xLeft[x];
                int right = xRight[x];
                float wx = xWeight[x];
                for (int c = 0; c < 3; c++) {
                    float tl = UNIT_SCALE[rgb[top + left + c] & 0xFF];
                    float tr = UNIT_SCALE[rgb[top + right + c] & 0xFF];
                    float bl = UNIT_SCALE[rgb[bottom + left + c] & 0xFF];
                    float br = UNIT_SCALE[rgb[bottom + right + c] & 0xFF];
                    float t = tl + (tr - tl) * wx;
                    float b = bl + (br - bl) * wx;
                    plane[c * planeSize + out + x] = t + (b - t) * wy;
                }
            }
        }
        input.put(0, plane);
        return transform;
    }

    private void buildTables(int sourceWidth, int sourceHeight) {
        double scale =
                Math.min((double) inputWidth / sourceWidth, (double) inputHeight / sourceHeight);
        int contentWidth = (int) Math.round(sourceWidth * scale);
        int contentHeight = (int) Math.round(sourceHeight * scale);
        // Split the padding as Ultralytics' LetterBox does: the odd pixel goes right/bottom.
        int padX = (int) Math.round((inputWidth - contentWidth) / 2.0 - 0.1);
        int padY = (int) Math.round((inputHeight - contentHeight) / 2.0 - 0.1);
        contentX0 = padX;
        contentX1 = padX + contentWidth;
        contentY0 = padY;
        contentY1 = padY + contentHeight;
        double scaleX = (double) contentWidth / sourceWidth;
        double scaleY = (double) contentHeight / sourceHeight;

        xLeft = new int[inputWidth];
        xRight = new int[inputWidth];
        xWeight = new float[inputWidth];
        for (int x = contentX0; x < contentX1; x++) {
            double sx = (x - padX + 0.5) / scaleX - 0.5;
            int x0 = clampIndex((int) Math.floor(sx), sourceWidth);
            int x1 = clampIndex(x0 + 1, sourceWidth);
            xLeft[x] = x0 * 3;
            xRight[x] = x1 * 3;
            xWeight[x] = (float) Math.min(1, Math.max(0, sx - Math.floor(sx)));
            if (sx < 0) {
                xWeight[x] = 0;
            }
        }
        yTop = new int[inputHeight];
        yBottom = new int[inputHeight];
        yWeight = new float[inputHeight];
        for (int y = contentY0; y < contentY1; y++) {
            double sy = (y - padY + 0.5) / scaleY - 0.5;
            int y0 = clampIndex((int) Math.floor(sy), sourceHeight);
            int y1 = clampIndex(y0 + 1, sourceHeight);
            yTop[y] = y0;
            yBottom[y] = y1;
            yWeight[y] = (float) Math.min(1, Math.max(0, sy - Math.floor(sy)));
            if (sy < 0) {
                yWeight[y] = 0;
            }
        }
        // The padding never changes for a given source size: paint it once, not every frame.
        java.util.Arrays.fill(plane, PAD_VALUE);
        tableSourceWidth = sourceWidth;
        tableSourceHeight = sourceHeight;
        transform = new LetterboxTransform(scaleX, scaleY, padX, padY, sourceWidth, sourceHeight);
    }

    private static int clampIndex(int i, int size) {
        return i < 0 ? 0 : Math.min(i, size - 1);
    }

    private static float[] buildUnitScale() {
        float[] table = new float[256];
        for (int i = 0; i < 256; i++) {
            table[i] = i / 255f;
        }
        return table;
    }
}
