package dev.edgetwin.vision.source;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Images written by the tests with javax.imageio. */
final class TestImages {
    private TestImages() {}

    /** An image whose pixel (x, y) is {@code rgbAt(x, y)}. */
    static BufferedImage image(int w, int h, java.util.function.IntBinaryOperator rgbAt) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgbAt.applyAsInt(x, y));
            }
        }
        return image;
    }

    static BufferedImage solid(int w, int h, int rgb) {
        return image(w, h, (x, y) -> rgb);
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Channel {@code c} (0 R, 1 G, 2 B) of pixel (x, y) of a packed RGB frame. */
    static int channel(byte[] rgb, int width, int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
