package dev.edgetwin.vision.source;

import dev.edgetwin.vision.Frame;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tinylog.Logger;

/**
 * The PNG and JPEG files of a folder, in file name order, at a fixed rate. Capture time: the wall
 * clock when the file was read. An image that cannot be read or decoded makes {@link #next()} throw
 * {@link FrameSourceException.Code#IMAGE_UNREADABLE} naming the file; the next call goes on with
 * the following file.
 */
final class FolderFrameSource implements FrameSource {
    private final SourceConfig.Folder config;
    private final SourceClock clock;
    private final List<Path> files;
    private final long frameIntervalNanos;
    private long nextDueNanos;
    private int index;
    private volatile boolean closed;

    private FolderFrameSource(SourceConfig.Folder config, SourceClock clock, List<Path> files) {
        this.config = config;
        this.clock = clock;
        this.files = files;
        this.frameIntervalNanos = Math.round(1e9 / config.fps());
        this.nextDueNanos = clock.nanoTime();
    }

    static FolderFrameSource open(SourceConfig.Folder config, SourceClock clock)
            throws FrameSourceException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(config.dir())) {
            for (Path p : dir) {
                if (isImageName(p) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new FrameSourceException(
                    FrameSourceException.Code.OPEN_FAILED,
                    "cannot list image folder " + config.dir() + ": " + e,
                    e);
        }
        if (files.isEmpty()) {
            throw new FrameSourceException(
                    FrameSourceException.Code.OPEN_FAILED,
                    "image folder " + config.dir() + " has no .png, .jpg or .jpeg files");
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        Logger.info(
                "camera '{}': {} images from {} at {} fps{}",
                config.cameraId(),
                files.size(),
                config.dir(),
                config.fps(),
                config.loop() ? ", looping" : "");
        return new FolderFrameSource(config, clock, List.copyOf(files));
    }

    private static boolean isImageName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    @Override
    public Frame next() throws FrameSourceException, InterruptedException {
        checkOpen();
        if (index == files.size()) {
            if (!config.loop()) {
                throw new FrameSourceException(
                        FrameSourceException.Code.STREAM_ENDED,
                        "all " + files.size() + " images of " + config.dir() + " were shown");
            }
            index = 0;
        }
        Waits.sleepUnlessClosed(clock, nextDueNanos - clock.nanoTime(), () -> closed);
        long now = clock.nanoTime();
        // More than a frame late (a slow consumer): restart the schedule from now instead of
        // bursting to catch up; a little late: keep the schedule, so the rate does not drift.
        nextDueNanos =
                now - nextDueNanos > frameIntervalNanos
                        ? now + frameIntervalNanos
                        : nextDueNanos + frameIntervalNanos;
        if (closed) {
            throw closedException();
        }
        Path file = files.get(index++);
        long captureTime = clock.epochNanos();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw unreadable(file, "cannot read it: " + e, e);
        }
        try {
            return RgbImages.decode(bytes, bytes.length, config.cameraId(), captureTime);
        } catch (IOException e) {
            throw unreadable(
                    file, "cannot decode it (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    private FrameSourceException unreadable(Path file, String why, Exception cause) {
        return new FrameSourceException(
                FrameSourceException.Code.IMAGE_UNREADABLE,
                "camera '" + config.cameraId() + "': skipped image " + file + ", " + why,
                cause);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("folder source " + config.dir() + " is closed");
        }
    }

    private FrameSourceException closedException() {
        return new FrameSourceException(
                FrameSourceException.Code.CLOSED, "folder source " + config.dir() + " was closed");
    }

    @Override
    public String cameraId() {
        return config.cameraId();
    }

    @Override
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%d images from %s at %.3g fps%s (camera '%s')",
                files.size(),
                config.dir(),
                config.fps(),
                config.loop() ? ", looping" : "",
                config.cameraId());
    }

    @Override
    public void close() {
        closed = true;
    }
}
