package dev.edgetwin.runtime;

import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.source.FrameSource;
import dev.edgetwin.vision.source.FrameSourceException;
import dev.edgetwin.vision.source.SourceConfig;
import dev.edgetwin.vision.source.SupervisedFrameSource;
import dev.edgetwin.vision.source.SupervisionConfig;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.tinylog.Logger;

/**
 * A real camera as the daemon's feed: a folder of images, an MJPEG stream or a GStreamer pipeline
 * ({@link SourceConfig}), kept alive by a {@link SupervisedFrameSource} (a dead or stalled camera
 * is reopened with backoff; the daemon keeps running). Frames must have the calibrated camera's
 * size: one that does not is skipped, counted and reported (the first time and then every 100th),
 * since floor positions computed with the wrong intrinsics would be wrong without anyone noticing.
 *
 * <p>The robot's pose is fixed (the origin, unless given): odometry comes from the firmware bridge,
 * which is not wired yet, so positions are in the robot's frame.
 *
 * <p>{@link #next()} is called from the capture thread only; {@link #close()} from any thread.
 */
public final class CameraFeed implements FrameFeed {
    private final FrameSource source;
    private final CameraModel cameraModel;
    private final RobotPose pose;
    private final String description;
    private final AtomicLong wrongSize = new AtomicLong();

    /**
     * @param source the camera; this feed owns and closes it
     * @param cameraModel intrinsics (which fix the frame size) and mount of that camera
     * @param pose the robot's pose, stamped on every frame
     */
    public CameraFeed(FrameSource source, CameraModel cameraModel, RobotPose pose) {
        this.source = Objects.requireNonNull(source, "source");
        this.cameraModel = Objects.requireNonNull(cameraModel, "cameraModel");
        this.pose = Objects.requireNonNull(pose, "pose");
        this.description = source.describe();
    }

    /** {@code config}'s camera under supervision with the default stall timeout and backoff. */
    public static CameraFeed open(SourceConfig config, CameraModel cameraModel, RobotPose pose) {
        return new CameraFeed(
                SupervisedFrameSource.start(config, SupervisionConfig.defaults()),
                cameraModel,
                pose);
    }

    @Override
    public CapturedFrame next() throws InterruptedException {
        while (true) {
            Frame frame;
            try {
                frame = source.next();
            } catch (FrameSourceException e) {
                // The supervised source only throws once closed: the daemon is stopping.
                throw new InterruptedException(
                        "camera " + source.cameraId() + " closed: " + e.getMessage());
            }
            int width = cameraModel.intrinsics().width();
            int height = cameraModel.intrinsics().height();
            if (frame.width() == width && frame.height() == height) {
                return new CapturedFrame(frame, pose);
            }
            long n = wrongSize.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
                Logger.warn(
                        "Camera {} delivered a {}x{} frame; its calibration is for {}x{}: frame"
                                + " skipped ({} so far). Set the camera's size to match, or"
                                + " calibrate for this size.",
                        source.cameraId(),
                        frame.width(),
                        frame.height(),
                        width,
                        height,
                        n);
            }
        }
    }

    /** Frames skipped because their size was not the calibrated one. */
    public long framesOfTheWrongSize() {
        return wrongSize.get();
    }

    @Override
    public CameraModel cameraModel() {
        return cameraModel;
    }

    @Override
    public String cameraId() {
        return source.cameraId();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        source.close();
    }
}
