package dev.edgetwin.vision.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderFrameSourceTest {
    private static final long MS = 1_000_000L;

    @TempDir Path dir;

    private final FakeSourceClock clock = new FakeSourceClock();

    private FrameSource open(double fps, boolean loop) throws FrameSourceException {
        return FrameSources.open(new SourceConfig.Folder("shelf", dir, fps, loop), clock);
    }

    @Test
    void pngAndJpegInNameOrderAtTheSetRateSkippingACorruptFile() throws Exception {
        // A PNG whose every pixel differs, to catch channel order and row/column mix-ups.
        Files.write(
                dir.resolve("a.png"),
                TestImages.encode(
                        TestImages.image(5, 3, (x, y) -> (x * 40) << 16 | (y * 80) << 8 | 7),
                        "png"));
        Files.write(dir.resolve("b_corrupt.png"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Files.write(
                dir.resolve("c.jpg"), TestImages.encode(TestImages.solid(16, 8, 0xC82828), "jpg"));
        Files.writeString(dir.resolve("d.txt"), "not an image");
        Files.write(
                dir.resolve("e.JPEG"), TestImages.encode(TestImages.solid(8, 8, 0x2020E0), "jpg"));

        try (FrameSource source = open(10, false)) {
            Frame a = source.next();
            assertEquals("shelf", a.cameraId());
            assertEquals(FakeSourceClock.EPOCH_AT_ZERO, a.captureTimeNanos());
            assertEquals(5, a.width());
            assertEquals(3, a.height());
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(x * 40, TestImages.channel(a.rgb(), 5, x, y, 0));
                    assertEquals(y * 80, TestImages.channel(a.rgb(), 5, x, y, 1));
                    assertEquals(7, TestImages.channel(a.rgb(), 5, x, y, 2));
                }
            }

            FrameSourceException corrupt = assertThrows(FrameSourceException.class, source::next);
            assertEquals(FrameSourceException.Code.IMAGE_UNREADABLE, corrupt.code());
            assertTrue(corrupt.getMessage().contains("b_corrupt.png"), corrupt.getMessage());

            Frame c = source.next();
            // The corrupt file took its slot: c comes two intervals after a.
            assertEquals(FakeSourceClock.EPOCH_AT_ZERO + 200 * MS, c.captureTimeNanos());
            assertEquals(16, c.width());
            assertColour(c, 0xC8, 0x28, 0x28, 6);

            Frame e = source.next();
            assertEquals(FakeSourceClock.EPOCH_AT_ZERO + 300 * MS, e.captureTimeNanos());
            assertColour(e, 0x20, 0x20, 0xE0, 6);

            FrameSourceException end = assertThrows(FrameSourceException.class, source::next);
            assertEquals(FrameSourceException.Code.STREAM_ENDED, end.code());
        }
    }

    @Test
    void loopStartsAgainFromTheFirstImage() throws Exception {
        Files.write(dir.resolve("1.png"), TestImages.encode(TestImages.solid(1, 1, 0), "png"));
        Files.write(dir.resolve("2.png"), TestImages.encode(TestImages.solid(2, 1, 0), "png"));
        try (FrameSource source = open(25, true)) {
            int[] widths = new int[5];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = source.next().width();
            }
            assertArrayEquals(new int[] {1, 2, 1, 2, 1}, widths);
            assertEquals(4 * 40 * MS, clock.nanoTime());
        }
    }

    @Test
    void aLateConsumerIsNotCaughtUpWithABurst() throws Exception {
        Files.write(dir.resolve("1.png"), TestImages.encode(TestImages.solid(1, 1, 0), "png"));
        try (FrameSource source = open(10, true)) {
            source.next();
            clock.advanceMillis(1000);
            Frame late = source.next();
            Frame following = source.next();
            assertEquals(100 * MS, following.captureTimeNanos() - late.captureTimeNanos());
        }
    }

    @Test
    void aFolderWithoutImagesOrMissingFailsToOpenNamingIt() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "x");
        FrameSourceException empty = assertThrows(FrameSourceException.class, () -> open(1, true));
        assertEquals(FrameSourceException.Code.OPEN_FAILED, empty.code());
        assertTrue(empty.getMessage().contains(dir.toString()), empty.getMessage());

        Path missing = dir.resolve("missing");
        FrameSourceException absent =
                assertThrows(
                        FrameSourceException.class,
                        () ->
                                FrameSources.open(
                                        new SourceConfig.Folder("shelf", missing, 1, true), clock));
        assertEquals(FrameSourceException.Code.OPEN_FAILED, absent.code());
        assertTrue(absent.getMessage().contains("missing"), absent.getMessage());
    }

    @Test
    void nextAfterCloseIsAnError() throws Exception {
        Files.write(dir.resolve("1.png"), TestImages.encode(TestImages.solid(1, 1, 0), "png"));
        FrameSource source = open(1, true);
        source.close();
        source.close();
        assertThrows(IllegalStateException.class, source::next);
    }

    /** Every pixel within {@code tolerance} of the colour (JPEG is lossy). */
    static void assertColour(Frame f, int r, int g, int b, int tolerance) {
        int[] want = {r, g, b};
        for (int i = 0; i < f.rgb().length; i++) {
            int got = f.rgb()[i] & 0xff;
            int expected = want[i % 3];
            assertTrue(
                    Math.abs(got - expected) <= tolerance,
                    "byte " + i + ": expected " + expected + " +- " + tolerance + ", got " + got);
        }
    }
}
