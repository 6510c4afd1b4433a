package dev.edgetwin.vision.source;

import dev.edgetwin.vision.Frame;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * PNG/JPEG files and packed RGB frames, through javax.imageio: how sources, calibration sets and
 * tests read and write images.
 */
public final class RgbImages {
    private RgbImages() {}

    /**
     * Decodes one PNG or JPEG image. Caches in memory, never in temporary files.
     *
     * @throws IOException if it is not an image javax.imageio can read, or is corrupt
     */
    public static Frame decode(InputStream in, String cameraId, long captureTimeNanos)
            throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(new MemoryCacheImageInputStream(in));
        } catch (RuntimeException e) {
            // Some readers throw unchecked exceptions on malformed data.
            throw new IOException("decoder failed: " + e, e);
        }
        if (image == null) {
            throw new IOException("not a PNG or JPEG image");
        }
        return new Frame(
                cameraId, captureTimeNanos, image.getWidth(), image.getHeight(), toRgb(image));
    }

    static Frame decode(byte[] encoded, int length, String cameraId, long captureTimeNanos)
            throws IOException {
        return decode(new ByteArrayInputStream(encoded, 0, length), cameraId, captureTimeNanos);
    }

    /**
     * Reads one PNG or JPEG file.
     *
     * @throws IOException if it cannot be read, is not an image javax.imageio can read, or is
     *     corrupt
     */
    public static Frame read(Path file, String cameraId, long captureTimeNanos) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, cameraId, captureTimeNanos);
        }
    }

    /** Writes {@code frame} as a PNG file. */
    public static void writePng(Frame frame, Path file) throws IOException {
        if (!ImageIO.write(toImage(frame), "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    /** The frame as an image (TYPE_INT_RGB). */
    public static BufferedImage toImage(Frame frame) {
        int w = frame.width();
        int h = frame.height();
        byte[] rgb = frame.rgb();
        int[] row = new int[w];
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                row[x] = (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
        return image;
    }

    /** Packed RGB, row-major, no padding. */
    public static byte[] toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[3 * w * h];
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getData().length == rgb.length) {
            // The usual JPEG result: swap BGR to RGB without going through ints.
            byte[] bgr = buffer.getData();
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
            return rgb;
        }
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                rgb[o++] = (byte) (p >>> 16);
                rgb[o++] = (byte) (p >>> 8);
                rgb[o++] = (byte) p;
            }
        }
        return rgb;
    }
}
