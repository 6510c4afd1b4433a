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
import dev.edgetwin.runtime.mqtt.PublisherConfig;
import dev.edgetwin.runtime.mqtt.TwinPublisher;
import dev.edgetwin.runtime.mqtt.outbox.OutboxException;
import dev.edgetwin.runtime.pipeline.LatencyHistogram;
import dev.edgetwin.runtime.pipeline.PipelineResult;
import dev.edgetwin.runtime.pipeline.VisionPipeline;
import dev.edgetwin.runtime.sparkplug.BdSeqFile;
import dev.edgetwin.runtime.sparkplug.SparkplugConfig;
import dev.edgetwin.runtime.sparkplug.SparkplugPublisher;
import dev.edgetwin.runtime.twin.CommandListener;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.ObservedObject;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.runtime.twin.TwinEvent;
import dev.edgetwin.runtime.twin.TwinSink;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.runtime.vision.FloorTracking;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.vision.CameraMount;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.FloorLocator;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.tinylog.Logger;

/**
 * The robot's daemon: frames from each camera go through the detector onto the floor, into one
 * tracker and into the twin, which is published over MQTT.
 *
 * <p>Threads: each camera (feed) has its own {@link VisionPipeline}, whose capture, preprocessing,
 * inference and post-processing threads overlap, joined by latest-wins hand-offs (a slow detector
 * drops frames, counted, and never blocks capture); the pipelines share the serving detector
 * ({@link ServingStages}). Each pipeline's post-processing thread hands its result to the tracker
 * and builds the twin state under one lock, so states are built one at a time whatever the number
 * of cameras; the publisher's own thread talks to the broker. The daemon owns the feeds, the
 * detector, the publisher and the embedded broker, and closes them all; {@link #close()} may be
 * called twice.
 */
public final class Daemon implements AutoCloseable {
    /**
     * Simulator frames the reference detector's int8 build is calibrated on: enough for stable
     * MinMax ranges of its few activations, and about 2 s of quantizing on first start.
     */
    static final int REFERENCE_CALIBRATION_FRAMES = 32;

    /** The window of the health's frame rate: the last 5 s of capture time. */
    static final long FPS_WINDOW_NANOS = 5_000_000_000L;

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
    private final List<FrameFeed> feeds;
    private final ServingStages stages;
    private ModelCommandRelay modelCommands = new ModelCommandRelay();
    private final TwinSink publisher;
    private final EmbeddedBroker broker;
    private final Consumer<TwinState> stateListener;
    private final List<VisionPipeline<ServingStages.Buffer>> pipelines =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Guards the tracker, the sequence number and the building of twin states. */
    private final Object twinLock = new Object();

    private final FloorTracking tracking = FloorTracking.withDefaults();
    private final EventDetector events;
    private final FrameRateMeter frameRate = new FrameRateMeter(FPS_WINDOW_NANOS);
    private long seq;
    private long lastTrackedNanos = Long.MIN_VALUE;

    private final AtomicLong processed = new AtomicLong();
    private volatile State state = State.READY;
    private boolean closed;

    private Daemon(
            DaemonConfig config,
            List<FrameFeed> feeds,
            ServingStages stages,
            TwinSink publisher,
            EmbeddedBroker broker,
            Consumer<TwinState> stateListener) {
        this.config = config;
        this.feeds = List.copyOf(feeds);
        this.stages = stages;
        this.publisher = publisher;
        this.broker = broker;
        this.stateListener = stateListener;
        this.events = new EventDetector(config.eventRules());
    }

    /** Starts the daemon on the simulated factory camera. */
    public static Daemon start(DaemonConfig config) throws DaemonException {
        return start(config, SimulatedFeed.demo(config.seed(), config.cameraFps()), s -> {});
    }

    /**
     * Starts the daemon on {@code feed}, which it then owns (closed on failure too).
     *
     * @param stateListener sees every twin state as it is built, on a post-processing thread, one
     *     at a time; must be quick
     */
    public static Daemon start(
            DaemonConfig config, FrameFeed feed, Consumer<TwinState> stateListener)
            throws DaemonException {
        return start(config, List.of(feed), stateListener);
    }

    /**
     * Starts the daemon on several cameras of one robot, which feed one tracker; it then owns the
     * feeds (closed on failure too). Camera ids must differ.
     *
     * @param stateListener sees every twin state as it is built, one at a time; must be quick
     */
    public static Daemon start(
            DaemonConfig config, List<FrameFeed> feeds, Consumer<TwinState> stateListener)
            throws DaemonException {
        return start(config, feeds, stateListener, CommandListener.UNWIRED);
    }

    /**
     * As {@link #start(DaemonConfig, List, Consumer)}, with what carries out the {@code goal} and
     * {@code stop} commands that arrive on the robot's command topic (JSON codec; the daemon
     * answers {@code rebirth} itself). Without one they are answered {@code unavailable} ({@link
     * CommandListener#UNWIRED}).
     *
     * @param commandListener called on the MQTT client's thread; must be quick
     */
    public static Daemon start(
            DaemonConfig config,
            List<FrameFeed> feeds,
            Consumer<TwinState> stateListener,
            CommandListener commandListener)
            throws DaemonException {
        java.util.Objects.requireNonNull(commandListener, "commandListener");
        List<AutoCloseable> opened = new ArrayList<>(feeds);
        try {
            if (feeds.isEmpty()) {
                throw new IllegalArgumentException("the daemon needs at least one camera feed");
            }
            if (feeds.stream().map(FrameFeed::cameraId).distinct().count() != feeds.size()) {
                throw new IllegalArgumentException(
                        "camera ids must differ, got "
                                + feeds.stream().map(FrameFeed::cameraId).toList());
            }
            ModelFiles models = resolveModels(config);
            ServingDetector serving = loadDetector(models, config);
            ServingStages stages = new ServingStages(serving);
            opened.add(stages::close);
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
            ModelCommandRelay modelCommands = new ModelCommandRelay();
            TwinSink publisher = openPublisher(config, commandListener, modelCommands);
            opened.add(publisher);
            Daemon daemon = new Daemon(config, feeds, stages, publisher, broker, stateListener);
            daemon.modelCommands = modelCommands;
            opened.add(daemon::stopPipelines);
            for (FrameFeed feed : feeds) {
                FloorLocator locator =
                        new FloorLocator(feed.cameraModel(), ObjectClass.footprintRadiiByLabel());
                try {
                    daemon.pipelines.add(
                            VisionPipeline.start(
                                    stages,
                                    feed::next,
                                    VisionPipeline.Options.defaults()
                                            .withPacing(VisionPipeline.Pacing.REAL_TIME)
                                            .withLocator(locator),
                                    result -> daemon.onResult(feed, result)));
                } catch (Exception e) {
                    throw new DaemonException(
                            DaemonException.Code.MODEL_FAILED,
                            "cannot start the vision pipeline of camera "
                                    + feed.cameraId()
                                    + ": "
                                    + e.getMessage(),
                            e);
                }
            }
            Logger.info(
                    "Daemon ready: {} -> {} -> {}",
                    feeds.stream().map(FrameFeed::describe).toList(),
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

    /** The twin's publisher for the configured codec, connecting in the background. */
    private static TwinSink openPublisher(
            DaemonConfig config,
            CommandListener commandListener,
            dev.edgetwin.runtime.twin.ModelCommandListener modelCommands)
            throws DaemonException {
        try {
            if (config.twinCodec() == TwinCodec.SPARKPLUG) {
                BdSeqFile bdSeq = BdSeqFile.at(config.stateDir().resolve("sparkplug.bdseq"));
                return SparkplugPublisher.start(
                        SparkplugConfig.forTwin(
                                        config.mqttUri(), config.topics(), config.publishRateHz())
                                .withFirstBdSeq(bdSeq.next())
                                .withSecurity(config.mqttUri(), config.mqttSecurity()),
                        bdSeq);
            }
            return new TwinPublisher(
                    PublisherConfig.defaults(
                                    config.mqttUri(),
                                    config.topics(),
                                    config.publishRateHz(),
                                    config.stateDir())
                            .withSecurity(config.mqttUri(), config.mqttSecurity()),
                    commandListener,
                    modelCommands);
        } catch (MqttException | OutboxException | IOException | IllegalArgumentException e) {
            throw new DaemonException(
                    DaemonException.Code.MQTT_FAILED,
                    "cannot publish ("
                            + config.twinCodec().id()
                            + ") to "
                            + config.mqttUri()
                            + ": "
                            + e.getMessage(),
                    e);
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
        // The engine first: the quantizer's calibration also opens ONNX Runtime's environment, and
        // the environment keeps the logging settings of whoever opened it first.
        InferenceEngine.instance();
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
                            new OnnxDetector.Options(config.confidenceThreshold(), 0.5f, 100, 0)
                                    .withLayout(config.detectorLayout()));
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
            stages.offer(next);
        } catch (IllegalStateException e) {
            throw new DaemonException(DaemonException.Code.MODEL_FAILED, e.getMessage(), e);
        }
        Logger.info("Detector {} loaded; it takes over at the next frame", model.getFileName());
    }

    /** Which build of the detector serves now (fp32 or int8) and why. */
    public PrecisionSelector.Choice detectorChoice() {
        return stages.current().choice();
    }

    /** The execution report of the detector serving now. */
    public ExecutionReport detectorReport() {
        return stages.current().model().report();
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

    /**
     * A camera's frame, detected and placed on the floor (on that camera's post-processing thread):
     * into the tracker with the other cameras' frames, then into a twin state.
     */
    private void onResult(FrameFeed feed, PipelineResult result) {
        CapturedFrame captured = result.frame();
        ServingDetector serving = (ServingDetector) result.producer();
        TwinState state;
        List<TwinEvent> happened;
        synchronized (twinLock) {
            // Cameras' results arrive a few milliseconds out of capture order; the tracker's
            // clock must not go back, so a late frame counts as taken at the latest time.
            long t = Math.max(captured.frame().captureTimeNanos(), lastTrackedNanos);
            lastTrackedNanos = t;
            List<Track> tracks =
                    tracking.update(
                            t,
                            new FloorTracking.CameraObservations(
                                    feed.cameraId(),
                                    feed.cameraModel(),
                                    captured.robotPose(),
                                    result.observations()));
            processed.incrementAndGet();
            List<String> classNames = serving.detector().classNames();
            happened = events.update(t, captured.robotPose(), tracks, classNames);
            double fps = frameRate.record(t);
            List<LatencyHistogram> latencies = new ArrayList<>(pipelines.size());
            for (VisionPipeline<?> p : pipelines) {
                latencies.add(p.captureToResult());
            }
            double[] latency = LatencyHistogram.quantilesNanos(latencies, 0.5, 0.99);
            TwinSink.Delivery delivery = publisher.delivery();
            state =
                    new TwinState(
                            config.site(),
                            config.robotId(),
                            ++seq,
                            captured.frame().captureTimeNanos(),
                            captured.frame().cameraId(),
                            captured.robotPose(),
                            toObjects(
                                    tracks, classNames, cameraPosition(feed, captured.robotPose())),
                            serving.info(),
                            new TwinState.Health(
                                    framesCaptured(),
                                    framesDropped(),
                                    processed.get(),
                                    result.detectorNanos() / 1e6,
                                    fps,
                                    latency[0] / 1e6,
                                    latency[1] / 1e6,
                                    delivery.backlog(),
                                    delivery.dropped()));
            stateListener.accept(state);
        }
        for (TwinEvent e : happened) {
            publisher.offerEvent(e);
        }
        publisher.offer(state);
    }

    /** The camera's position on the factory floor at {@code pose}: where ranges are from. */
    private static double[] cameraPosition(FrameFeed feed, RobotPose pose) {
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

    /** READY from the moment {@link #start} returns (models warmed up), then STOPPING, STOPPED. */
    public State state() {
        return state;
    }

    /** Frames the cameras delivered, all cameras together. */
    public long framesCaptured() {
        long n = 0;
        for (VisionPipeline<?> p : pipelines) {
            n += p.framesCaptured();
        }
        return n;
    }

    /** Frames that became twin states. */
    public long framesProcessed() {
        return processed.get();
    }

    /** Frames replaced in a hand-off before the next stage took them, all cameras together. */
    public long framesDropped() {
        long n = 0;
        for (VisionPipeline<?> p : pipelines) {
            n += p.framesDropped();
        }
        return n;
    }

    /**
     * The serving detector's health since it started serving: the model file, frames it produced,
     * frames whose output held NaN or infinity; and the pipelines' failed frames (all detectors).
     */
    public dev.edgetwin.runtime.bundle.ModelDeployer.Health detectorHealth() {
        ServingDetector serving = stages.current();
        return new dev.edgetwin.runtime.bundle.ModelDeployer.Health(
                serving.model().report().model(),
                framesProcessed(),
                framesFailed(),
                serving.detector().framesWithNonFiniteOutput());
    }

    /**
     * Where a model store and its deployer report transitions so that the twin publishes them
     * ({@code model/event} with the JSON codec, through the outbox); any thread, never blocks.
     */
    public dev.edgetwin.runtime.bundle.ModelTransition.Listener modelTransitions() {
        return publisher::offerModelTransition;
    }

    /**
     * From now on, model commands arriving on {@code model/command} (JSON codec) go to {@code
     * listener}; until this is called they are answered {@code unavailable}. The daemon starts
     * before its model store's deployer can exist (the deployer needs the daemon), hence a setter.
     */
    public void handleModelCommandsWith(dev.edgetwin.runtime.twin.ModelCommandListener listener) {
        modelCommands.delegate = java.util.Objects.requireNonNull(listener, "listener");
    }

    /** Hands model commands to the listener set later ({@link #handleModelCommandsWith}). */
    private static final class ModelCommandRelay
            implements dev.edgetwin.runtime.twin.ModelCommandListener {
        volatile dev.edgetwin.runtime.twin.ModelCommandListener delegate = UNWIRED;

        @Override
        public void onModelCommand(
                byte[] payload, java.util.function.Consumer<ModelCommandReply> reply) {
            delegate.onModelCommand(payload, reply);
        }
    }

    /** This daemon as the host of a {@link dev.edgetwin.runtime.bundle.ModelDeployer}. */
    public dev.edgetwin.runtime.bundle.ModelDeployer.Host deploymentHost() {
        return new dev.edgetwin.runtime.bundle.ModelDeployer.Host() {
            @Override
            public void serve(Path model) throws DaemonException {
                replaceDetector(model);
            }

            @Override
            public dev.edgetwin.runtime.bundle.ModelDeployer.Health health() {
                return detectorHealth();
            }
        };
    }

    /** Frames a pipeline stage failed on (an inference that threw, ...), all cameras together. */
    public long framesFailed() {
        long n = 0;
        for (VisionPipeline<?> p : pipelines) {
            n += p.framesFailed();
        }
        return n;
    }

    public long statesPublished() {
        return publisher.published();
    }

    /** The camera pipelines' threads: capture, preprocess, inference, post-process per camera. */
    List<Thread> pipelineThreads() {
        List<Thread> threads = new ArrayList<>();
        pipelines.forEach(p -> threads.addAll(p.threads()));
        return threads;
    }

    private void stopPipelines() {
        for (VisionPipeline<?> p : pipelines) {
            p.close();
        }
    }

    /**
     * Stops the pipelines, then closes the publisher (status "offline"), broker, detector, feeds.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        state = State.STOPPING;
        long capturedFrames = framesCaptured();
        long droppedFrames = framesDropped();
        stopPipelines();
        publisher.close();
        if (broker != null) {
            broker.close();
        }
        stages.close();
        feeds.forEach(FrameFeed::close);
        state = State.STOPPED;
        Logger.info(
                "Daemon stopped: {} frames captured, {} processed, {} dropped, {} states published",
                capturedFrames,
                processed.get(),
                droppedFrames,
                publisher.published());
    }
}
