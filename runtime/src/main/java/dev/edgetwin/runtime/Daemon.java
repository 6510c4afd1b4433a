package dev.edgetwin.runtime;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.modelkit.quantize.QuantizationException;
import dev.edgetwin.modelkit.quantize.QuantizationOptions;
import dev.edgetwin.modelkit.quantize.StaticQuantizer;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.Precision;
import dev.edgetwin.runtime.inference.ExecutionReport;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.inference.InferenceException;
import dev.edgetwin.runtime.inference.LoadedModel;
import dev.edgetwin.runtime.inference.ModelContract;
import dev.edgetwin.runtime.inference.PrecisionSelector;
import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.mqtt.TwinPublisher;
import dev.edgetwin.runtime.twin.ObservedObject;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.runtime.vision.FloorTracking;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.vision.CameraMount;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.FloorLocator;
import dev.edgetwin.vision.FloorObservation;
import dev.edgetwin.vision.OnnxDetector;
import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.track.Track;
import dev.edgetwin.vision.track.TrackState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.tinylog.Logger;

/**
 * The robot's daemon: frames from the feed go through the detector onto the floor and into the
 * twin, which is published over MQTT.
 *
 * <p>Threads: "capture" calls {@link FrameFeed#next()} and hands frames over through a latest-wins
 * slot (a slow detector drops frames, counted, and never blocks capture); "inference" runs the
 * detector and builds twin states; the publisher's own thread talks to the broker. The daemon owns
 * the feed, the detector, the publisher and the embedded broker, and closes them all; {@link
 * #close()} may be called twice.
 */
public final class Daemon implements AutoCloseable {
    /**
     * Simulator frames the reference detector's int8 build is calibrated on: enough for stable
     * MinMax ranges of its few activations, and about 2 s of quantizing on first start.
     */
    static final int REFERENCE_CALIBRATION_FRAMES = 32;

    /** Where the daemon is in its life; models are loaded and warmed up before READY. */
    public enum State {
        /** Serving frames: every model it runs has been warmed up. */
        READY,
        /** Shutting down: threads stopping, connections and sessions closing. */
        STOPPING,
        /** Everything it owned is closed. */
        STOPPED
    }

    private final DaemonConfig config;
    private final FrameFeed feed;
    private final DetectorSlot detectors;
    private final FloorLocator locator;
    private final TwinPublisher publisher;
    private final EmbeddedBroker broker;
    private final Consumer<TwinState> stateListener;

    private final LatestSlot<CapturedFrame> frames = new LatestSlot<>();

    /** Inference thread only. */
    private final FloorTracking tracking = FloorTracking.withDefaults();

    private final AtomicLong captured = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final Thread captureThread;
    private final Thread inferenceThread;
    private volatile boolean running = true;
    private volatile State state = State.READY;
    private boolean closed;

    private Daemon(
            DaemonConfig config,
            FrameFeed feed,
            DetectorSlot detectors,
            FloorLocator locator,
            TwinPublisher publisher,
            EmbeddedBroker broker,
            Consumer<TwinState> stateListener) {
        this.config = config;
        this.feed = feed;
        this.detectors = detectors;
        this.locator = locator;
        this.publisher = publisher;
        this.broker = broker;
        this.stateListener = stateListener;
        this.captureThread = new Thread(this::captureLoop, "capture");
        this.inferenceThread = new Thread(this::inferenceLoop, "inference");
    }

    /** Starts the daemon on the simulated factory camera. */
    public static Daemon start(DaemonConfig config) throws DaemonException {
        return start(config, SimulatedFeed.demo(config.seed(), config.cameraFps()), s -> {});
    }

    /**
     * Starts the daemon on {@code feed}, which it then owns (closed on failure too).
     *
     * @param stateListener sees every twin state as it is built, on the inference thread; must be
     *     quick
     */
    public static Daemon start(
            DaemonConfig config, FrameFeed feed, Consumer<TwinState> stateListener)
            throws DaemonException {
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(feed);
        try {
            ModelFiles models = resolveModels(config);
            ServingDetector serving = loadDetector(models, config);
            DetectorSlot detectors = new DetectorSlot(serving);
            opened.add(detectors);
            EmbeddedBroker broker = null;
            if (config.embeddedBroker()) {
                try {
                    broker = EmbeddedBroker.start(config.mqttHost(), config.mqttPort());
                } catch (EmbeddedBroker.PortInUseException e) {
                    throw new DaemonException(
                            DaemonException.Code.BROKER_PORT_IN_USE, e.getMessage(), e);
                } catch (IOException e) {
                    throw new DaemonException(
                            DaemonException.Code.BROKER_FAILED, e.getMessage(), e);
                }
                opened.add(broker);
            }
            TwinPublisher publisher;
            try {
                publisher =
                        new TwinPublisher(
                                config.mqttUri(), config.topics(), config.publishRateHz());
            } catch (MqttException | IllegalArgumentException e) {
                throw new DaemonException(
                        DaemonException.Code.MQTT_FAILED,
                        "cannot publish to " + config.mqttUri() + ": " + e.getMessage(),
                        e);
            }
            opened.add(publisher);
            FloorLocator locator =
                    new FloorLocator(feed.cameraModel(), ObjectClass.footprintRadiiByLabel());
            Daemon daemon =
                    new Daemon(config, feed, detectors, locator, publisher, broker, stateListener);
            daemon.captureThread.start();
            daemon.inferenceThread.start();
            Logger.info(
                    "Daemon ready: {} -> {} -> {}",
                    feed.describe(),
                    serving.model().path().getFileName(),
                    config.mqttUri());
            return daemon;
        } catch (DaemonException | RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The detector's builds: the fp32 model and its int8 build (null when there is none). */
    private record ModelFiles(Path fp32, Path int8) {}

    /**
     * The configured model, or the generated reference detector, with its int8 build when the
     * profile asks for int8: the configured one, or for the reference detector one quantized from
     * simulator frames, which are what it watches.
     */
    private static ModelFiles resolveModels(DaemonConfig config) throws DaemonException {
        if (config.modelPath() != null) {
            return new ModelFiles(config.modelPath(), config.int8ModelPath());
        }
        Path reference;
        try {
            reference = ModelCache.ensureReferenceDetector(config.modelCacheDir());
        } catch (IOException | RuntimeException e) {
            throw new DaemonException(
                    DaemonException.Code.MODEL_FAILED,
                    "could not generate the reference detector in "
                            + config.modelCacheDir()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        if (config.profile().precisionFor(ModelRole.DETECTOR) != Precision.INT8) {
            return new ModelFiles(reference, null);
        }
        try {
            return new ModelFiles(
                    reference,
                    ModelCache.ensureSimulatorQuantized(
                            reference,
                            config.modelCacheDir(),
                            REFERENCE_CALIBRATION_FRAMES,
                            QuantizationOptions.defaults()));
        } catch (IOException | QuantizationException | RuntimeException e) {
            // The fp32 model still serves; the daemon runs without an int8 build.
            Logger.warn(e, "Could not quantize the reference detector; serving it in fp32");
            return new ModelFiles(reference, null);
        }
    }

    /**
     * Loads, checks and warms up the detector on the profile's best execution provider, choosing
     * between its fp32 and int8 builds when the profile asks for int8.
     */
    private static ServingDetector loadDetector(ModelFiles files, DaemonConfig config)
            throws DaemonException {
        PrecisionSelector.Selected selected;
        try {
            selected =
                    PrecisionSelector.select(
                            InferenceEngine.instance(),
                            files.fp32(),
                            files.int8(),
                            ModelRole.DETECTOR,
                            config.profile(),
                            ModelContract.detector());
        } catch (InferenceException e) {
            throw new DaemonException(DaemonException.Code.MODEL_FAILED, e.getMessage(), e);
        }
        return serve(selected.model(), selected.choice(), config);
    }

    /**
     * The detector around {@code loaded}; a null {@code choice} (a model swapped in as given) is
     * taken from the model: int8 when the quantizer's metadata says so.
     */
    private static ServingDetector serve(
            LoadedModel loaded, PrecisionSelector.Choice choice, DaemonConfig config)
            throws DaemonException {
        Path model = loaded.path();
        try {
            OnnxDetector detector =
                    OnnxDetector.forSession(
                            loaded.session(),
                            model,
                            new OnnxDetector.Options(config.confidenceThreshold(), 0.5f, 100, 0));
            if (choice == null) {
                boolean int8 = detector.metadata().containsKey(StaticQuantizer.KEY_QUANTIZATION);
                choice =
                        new PrecisionSelector.Choice(
                                int8 ? Precision.INT8 : Precision.FP32,
                                "swapped in as given",
                                Double.NaN,
                                Double.NaN);
            }
            TwinState.ModelInfo info =
                    new TwinState.ModelInfo(
                            model.getFileName().toString(),
                            sha256(model),
                            detector.metadata().getOrDefault("version", ""),
                            loaded.report().used().id(),
                            choice.precision().id());
            return new ServingDetector(loaded, detector, info, choice);
        } catch (DetectorException e) {
            loaded.close();
            throw new DaemonException(DaemonException.Code.MODEL_FAILED, e.getMessage(), e);
        } catch (DaemonException | RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * Loads {@code model} beside the serving detector (on the caller's thread, while frames flow)
     * and swaps it in at the next frame; the old one is closed after its last frame. On failure the
     * serving detector stays.
     */
    public void replaceDetector(Path model) throws DaemonException {
        LoadedModel loaded;
        try {
            loaded =
                    InferenceEngine.instance()
                            .load(
                                    model,
                                    ModelRole.DETECTOR,
                                    config.profile(),
                                    ModelContract.detector());
        } catch (InferenceException e) {
            throw new DaemonException(DaemonException.Code.MODEL_FAILED, e.getMessage(), e);
        }
        ServingDetector next = serve(loaded, null, config);
        try {
            detectors.offer(next);
        } catch (IllegalStateException e) {
            throw new DaemonException(DaemonException.Code.MODEL_FAILED, e.getMessage(), e);
        }
        Logger.info("Detector {} loaded; it takes over at the next frame", model.getFileName());
    }

    /** Which build of the detector serves now (fp32 or int8) and why. */
    public PrecisionSelector.Choice detectorChoice() {
        return detectors.current().choice();
    }

    /** The execution report of the detector serving now. */
    public ExecutionReport detectorReport() {
        return detectors.current().model().report();
    }

    private static String sha256(Path file) throws DaemonException {
        try (InputStream in =
                new DigestInputStream(
                        Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new DaemonException(
                    DaemonException.Code.MODEL_FAILED,
                    "cannot read " + file + ": " + e.getMessage(),
                    e);
        }
    }

    private void captureLoop() {
        boolean failing = false;
        while (running) {
            try {
                CapturedFrame frame = feed.next();
                captured.incrementAndGet();
                frames.put(frame);
                if (failing) {
                    Logger.info("Camera {} delivers frames again", feed.cameraId());
                    failing = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    Logger.error(e, "Camera {} failed; retrying", feed.cameraId());
                    failing = true;
                }
                if (!pause(1000)) {
                    return;
                }
            }
        }
    }

    private void inferenceLoop() {
        long seq = 0;
        boolean failing = false;
        while (running) {
            CapturedFrame captured;
            try {
                captured = frames.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (captured == null) {
                continue;
            }
            try {
                ServingDetector serving = detectors.acquire();
                long t0 = System.nanoTime();
                List<Detection> detections = serving.detector().detect(captured.frame());
                double inferenceMillis = (System.nanoTime() - t0) / 1e6;
                List<FloorObservation> placed = locator.locateAll(detections, captured.robotPose());
                List<Track> tracks =
                        tracking.update(
                                captured.frame().captureTimeNanos(),
                                new FloorTracking.CameraObservations(
                                        captured.frame().cameraId(),
                                        feed.cameraModel(),
                                        captured.robotPose(),
                                        placed));
                processed.incrementAndGet();
                TwinState state =
                        new TwinState(
                                config.site(),
                                config.robotId(),
                                ++seq,
                                captured.frame().captureTimeNanos(),
                                captured.frame().cameraId(),
                                captured.robotPose(),
                                toObjects(
                                        tracks,
                                        serving.detector().classNames(),
                                        cameraPosition(captured.robotPose())),
                                serving.info(),
                                new TwinState.Health(
                                        this.captured.get(),
                                        frames.dropped(),
                                        processed.get(),
                                        inferenceMillis));
                stateListener.accept(state);
                publisher.offer(state);
                if (failing) {
                    Logger.info("Detector runs again");
                    failing = false;
                }
            } catch (DetectorException | RuntimeException e) {
                if (!failing) {
                    Logger.error(
                            e,
                            "Detector failed on {}; skipping frames until it recovers",
                            captured.frame());
                    failing = true;
                }
            }
        }
    }

    /** The camera's position on the factory floor at {@code pose}: where ranges are from. */
    private double[] cameraPosition(RobotPose pose) {
        CameraMount mount = feed.cameraModel().mount();
        return new double[] {
            pose.factoryX(mount.x(), mount.y()), pose.factoryY(mount.x(), mount.y())
        };
    }

    /**
     * The twin's objects: the confirmed tracks ("seen": the last camera that could see one saw it;
     * with a box when this frame did) and the lost ones (a camera that could see it missed it; its
     * position predicted, for at most the tracker's max lost age). Tentative tracks (not yet seen
     * often enough) are left out.
     */
    static List<ObservedObject> toObjects(
            List<Track> tracks, List<String> classNames, double[] camera) {
        List<ObservedObject> objects = new ArrayList<>(tracks.size());
        for (Track t : tracks) {
            boolean seen = t.state() == TrackState.CONFIRMED;
            if (!seen && t.state() != TrackState.LOST) {
                continue;
            }
            Detection box = t.measurement().flatMap(m -> m.imageBox()).orElse(null);
            String label =
                    box != null
                            ? box.label()
                            : t.classId() < classNames.size()
                                    ? classNames.get(t.classId())
                                    : "class" + t.classId();
            objects.add(
                    new ObservedObject(
                            t.id(),
                            seen,
                            label,
                            t.confidence(),
                            t.x(),
                            t.y(),
                            t.vx(),
                            t.vy(),
                            t.covariance(0, 0),
                            t.covariance(0, 1),
                            t.covariance(1, 1),
                            Math.hypot(t.x() - camera[0], t.y() - camera[1]),
                            box != null ? box.x1() : Double.NaN,
                            box != null ? box.y1() : Double.NaN,
                            box != null ? box.x2() : Double.NaN,
                            box != null ? box.y2() : Double.NaN,
                            t.firstSeenNanos(),
                            t.lastSeenNanos()));
        }
        return objects;
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** READY from the moment {@link #start} returns (models warmed up), then STOPPING, STOPPED. */
    public State state() {
        return state;
    }

    public long framesCaptured() {
        return captured.get();
    }

    public long framesProcessed() {
        return processed.get();
    }

    public long framesDropped() {
        return frames.dropped();
    }

    public long statesPublished() {
        return publisher.published();
    }

    /** Stops the threads, then closes the publisher (status "offline"), broker, detector, feed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        state = State.STOPPING;
        running = false;
        captureThread.interrupt();
        inferenceThread.interrupt();
        join(captureThread);
        join(inferenceThread);
        publisher.close();
        if (broker != null) {
            broker.close();
        }
        detectors.close();
        feed.close();
        state = State.STOPPED;
        Logger.info(
                "Daemon stopped: {} frames captured, {} processed, {} dropped, {} states published",
                captured.get(),
                processed.get(),
                frames.dropped(),
                publisher.published());
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
            if (t.isAlive()) {
                Logger.warn("Thread {} did not stop within 10 s", t.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
