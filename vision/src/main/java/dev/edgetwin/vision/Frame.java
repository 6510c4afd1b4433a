package dev.edgetwin.vision;

import java.util.Objects;

/**
 * One camera image: packed 8-bit RGB, row-major, {@code width * 3} bytes per row, no padding.
 *
 * <p>The pixel array is shared, not copied: a source that reuses its buffer must not hand the same
 * array out again until the consumer has released the frame.
 *
 * @param cameraId which camera took it
 * @param captureTimeNanos when it was captured, in nanoseconds since the Unix epoch
 * @param width image width in pixels
 * @param height image height in pixels
 * @param rgb the pixels
 */
public record Frame(String cameraId, long captureTimeNanos, int width, int height, byte[] rgb) {

    public Frame {
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "frame size must be positive, got " + width + "x" + height);
        }
        long expected = 3L * width * height;
        if (rgb.length != expected) {
            throw new IllegalArgumentException(
                    "frame "
                            + width
                            + "x"
                            + height
                            + " RGB needs "
                            + expected
                            + " bytes, got "
                            + rgb.length);
        }
    }

    @Override
    public String toString() {
        return "Frame[camera="
                + cameraId
                + ", t="
                + captureTimeNanos
                + ", "
                + width
                + "x"
                + height
                + "]";
    }
}
