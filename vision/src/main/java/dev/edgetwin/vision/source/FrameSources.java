package dev.edgetwin.vision.source;

/** Opens the frame source a {@link SourceConfig} describes. */
public final class FrameSources {
    private FrameSources() {}

    /** Opens {@code config} with the real clocks. */
    public static FrameSource open(SourceConfig config) throws FrameSourceException {
        return open(config, SourceClock.system());
    }

    /**
     * Opens {@code config}. A folder is listed and a GStreamer child started now; an MJPEG camera
     * is connected on the first {@code next()}.
     *
     * @throws FrameSourceException with {@link FrameSourceException.Code#OPEN_FAILED} if the folder
     *     cannot be listed or has no images, or the GStreamer program cannot be started
     */
    public static FrameSource open(SourceConfig config, SourceClock clock)
            throws FrameSourceException {
        if (config instanceof SourceConfig.Folder folder) {
            return FolderFrameSource.open(folder, clock);
        }
        if (config instanceof SourceConfig.Mjpeg mjpeg) {
            return new MjpegFrameSource(mjpeg, clock);
        }
        if (config instanceof SourceConfig.GStreamer gst) {
            return GStreamerFrameSource.open(gst, clock);
        }
        throw new IllegalArgumentException("unknown source config " + config);
    }
}
