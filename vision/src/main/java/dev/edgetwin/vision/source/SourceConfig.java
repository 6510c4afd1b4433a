package dev.edgetwin.vision.source;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a camera's frames come from, validated when built: a bad value throws {@link
 * IllegalArgumentException} naming the field and the value. Open one with {@link
 * FrameSources#open(SourceConfig)}.
 */
public sealed interface SourceConfig
        permits SourceConfig.Folder, SourceConfig.Mjpeg, SourceConfig.GStreamer {

    /** The id stamped on every frame from this source. */
    String cameraId();

    /**
     * PNG and JPEG files of a folder ({@code .png}, {@code .jpg}, {@code .jpeg}, any case), in file
     * name order, one every {@code 1/fps} seconds; from the first again if {@code loop}. The folder
     * is listed when the source opens.
     *
     * @param cameraId the id stamped on every frame
     * @param dir the folder
     * @param fps frames per second, in (0, 1000]
     * @param loop start again after the last image instead of ending
     */
    record Folder(String cameraId, Path dir, double fps, boolean loop) implements SourceConfig {
        public Folder {
            checkCameraId(cameraId);
            require(dir != null, "folder source dir", "a folder", null);
            require(
                    fps > 0 && fps <= 1000 && Double.isFinite(fps),
                    "folder source fps",
                    "a rate in (0, 1000]",
                    fps);
        }
    }

    /**
     * An IP camera's MJPEG stream over HTTP ({@code multipart/x-mixed-replace}). Credentials in the
     * URL ({@code http://user:pass@host/...}) are sent as HTTP basic authentication and never
     * logged. Only plain {@code http} is supported.
     *
     * @param cameraId the id stamped on every frame
     * @param url the stream, e.g. {@code http://192.168.1.20/mjpg/video.mjpg}
     * @param connectTimeout how long to wait for the TCP connection
     * @param readTimeout a connection silent this long is dropped and reopened
     * @param reconnectDelay the wait before each reconnection after the stream was lost
     * @param maxFrameBytes the largest JPEG part accepted; larger parts are skipped
     */
    record Mjpeg(
            String cameraId,
            URI url,
            Duration connectTimeout,
            Duration readTimeout,
            Duration reconnectDelay,
            int maxFrameBytes)
            implements SourceConfig {

        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofSeconds(1);
        public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

        public Mjpeg {
            checkCameraId(cameraId);
            require(url != null, "mjpeg source url", "an http:// URL", null);
            require(
                    "http".equalsIgnoreCase(url.getScheme()),
                    "mjpeg source url",
                    "an http:// URL (https is not supported)",
                    redact(url));
            require(
                    url.getHost() != null && url.getPort() <= 65535,
                    "mjpeg source url",
                    "an http:// URL with a host",
                    redact(url));
            checkPositive(connectTimeout, "mjpeg source connectTimeout");
            checkPositive(readTimeout, "mjpeg source readTimeout");
            require(
                    reconnectDelay != null && !reconnectDelay.isNegative(),
                    "mjpeg source reconnectDelay",
                    "a duration >= 0",
                    reconnectDelay);
            require(
                    maxFrameBytes >= 1024 && maxFrameBytes <= (256 << 20),
                    "mjpeg source maxFrameBytes",
                    "a size in [1024, 268435456]",
                    maxFrameBytes);
        }

        /** A stream with the default timeouts, reconnect delay and part size limit. */
        public Mjpeg(String cameraId, URI url) {
            this(
                    cameraId,
                    url,
                    DEFAULT_CONNECT_TIMEOUT,
                    DEFAULT_READ_TIMEOUT,
                    DEFAULT_RECONNECT_DELAY,
                    DEFAULT_MAX_FRAME_BYTES);
        }

        /** The URL without its credentials, for logs. */
        public String redactedUrl() {
            return redact(url);
        }

        @Override
        public String toString() {
            return "Mjpeg[cameraId="
                    + cameraId
                    + ", url="
                    + redactedUrl()
                    + ", connectTimeout="
                    + connectTimeout
                    + ", readTimeout="
                    + readTimeout
                    + ", reconnectDelay="
                    + reconnectDelay
                    + ", maxFrameBytes="
                    + maxFrameBytes
                    + "]";
        }
    }

    /**
     * A GStreamer pipeline run by a {@code gst-launch-1.0 -q} child process. The pipeline is the
     * source part; this source appends {@value GStreamer#SINK} with the width and height, and reads
     * the raw RGB frames from the child's stdout. Pipelines for a Jetson:
     *
     * <ul>
     *   <li>CSI camera: {@code nvarguscamerasrc sensor-id=0 !
     *       video/x-raw(memory:NVMM),width=1280,height=720,framerate=30/1 ! nvvidconv !
     *       video/x-raw,format=BGRx}
     *   <li>USB camera: {@code v4l2src device=/dev/video0 !
     *       video/x-raw,width=640,height=480,framerate=30/1} (for cameras that only send MJPEG:
     *       {@code v4l2src device=/dev/video0 ! image/jpeg,width=1280,height=720 ! jpegdec})
     *   <li>RTSP (H.264): {@code rtspsrc location=rtsp://192.168.1.30:554/stream latency=200 !
     *       rtph264depay ! h264parse ! nvv4l2decoder ! nvvidconv ! video/x-raw,format=BGRx} (off a
     *       Jetson, {@code avdec_h264} instead of {@code nvv4l2decoder ! nvvidconv})
     *   <li>test pattern: {@code videotestsrc is-live=true pattern=ball}
     * </ul>
     *
     * @param cameraId the id stamped on every frame
     * @param pipeline the source part of the pipeline, in {@code gst-launch-1.0} syntax, without a
     *     sink; split into arguments as a shell would (quotes group), but no shell runs it
     * @param width frame width in pixels, in [1, 16384]
     * @param height frame height in pixels, in [1, 16384]
     * @param gstLaunch the {@code gst-launch-1.0} program, a name looked up on the PATH or a path
     */
    record GStreamer(String cameraId, String pipeline, int width, int height, String gstLaunch)
            implements SourceConfig {

        /** What is appended to the pipeline; {@code %d} are the width and the height. */
        public static final String SINK =
                " ! videoconvert ! videoscale ! video/x-raw,format=RGB,width=%d,height=%d ! fdsink"
                        + " fd=1";

        public static final String DEFAULT_GST_LAUNCH = "gst-launch-1.0";

        /** An element whose name ends in "sink" at the start of a pipeline segment. */
        private static final Pattern SINK_ELEMENT =
                Pattern.compile("(^|!)\\s*[\\w-]*sink(\\s|!|$)", Pattern.CASE_INSENSITIVE);

        public GStreamer {
            checkCameraId(cameraId);
            require(
                    pipeline != null && !pipeline.isBlank(),
                    "gstreamer source pipeline",
                    "a pipeline",
                    pipeline);
            require(
                    !SINK_ELEMENT.matcher(pipeline).find(),
                    "gstreamer source pipeline",
                    "the source part only, without a sink (the RGB fdsink is appended)",
                    pipeline);
            GStreamerFrameSource.splitLikeAShell(pipeline); // unbalanced quotes name the field
            require(
                    width >= 1 && width <= 16384,
                    "gstreamer source width",
                    "a width in [1, 16384]",
                    width);
            require(
                    height >= 1 && height <= 16384,
                    "gstreamer source height",
                    "a height in [1, 16384]",
                    height);
            require(
                    gstLaunch != null && !gstLaunch.isBlank(),
                    "gstreamer source gstLaunch",
                    "a program name or path",
                    gstLaunch);
        }

        /** A pipeline run by {@code gst-launch-1.0} from the PATH. */
        public GStreamer(String cameraId, String pipeline, int width, int height) {
            this(cameraId, pipeline, width, height, DEFAULT_GST_LAUNCH);
        }

        /** The whole pipeline the child runs. */
        public String fullPipeline() {
            return pipeline.strip() + String.format(Locale.ROOT, SINK, width, height);
        }
    }

    private static void checkCameraId(String cameraId) {
        require(
                cameraId != null
                        && !cameraId.isBlank()
                        && cameraId.length() <= 64
                        && cameraId.chars().noneMatch(Character::isISOControl),
                "cameraId",
                "1 to 64 printable characters",
                cameraId == null ? null : "'" + cameraId + "'");
    }

    private static void checkPositive(Duration d, String field) {
        require(d != null && !d.isNegative() && !d.isZero(), field, "a positive duration", d);
    }

    private static void require(boolean ok, String field, String expected, Object got) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": expected " + expected + ", got " + got);
        }
    }

    private static String redact(URI url) {
        if (url.getRawUserInfo() == null) {
            return url.toString();
        }
        return url.toString().replace(url.getRawUserInfo() + "@", "***@");
    }
}
