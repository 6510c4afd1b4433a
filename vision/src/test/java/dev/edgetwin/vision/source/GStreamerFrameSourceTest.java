package dev.edgetwin.vision.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.Frame;
import java.io.File;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@code gst-launch-1.0} child with {@code videotestsrc}. The tests tagged {@code interop}
 * need {@code apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base}, run with -Pinterop (as
 * .ci/run does), and are skipped, saying so, where gst-launch-1.0 is not on the PATH.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GStreamerFrameSourceTest {

    private static void assumeGstLaunch() {
        boolean found = false;
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (new File(dir, SourceConfig.GStreamer.DEFAULT_GST_LAUNCH).canExecute()) {
                    found = true;
                }
            }
        }
        Assumptions.assumeTrue(
                found,
                "gst-launch-1.0 is not on the PATH: skipping the GStreamer source tests (apt-get"
                        + " install gstreamer1.0-tools gstreamer1.0-plugins-base)");
    }

    private static GStreamerFrameSource open(String pipeline, int w, int h)
            throws FrameSourceException {
        return GStreamerFrameSource.open(
                new SourceConfig.GStreamer("arm", pipeline, w, h), new FakeSourceClock());
    }

    private static void assertEveryPixel(Frame f, int r, int g, int b) {
        for (int i = 0; i < f.rgb().length; i += 3) {
            int x = (i / 3) % f.width();
            int y = (i / 3) / f.width();
            String at = "pixel (" + x + ", " + y + ")";
            assertEquals(r, f.rgb()[i] & 0xff, at + " red");
            assertEquals(g, f.rgb()[i + 1] & 0xff, at + " green");
            assertEquals(b, f.rgb()[i + 2] & 0xff, at + " blue");
        }
    }

    private static void assertGone(ProcessHandle child) {
        assertFalse(child.isAlive(), "gst-launch still running");
        // Reaped, not a zombie (a zombie still has a pid and counts as alive).
        assertFalse(
                ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false),
                "gst-launch pid " + child.pid() + " still exists");
    }

    /** Regression: GStreamer pads RGB rows to 4 bytes; an odd width shows whether we unpad. */
    @Test
    @Tag("interop")
    void redFramesOfAnOddWidthHaveTheSizeAskedForAndNoRowPadding() throws Exception {
        assumeGstLaunch();
        GStreamerFrameSource source = open("videotestsrc num-buffers=3 pattern=red", 161, 7);
        try {
            for (int i = 0; i < 3; i++) {
                Frame f = source.next();
                assertEquals("arm", f.cameraId());
                assertEquals(161, f.width());
                assertEquals(7, f.height());
                assertEquals(FakeSourceClock.EPOCH_AT_ZERO, f.captureTimeNanos());
                assertEveryPixel(f, 255, 0, 0);
            }
            FrameSourceException end = assertThrows(FrameSourceException.class, source::next);
            assertEquals(FrameSourceException.Code.STREAM_ENDED, end.code());
            assertTrue(end.getMessage().contains("3 frames"), end.getMessage());
        } finally {
            source.close();
        }
        assertGone(source.processHandle());
    }

    @Test
    @Tag("interop")
    void solidColourAndWhiteComeThroughExactly() throws Exception {
        assumeGstLaunch();
        try (GStreamerFrameSource source =
                open(
                        "videotestsrc num-buffers=1 pattern=solid-color foreground-color=0xff336699",
                        64,
                        48)) {
            assertEveryPixel(source.next(), 0x33, 0x66, 0x99);
        }
        try (GStreamerFrameSource source = open("videotestsrc num-buffers=1 pattern=white", 8, 8)) {
            assertEveryPixel(source.next(), 255, 255, 255);
        }
    }

    @Test
    @Tag("interop")
    void closeKillsARunningPipelineAndEndsABlockedNext() throws Exception {
        assumeGstLaunch();
        // A live source at 5 fps: next() spends most of its time blocked on the pipe.
        GStreamerFrameSource source =
                open("videotestsrc is-live=true pattern=ball ! video/x-raw,framerate=5/1", 32, 24);
        ExecutorService capture = Executors.newSingleThreadExecutor();
        try {
            assertEquals(32, source.next().width());
            Future<Frame> blocked =
                    capture.submit(
                            () -> {
                                while (true) {
                                    source.next();
                                }
                            });
            source.close();
            ExecutionException e =
                    assertThrows(ExecutionException.class, () -> blocked.get(20, TimeUnit.SECONDS));
            assertTrue(
                    e.getCause() instanceof FrameSourceException fse
                                    && fse.code() == FrameSourceException.Code.CLOSED
                            || e.getCause() instanceof IllegalStateException,
                    "expected CLOSED, got " + e.getCause());
            assertGone(source.processHandle());
            source.close();
        } finally {
            capture.shutdownNow();
            source.close();
        }
    }

    @Test
    @Tag("interop")
    void aBrokenPipelineFailsWithGstreamersOwnMessage() throws Exception {
        assumeGstLaunch();
        try (GStreamerFrameSource source = open("nosuchcamerasrc", 8, 8)) {
            FrameSourceException e = assertThrows(FrameSourceException.class, source::next);
            assertEquals(FrameSourceException.Code.PROCESS_FAILED, e.code());
            assertTrue(e.getMessage().contains("nosuchcamerasrc"), e.getMessage());
            assertTrue(e.getMessage().contains("exit code 1"), e.getMessage());
        }
    }

    @Test
    void aMissingGstLaunchFailsToOpenSayingWhatToInstall() {
        SourceConfig.GStreamer config =
                new SourceConfig.GStreamer(
                        "arm", "videotestsrc", 8, 8, "/nonexistent/bin/gst-launch-1.0");
        FrameSourceException e =
                assertThrows(
                        FrameSourceException.class,
                        () -> FrameSources.open(config, new FakeSourceClock()));
        assertEquals(FrameSourceException.Code.OPEN_FAILED, e.code());
        assertTrue(e.getMessage().contains("gstreamer1.0-tools"), e.getMessage());
    }
}
