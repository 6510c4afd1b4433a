package dev.edgetwin.runtime.cli;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.runtime.Daemon;
import dev.edgetwin.runtime.DaemonConfig;
import dev.edgetwin.runtime.DaemonException;
import dev.edgetwin.runtime.FrameFeed;
import dev.edgetwin.runtime.ProfileSelection;
import dev.edgetwin.runtime.SimulatedFeed;
import dev.edgetwin.runtime.mqtt.BrokerSecurity;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.vision.OutputLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tinylog.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetwin run}: the daemon, until Ctrl-C. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the daemon: camera -> detector -> twin -> MQTT, until Ctrl-C.",
            "Defaults: the simulated factory camera, the generated reference detector and an"
                    + " embedded MQTT broker on 127.0.0.1:1883."
        })
final class RunCommand implements Callable<Integer> {
    static final int EXIT_PORT_IN_USE = 3;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_BAD_OPTION = 2;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--site",
            defaultValue = "demo",
            description = "Factory site (MQTT topic level). Default: ${DEFAULT-VALUE}.")
    String site;

    @Option(
            names = "--robot-id",
            defaultValue = "sim-robot-1",
            description = "This robot's id (MQTT topic level). Default: ${DEFAULT-VALUE}.")
    String robotId;

    @Option(
            names = "--mqtt-host",
            defaultValue = DaemonConfig.DEFAULT_HOST,
            description = "Broker host; the embedded broker binds it. Default: ${DEFAULT-VALUE}.")
    String mqttHost;

    @Option(
            names = "--mqtt-port",
            defaultValue = "1883",
            description = "Broker port. Default: ${DEFAULT-VALUE}.")
    int mqttPort;

    @Option(
            names = "--external-broker",
            description =
                    "Do not start the embedded broker; publish to the broker at --mqtt-host:--mqtt-port.")
    boolean externalBroker;

    @Option(
            names = "--mqtt-tls",
            description =
                    "Connect to the external broker with TLS (ssl://); it must present a certificate for --mqtt-host, trusted by --mqtt-ca (or the JVM's trust store).")
    boolean mqttTls;

    @Option(
            names = "--mqtt-ca",
            paramLabel = "FILE",
            description =
                    "PEM CA certificate(s) the broker's certificate must chain to (with --mqtt-tls).")
    Path mqttCa;

    @Option(
            names = "--mqtt-cert",
            paramLabel = "FILE",
            description = "PEM client certificate for mutual TLS (with --mqtt-key).")
    Path mqttCert;

    @Option(
            names = "--mqtt-key",
            paramLabel = "FILE",
            description =
                    "PEM client private key (unencrypted PKCS#8, 'BEGIN PRIVATE KEY') for mutual TLS.")
    Path mqttKey;

    @Option(names = "--mqtt-username", paramLabel = "NAME", description = "MQTT username.")
    String mqttUsername;

    @Option(
            names = "--mqtt-password-file",
            paramLabel = "FILE",
            description =
                    "File whose first line is the MQTT password (never logged). Without it, the environment variable EDGETWIN_MQTT_PASSWORD if set.")
    Path mqttPasswordFile;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description =
                    "Detector model (YOLOv8 layout ONNX). Default: the generated reference detector.")
    Path model;

    @Option(
            names = "--int8-model",
            paramLabel = "FILE",
            description =
                    "The --model's int8 build (from `edgetwin models quantize`), served instead where"
                            + " the device profile asks for int8 and it is faster on this device."
                            + " Default: none, or for the reference detector one quantized from"
                            + " simulator frames.")
    Path int8Model;

    @Option(
            names = "--model-cache",
            paramLabel = "DIR",
            description =
                    "Where generated models are kept. Default: $XDG_CACHE_HOME/edgetwin/models or ~/.cache/edgetwin/models.")
    Path modelCache;

    @CommandLine.Mixin StoreOptions modelStore;

    @Option(
            names = "--admin-port",
            defaultValue = "8787",
            description =
                    "Port of the local admin API on 127.0.0.1 (edgetwin status, model activation"
                            + " on the running daemon); 0 turns it off. Default: ${DEFAULT-VALUE}.")
    int adminPort;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description =
                    "Where the MQTT outbox and the session epoch are kept. Default:"
                            + " $EDGETWIN_STATE_DIR, $XDG_STATE_HOME/edgetwin or"
                            + " ~/.local/state/edgetwin.")
    Path stateDir;

    @Option(
            names = "--fps",
            defaultValue = "10",
            description =
                    "Frame rate of the simulated camera or of a folder of images. Default:"
                            + " ${DEFAULT-VALUE}.")
    double fps;

    @Option(
            names = "--publish-hz",
            defaultValue = "5",
            description =
                    "Most twin states per second sent to the broker. Default: ${DEFAULT-VALUE}.")
    double publishHz;

    @Option(
            names = "--twin-codec",
            paramLabel = "CODEC",
            defaultValue = "json",
            description =
                    "How the twin is published: json (edgetwin/<site>/<robot>/..., with events) or"
                            + " sparkplug (Sparkplug B, spBv1.0/<site>/..., no events). Default:"
                            + " ${DEFAULT-VALUE}.")
    String twinCodecName;

    @Option(
            names = "--path-width",
            paramLabel = "METRES",
            defaultValue = "1.2",
            description =
                    "Width of the corridor ahead of the robot for entered-path and fall events."
                            + " Default: ${DEFAULT-VALUE}.")
    double pathWidth;

    @Option(
            names = "--path-length",
            paramLabel = "METRES",
            defaultValue = "3",
            description =
                    "How far ahead of the robot the path corridor reaches. Default:"
                            + " ${DEFAULT-VALUE}.")
    double pathLength;

    @Option(
            names = "--confidence",
            defaultValue = "0.5",
            description = "Detection score threshold. Default: ${DEFAULT-VALUE}.")
    float confidence;

    @CommandLine.Mixin ProfileOptions profileOptions;

    @CommandLine.Mixin CameraOptions cameraOptions;

    @Option(
            names = "--detector-layout",
            defaultValue = "auto",
            paramLabel = "LAYOUT",
            description =
                    "The detector's output layout: auto (from the output shape and metadata),"
                            + " yolov8 ([1, 4+C, N], also YOLO11), yolov5 ([1, N, 5+C]) or"
                            + " end-to-end ([1, N, 6], NMS in the model). Default: ${DEFAULT-VALUE}.")
    String detectorLayoutName;

    /** The layout named {@code name}; throws IllegalArgumentException naming the choices. */
    static OutputLayout detectorLayout(String name) {
        return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> OutputLayout.AUTO;
            case "yolov8", "yolo11" -> OutputLayout.YOLOV8;
            case "yolov5" -> OutputLayout.YOLOV5;
            case "end-to-end", "e2e", "yolov10" -> OutputLayout.END_TO_END;
            default ->
                    throw new IllegalArgumentException(
                            "--detector-layout: '"
                                    + name
                                    + "' is not auto, yolov8, yolov5 or end-to-end");
        };
    }

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the simulated factory. Default: ${DEFAULT-VALUE}.")
    long seed;

    /** Environment variable the MQTT password is read from when no file is given. */
    static final String PASSWORD_VARIABLE = "EDGETWIN_MQTT_PASSWORD";

    /** TLS and credentials from the options; the password from its file or the environment. */
    private BrokerSecurity brokerSecurity() throws IOException {
        BrokerSecurity.Secret password = null;
        if (mqttPasswordFile != null) {
            if (mqttUsername == null) {
                throw new IllegalArgumentException("--mqtt-password-file needs --mqtt-username");
            }
            password = BrokerSecurity.Secret.fromFile(mqttPasswordFile);
        } else if (mqttUsername != null) {
            String v = System.getenv(PASSWORD_VARIABLE);
            if (v != null && !v.isEmpty()) {
                password = BrokerSecurity.Secret.fromEnvironment(PASSWORD_VARIABLE);
            }
        }
        if ((mqttTls || mqttUsername != null) && !externalBroker) {
            throw new IllegalArgumentException(
                    "--mqtt-tls and --mqtt-username are for an external broker: add"
                            + " --external-broker");
        }
        return new BrokerSecurity(mqttTls, mqttCa, mqttCert, mqttKey, mqttUsername, password);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProfileSelection selection;
        try {
            selection = profileOptions.resolve();
        } catch (ProfileException e) {
            err.printf("edgetwin run: %s%n", e.getMessage());
            err.flush();
            return EXIT_BAD_OPTION;
        }
        Logger.info("Device profile {}: {}", selection.profile().id(), selection.reason());
        DaemonConfig config;
        try {
            TwinCodec twinCodec = TwinCodec.fromId(twinCodecName);
            Path detector = model != null ? model : activeDetector(modelStore);
            EventDetector.Rules eventRules =
                    EventDetector.Rules.defaults().withPath(pathWidth, pathLength);
            config =
                    new DaemonConfig(
                            site,
                            robotId,
                            mqttHost,
                            mqttPort,
                            !externalBroker,
                            detector,
                            int8Model,
                            modelCache != null ? modelCache : ModelCache.defaultDirectory(),
                            fps,
                            publishHz,
                            confidence,
                            seed,
                            selection.profile(),
                            stateDir != null
                                    ? stateDir
                                    : UserDirectories.resolve(
                                            "EDGETWIN_STATE_DIR",
                                            "XDG_STATE_HOME",
                                            ".local/state",
                                            ""),
                            twinCodec,
                            eventRules,
                            detectorLayout(detectorLayoutName),
                            brokerSecurity());
        } catch (IllegalArgumentException | IOException e) {
            err.printf("edgetwin run: %s%n", e.getMessage());
            err.flush();
            return EXIT_BAD_OPTION;
        }
        List<FrameFeed> feeds = new ArrayList<>();
        try {
            for (CameraOptions.CameraSpec camera : cameraOptions.cameras()) {
                feeds.add(
                        camera.simulated()
                                ? SimulatedFeed.demo(
                                        config.seed(),
                                        config.cameraFps(),
                                        camera.id(),
                                        camera.cameraModel())
                                : CameraOptions.openFeed(camera, config.cameraFps()));
            }
        } catch (IllegalArgumentException e) {
            feeds.forEach(FrameFeed::close);
            err.printf("edgetwin run: %s%n", e.getMessage());
            err.flush();
            return EXIT_BAD_OPTION;
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(config, feeds, s -> {});
        } catch (IllegalArgumentException e) {
            err.printf("edgetwin run: %s%n", e.getMessage());
            err.flush();
            return EXIT_BAD_OPTION;
        } catch (DaemonException e) {
            if (e.code() == DaemonException.Code.BROKER_PORT_IN_USE) {
                err.printf(
                        "edgetwin: cannot start the embedded MQTT broker: %s%n"
                                + "  If an MQTT broker already runs there, publish to it:  ./edgetwin run --external-broker --mqtt-port %d%n"
                                + "  Or give the embedded broker another port:           ./edgetwin run --mqtt-port %d%n",
                        e.getMessage(), mqttPort, mqttPort == 65535 ? 1884 : mqttPort + 1);
                err.flush();
                return EXIT_PORT_IN_USE;
            }
            err.printf("edgetwin: the daemon could not start: %s%n", e.getMessage());
            err.flush();
            return EXIT_START_FAILED;
        }
        java.util.List<AutoCloseable> modelServices = startModelServices(daemon, err);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    for (int i = modelServices.size() - 1; i >= 0; i--) {
                                        try {
                                            modelServices.get(i).close();
                                        } catch (Exception e) {
                                            org.tinylog.Logger.warn(e, "Stopping: {}", e);
                                        }
                                    }
                                    daemon.close();
                                    out.printf(
                                            "edgetwin stopped: %d frames, %d twin states published%n",
                                            daemon.framesProcessed(), daemon.statesPublished());
                                    out.flush();
                                    stopped.countDown();
                                    LogSetup.shutdown();
                                },
                                "shutdown"));
        String portFlag =
                config.mqttPort() == DaemonConfig.DEFAULT_PORT ? "" : " -p " + config.mqttPort();
        String watchFlag =
                config.mqttPort() == DaemonConfig.DEFAULT_PORT
                        ? ""
                        : " --mqtt-port " + config.mqttPort();
        out.printf(
                "edgetwin is running: site '%s', robot '%s'%n"
                        + "  MQTT broker: %s (%s)%n"
                        + "  twin state:  %s (retained)   status: %s%n"
                        + "  subscribe:   ./edgetwin watch%s%n"
                        + "          or:  mosquitto_sub -h %s%s -t 'edgetwin/#' -v%n"
                        + "  camera:      %s%n"
                        + "  device:      %s profile; detector on %s, %s: %s%n"
                        + "  logs:        %s%n"
                        + "Ctrl-C stops it.%n",
                config.site(),
                config.robotId(),
                config.mqttUri(),
                config.embeddedBroker() ? "embedded" : "external",
                config.topics().state(),
                config.topics().status(),
                watchFlag,
                config.mqttHost(),
                portFlag,
                String.join("; ", feeds.stream().map(FrameFeed::describe).toList()),
                selection.profile().id(),
                daemon.detectorReport().used().id(),
                daemon.detectorChoice().precision().id(),
                daemon.detectorChoice().reason(),
                LogSetup.logDirectory());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * The model store's active detector when --model is not given and the store exists (verified
     * again: a file changed at rest is not served); null for the generated reference detector.
     */
    static Path activeDetector(StoreOptions options) {
        if (!java.nio.file.Files.isDirectory(options.storeDirectory())) {
            return null;
        }
        try {
            dev.edgetwin.runtime.bundle.ModelStore store = options.open();
            java.util.List<dev.edgetwin.runtime.bundle.InstalledModel> active =
                    store.activeByRole("detector");
            if (active.isEmpty()) {
                return null;
            }
            if (active.size() > 1) {
                Logger.warn(
                        "Model store {}: {} active detectors; serving {}",
                        options.storeDirectory(),
                        active.size(),
                        active.get(0).id());
            }
            dev.edgetwin.runtime.bundle.InstalledModel chosen = active.get(0);
            store.verifyInstalled(chosen.name(), chosen.version());
            Logger.info(
                    "Serving {} from the model store {}", chosen.id(), options.storeDirectory());
            return chosen.modelFile();
        } catch (dev.edgetwin.runtime.bundle.BundleException e) {
            Logger.error(
                    "Model store {}: {} ({}); serving the generated reference detector instead",
                    options.storeDirectory(),
                    e.getMessage(),
                    e.reason());
            return null;
        }
    }

    /**
     * The model store wired to the running daemon: its transitions published to the twin, model
     * commands over MQTT ({@code model/command}) and the local admin API, sharing one deployer so
     * that activations never overlap. The daemon runs without them (and says so) when the store
     * cannot be opened or the admin port is taken.
     *
     * @return what to close at shutdown, in the order started
     */
    private java.util.List<AutoCloseable> startModelServices(Daemon daemon, PrintWriter err) {
        java.util.List<AutoCloseable> started = new java.util.ArrayList<>();
        dev.edgetwin.runtime.bundle.ModelStore store;
        try {
            store = modelStore.open();
        } catch (dev.edgetwin.runtime.bundle.BundleException e) {
            err.printf(
                    "edgetwin: no model store (installs, activations, model commands): %s%n",
                    e.getMessage());
            err.flush();
            return started;
        }
        store.reportTransitionsTo(daemon.modelTransitions());
        dev.edgetwin.runtime.bundle.ModelDeployer deployer =
                new dev.edgetwin.runtime.bundle.ModelDeployer(store, daemon.deploymentHost());
        dev.edgetwin.runtime.bundle.ModelDeployer.Probation probation =
                dev.edgetwin.runtime.bundle.ModelDeployer.Probation.defaults();
        dev.edgetwin.runtime.bundle.RemoteModelCommands remote =
                new dev.edgetwin.runtime.bundle.RemoteModelCommands(
                        store,
                        deployer,
                        probation,
                        dev.edgetwin.runtime.bundle.BundleTransfer.Limits.defaults());
        daemon.handleModelCommandsWith(remote);
        started.add(remote);
        if (adminPort == 0) {
            return started;
        }
        try {
            started.add(
                    dev.edgetwin.runtime.admin.AdminServer.start(
                            new java.net.InetSocketAddress(
                                    java.net.InetAddress.getLoopbackAddress(), adminPort),
                            daemon,
                            store,
                            deployer,
                            probation));
        } catch (IOException e) {
            err.printf(
                    "edgetwin: no admin API (edgetwin status, activation on the running daemon): %s;"
                            + " choose another --admin-port%n",
                    e.getMessage());
            err.flush();
        }
        return started;
    }
}
