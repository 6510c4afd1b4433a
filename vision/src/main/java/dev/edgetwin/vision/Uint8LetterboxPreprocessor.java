package dev.edgetwin.vision;

import java.nio.ByteBuffer;

/**
 * {@link LetterboxPreprocessor} for models whose input is uint8 (the normalisation is inside the
 * model): the same aspect-preserving bilinear resize and Ultralytics placement, padding grey 114,
 * planar RGB (CHW), but grey levels rounded to the nearest integer instead of divided by 255. For
 * any frame each value equals {@code round(255 * f)} within one level, where {@code f} is what
 * {@link LetterboxPreprocessor} writes.
 *
 * <p>The input lives in one direct buffer allocated once and rewritten for every frame; wrap it
 * with {@code OnnxTensor.createTensor(env, inputBuffer(), inputShape(), OnnxJavaType.UINT8)}.
 * Nothing is allocated per frame once the source size is known.
 *
 * <p>Not thread-safe: one instance per inference thread.
 */
public final class Uint8LetterboxPreprocessor {
    static final byte PAD_LEVEL = 114;

    private final int inputWidth;
    private final int inputHeight;
    private final ByteBuffer input;
    private final LetterboxResampler resampler;
    private final LetterboxResampler.RowSink sink = this::storeRow;
    private byte[] row = new byte[0];

    public Uint8LetterboxPreprocessor(int inputWidth, int inputHeight) {
        this.resampler = new LetterboxResampler(inputWidth, inputHeight);
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.input = ByteBuffer.allocateDirect(3 * inputWidth * inputHeight);
    }

    /** The buffer holding the latest prepared input, uint8 [1, 3, inputHeight, inputWidth]. */
    public ByteBuffer inputBuffer() {
        return input;
    }

    public long[] inputShape() {
        return new long[] {1, 3, inputHeight, inputWidth};
    }

    /** Letterboxes {@code frame} into {@link #inputBuffer()}. */
    public LetterboxTransform prepare(Frame frame) {
        if (resampler.adapt(frame.width(), frame.height())) {
            row = new byte[3 * resampler.contentWidth()];
            for (int i = 0, n = input.capacity(); i < n; i++) {
                input.put(i, PAD_LEVEL);
            }
        }
        resampler.resample(frame.rgb(), 1f, sink);
        return resampler.transform();
    }

    private void storeRow(int inputRow, float[] levels) {
        byte[] bytes = row;
        for (int k = 0; k < bytes.length; k++) {
            // Levels are in [0, 255]: adding a half and truncating rounds to nearest.
            bytes[k] = (byte) (int) (levels[k] + 0.5f);
        }
        int width = resampler.contentWidth();
        int at = inputRow * inputWidth + resampler.contentX0();
        int plane = inputWidth * inputHeight;
        input.put(at, bytes, 0, width);
        input.put(plane + at, bytes, width, width);
        input.put(2 * plane + at, bytes, 2 * width, width);
    }
}
