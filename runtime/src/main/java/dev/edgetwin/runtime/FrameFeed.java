package dev.edgetwin.runtime;

import dev.edgetwin.vision.CameraModel;

/**
 * Where the daemon's frames come from. Called from the capture thread only.
 *
 * <p>{@link SimulatedFeed} renders the simulated factory; {@link CameraFeed} reads a real camera
 * (folder of images, MJPEG, GStreamer) through vision's frame sources.
 */
public interface FrameFeed extends AutoCloseable {

    /** Blocks until the next frame is due, then returns it with the robot's pose. */
    CapturedFrame next() throws InterruptedException;

    /** The calibrated camera the frames come from. */
    CameraModel cameraModel();

    /** The id of the camera the frames come from. */
    String cameraId();

    /** A short description for the startup banner, e.g. "simulated camera 'front' at 10 fps". */
    String describe();

    @Override
    void close();
}
