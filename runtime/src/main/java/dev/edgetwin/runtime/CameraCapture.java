package dev.edgetwin.runtime;

import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.source.FrameSourceException;
import dev.edgetwin.vision.source.SourceConfig;
import dev.edgetwin.vision.source.SupervisedFrameSource;
import dev.edgetwin.vision.source.SupervisionConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A few frames from a real camera, spaced in time: what a technician calibrates an int8 model on,
 * on the device itself ({@code edgetwin models quantize --frames N --camera ...}). The camera runs
 * under supervision (reopened if it drops), within a time budget.
 */
public final class CameraCapture {
    /** The camera did not deliver the frames within the budget. */
    public static final class CaptureException extends Exception {
        CaptureException(String message) {
            super(message);
        }
    }

    private CameraCapture() {}

    /**
     * Captures {@code count} frames from {@code source}, keeping a frame only when at least {@code
     * interval} has passed (by capture time) since the last one kept.
     *
     * @throws CaptureException when {@code budget} runs out first, saying how many frames came
     */
    public static List<Frame> capture(
            SourceConfig source, int count, Duration interval, Duration budget)
            throws CaptureException, InterruptedException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        long intervalNanos = interval.toNanos();
        List<Frame> kept = new ArrayList<>(count);
        ScheduledExecutorService deadline =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "capture-deadline");
                            t.setDaemon(true);
                            return t;
                        });
        try (SupervisedFrameSource camera =
                SupervisedFrameSource.start(source, SupervisionConfig.defaults())) {
            deadline.schedule(camera::close, budget.toMillis(), TimeUnit.MILLISECONDS);
            long lastKept = Long.MIN_VALUE;
            while (kept.size() < count) {
                Frame frame;
                try {
                    frame = camera.next();
                } catch (FrameSourceException e) {
                    throw new CaptureException(
                            source.cameraId()
                                    + " ("
                                    + camera.describe()
                                    + ") delivered "
                                    + kept.size()
                                    + " of "
                                    + count
                                    + " frames within "
                                    + budget.toSeconds()
                                    + " s; "
                                    + camera.counters()
                                    + ". Check the camera (the log has its errors).");
                }
                if (lastKept == Long.MIN_VALUE
                        || frame.captureTimeNanos() - lastKept >= intervalNanos) {
                    kept.add(frame);
                    lastKept = frame.captureTimeNanos();
                }
            }
            return kept;
        } finally {
            deadline.shutdownNow();
        }
    }
}
