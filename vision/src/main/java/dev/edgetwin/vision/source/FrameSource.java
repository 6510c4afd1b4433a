package dev.edgetwin.vision.source;

import dev.edgetwin.vision.Frame;

/**
 * Where frames come from: a folder of images, an MJPEG camera, a GStreamer pipeline, or any of them
 * under {@link SupervisedFrameSource}.
 *
 * <p>Threads: {@link #next()} is called from one capture thread only. {@link #close()} may be
 * called from any thread, including while the capture thread is blocked in {@code next()}: the
 * blocked call then returns promptly with {@link FrameSourceException.Code#CLOSED}. Interrupting
 * the capture thread ends waits between frames with {@link InterruptedException}, but not blocking
 * socket or pipe reads; closing the source does.
 *
 * <p>Each frame has its own pixel array: the consumer may keep it as long as it likes.
 */
public interface FrameSource extends AutoCloseable {

    /**
     * Blocks until the next frame is available and returns it, stamped with this source's camera id
     * and its capture time (see each source for what that time means).
     *
     * @throws FrameSourceException if no frame could be delivered; if its code is {@linkplain
     *     FrameSourceException.Code#recoverable() recoverable} the caller may call again, otherwise
     *     this source is done and must be reopened
     * @throws InterruptedException if the capture thread was interrupted while waiting
     * @throws IllegalStateException if called after {@link #close()} returned
     */
    Frame next() throws FrameSourceException, InterruptedException;

    /** The camera id stamped on every frame. */
    String cameraId();

    /** A short description for logs and the startup banner, without secrets. */
    String describe();

    /** Releases the source's connection, process or files. Safe to call twice, from any thread. */
    @Override
    void close();
}
