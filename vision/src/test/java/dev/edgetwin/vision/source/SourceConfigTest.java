package dev.edgetwin.vision.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SourceConfigTest {
    private static final URI CAMERA = URI.create("http://192.168.1.20/mjpg/video.mjpg");

    private static void assertRejected(Executable build, String field, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(field), "names " + field + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(value), "shows " + value + ": " + e.getMessage());
    }

    @Test
    void badValuesAreRejectedNamingTheFieldAndTheValue() {
        Path dir = Path.of("frames");
        assertRejected(() -> new SourceConfig.Folder("cam", dir, 0, true), "fps", "0.0");
        assertRejected(() -> new SourceConfig.Folder("cam", dir, Double.NaN, true), "fps", "NaN");
        assertRejected(() -> new SourceConfig.Folder("cam", null, 1, true), "dir", "null");
        assertRejected(() -> new SourceConfig.Folder(" ", dir, 1, true), "cameraId", "' '");
        assertRejected(
                () -> new SourceConfig.Mjpeg("cam", URI.create("https://cam/video")),
                "url",
                "https://cam/video");
        assertRejected(
                () -> new SourceConfig.Mjpeg("cam", URI.create("rtsp://cam/stream")),
                "url",
                "rtsp://cam/stream");
        assertRejected(
                () ->
                        new SourceConfig.Mjpeg(
                                "cam",
                                CAMERA,
                                Duration.ZERO,
                                Duration.ofSeconds(1),
                                Duration.ZERO,
                                4096),
                "connectTimeout",
                "PT0S");
        assertRejected(
                () ->
                        new SourceConfig.Mjpeg(
                                "cam",
                                CAMERA,
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(-1),
                                4096),
                "reconnectDelay",
                "PT-1S");
        assertRejected(
                () ->
                        new SourceConfig.Mjpeg(
                                "cam",
                                CAMERA,
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1),
                                Duration.ZERO,
                                10),
                "maxFrameBytes",
                "10");
        assertRejected(
                () -> new SourceConfig.GStreamer("cam", "videotestsrc", 0, 480), "width", "0");
        assertRejected(
                () -> new SourceConfig.GStreamer("cam", "videotestsrc", 640, 20000),
                "height",
                "20000");
        assertRejected(
                () -> new SourceConfig.GStreamer("cam", "v4l2src ! autovideosink", 640, 480),
                "pipeline",
                "autovideosink");
        assertRejected(() -> new SourceConfig.GStreamer("cam", " ", 640, 480), "pipeline", " ");
        assertRejected(
                () ->
                        new SupervisionConfig(
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(1)),
                "maxBackoff",
                "PT1S");
        assertRejected(
                () ->
                        new SupervisionConfig(
                                Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                "stallTimeout",
                "PT0S");
    }

    @Test
    void credentialsNeverAppearInMessagesOrToString() {
        URI secret = URI.create("https://admin:s3cret@cam/video");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SourceConfig.Mjpeg("cam", secret));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        SourceConfig.Mjpeg ok =
                new SourceConfig.Mjpeg("cam", URI.create("http://admin:s3cret@cam/video"));
        assertFalse(ok.toString().contains("s3cret"), ok.toString());
        assertEquals("http://***@cam/video", ok.redactedUrl());
    }

    @Test
    void theGStreamerPipelineEndsInRawRgbOnStdout() {
        SourceConfig.GStreamer gst =
                new SourceConfig.GStreamer("cam", "  v4l2src device=/dev/video0 ", 640, 480);
        assertEquals(
                "v4l2src device=/dev/video0 ! videoconvert ! videoscale !"
                        + " video/x-raw,format=RGB,width=640,height=480 ! fdsink fd=1",
                gst.fullPipeline());
        // An element merely containing "sink" in a property value is not a sink.
        new SourceConfig.GStreamer("cam", "rtspsrc location=rtsp://sinkhole/cam", 640, 480);
    }

    @Test
    void pipelinesAreSplitIntoArgumentsLikeAShellWouldWithoutOne() {
        assertEquals(
                java.util.List.of(
                        "filesrc",
                        "location=/data/line 3.mp4",
                        "!",
                        "decodebin",
                        "!",
                        "video/x-raw(memory:NVMM),width=1280",
                        "name=it's"),
                GStreamerFrameSource.splitLikeAShell(
                        "filesrc location=\"/data/line 3.mp4\"  ! decodebin !"
                                + " video/x-raw(memory:NVMM),width=1280 name=it\\'s"));
        assertRejected(
                () -> new SourceConfig.GStreamer("cam", "filesrc location='x", 8, 8),
                "pipeline",
                "location='x");
    }
}
