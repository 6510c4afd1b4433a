package dev.edgetwin.vision;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Resizes a frame into the model input, keeping its aspect ratio (bilinear) and padding the rest
 * with grey 114, as Ultralytics does; normalises to [0, 1] and writes planar RGB (CHW) into one
 * direct, native-order buffer that is allocated once and rewritten for every frame, so an ONNX
 * tensor can wrap it without a copy. Nothing is allocated per frame once the source size is known;
 * the padding is painted once per source size. For models whose input is uint8 see {@link
 * Uint8LetterboxPreprocessor} (the same resampling, not divided by 255).
 *
 * <p>Not thread-safe: one instance per inference thread.
 */
public final class LetterboxPreprocessor {
    static final float PAD_VALUE = 114f / 255f;
    private static final float UNIT_SCALE = 1f / 255f;

    private final int inputWidth;
    private final int inputHeight;
    private final FloatBuffer input;
    private final LetterboxResampler resampler;
    private final LetterboxResampler.RowSink sink = this::storeRow;

    public LetterboxPreprocessor(int inputWidth, int inputHeight) {
        this.resampler = new LetterboxResampler(inputWidth, inputHeight);
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.input =
                ByteBuffer.allocateDirect(3 * inputWidth * inputHeight * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
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
        if (resampler.adapt(frame.width(), frame.height())) {
            // The padding never changes for a given source size: paint it once, not every frame.
            for (int i = 0, n = input.capacity(); i < n; i++) {
                input.put(i, PAD_VALUE);
            }
        }
        resampler.resample(frame.rgb(), UNIT_SCALE, sink);
        return resampler.transform();
    }

    private void storeRow(int inputRow, float[] values) {
        int width = resampler.contentWidth();
        int at = inputRow * inputWidth + resampler.contentX0();
        int plane = inputWidth * inputHeight;
        input.put(at, values, 0, width);
        input.put(plane + at, values, width, width);
        input.put(2 * plane + at, values, 2 * width, width);
    }
}
