package dev.edgetwin.runtime;

import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.CameraModel;
import java.util.function.LongSupplier;

/**
 * The simulated factory as the daemon's camera and pose source: renders the scene at a fixed frame
 * rate in real time. Scene time 0 is when the feed was created; capture times are wall-clock.
 *
 * <p>{@link #next()} is called from the capture thread only.
 */
public final class SimulatedFeed implements FrameFeed {
    public static final String CAMERA_ID = "front";

    /** Sensor noise of the demo camera, in 0-255 levels: a clean but not perfect image. */
    static final double NOISE_SIGMA = 2;

    private final SimulatedCamera camera;
    private final double fps;
    private final long frameIntervalNanos;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final long epochNanosAtStart;
    private long nextDueNanos;

    SimulatedFeed(
            SimulatedCamera camera, double fps, LongSupplier nanoTime, long epochNanosAtStart) {
        if (!(fps > 0) || !Double.isFinite(fps)) {
            throw new IllegalArgumentException("simulated camera fps must be positive, got " + fps);
        }
        this.camera = camera;
        this.fps = fps;
        this.frameIntervalNanos = (long) (1e9 / fps);
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.epochNanosAtStart = epochNanosAtStart;
        this.nextDueNanos = startNanos;
    }

    /** The demo factory from {@code seed}, seen by the default front camera, in real time. */
    public static SimulatedFeed demo(long seed, double fps) {
        SimulatedCamera camera =
                new SimulatedCamera(
                        FactoryScene.demo(seed),
                        SimulatedCamera.defaultCameraModel(),
                        CAMERA_ID,
                        NOISE_SIGMA);
        return new SimulatedFeed(camera, fps, System::nanoTime, currentEpochNanos());
    }

    /**
     * The demo factory from {@code seed} seen by a simulated camera with {@code model} (intrinsics
     * and mount) and id {@code cameraId}, in real time: one of several cameras of the robot.
     */
    public static SimulatedFeed demo(long seed, double fps, String cameraId, CameraModel model) {
        SimulatedCamera camera =
                new SimulatedCamera(FactoryScene.demo(seed), model, cameraId, NOISE_SIGMA);
        return new SimulatedFeed(camera, fps, System::nanoTime, currentEpochNanos());
    }

    private static long currentEpochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public CapturedFrame next() throws InterruptedException {
        long wait = nextDueNanos - nanoTime.getAsLong();
        if (wait > 0) {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
        }
        long now = nanoTime.getAsLong();
        // A late frame resets the schedule instead of bursting to catch up.
        nextDueNanos = Math.max(nextDueNanos + frameIntervalNanos, now);
        long elapsed = now - startNanos;
        RenderedFrame rendered = camera.render(elapsed / 1e9, epochNanosAtStart + elapsed);
        return new CapturedFrame(rendered.frame(), rendered.egoPose());
    }

    /** Scene time, in seconds, of a frame this feed captured at {@code captureTimeNanos}. */
    public double sceneTimeOf(long captureTimeNanos) {
        return (captureTimeNanos - epochNanosAtStart) / 1e9;
    }

    /** The simulated camera, for reading ground truth (tests). */
    public SimulatedCamera camera() {
        return camera;
    }

    @Override
    public CameraModel cameraModel() {
        return camera.cameraModel();
    }

    @Override
    public String cameraId() {
        return camera.cameraId();
    }

    @Override
    public String describe() {
        return String.format("simulated camera '%s' at %.3g fps", camera.cameraId(), fps);
    }

    @Override
    public void close() {
        // Nothing native to release; the renderer is plain Java.
    }
}
