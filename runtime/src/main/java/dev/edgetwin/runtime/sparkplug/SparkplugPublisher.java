package dev.edgetwin.runtime.sparkplug;

import dev.edgetwin.runtime.LatestSlot;
import dev.edgetwin.runtime.twin.TwinEvent;
import dev.edgetwin.runtime.twin.TwinSink;
import dev.edgetwin.runtime.twin.TwinState;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.tinylog.Logger;

/**
 * Publishes the twin as a Sparkplug B edge node (Paho, MQTT 3.1.1, clean session) from its own
 * thread, {@code sparkplug-publisher}, so a slow or absent broker never holds up vision.
 *
 * <p>Each connection attempt takes a new bdSeq and registers the NDEATH carrying it as the Will
 * (QoS 1, not retained). Once connected it subscribes to its NCMD topic, then publishes the NBIRTH
 * and a DBIRTH per device of the newest state, then report-by-exception DATA messages at most
 * {@link SparkplugConfig#maxRateHz()} times a second (all QoS 0). An NCMD {@code Node
 * Control/Rebirth = true} makes it publish all births again; any other NCMD is logged and ignored.
 * {@link #close()} publishes the NDEATH itself (a clean disconnect does not fire the Will),
 * disconnects, and may be called twice.
 *
 * <p>Threads: {@link #offer} is called by the twin's producer and never blocks (latest wins);
 * Paho's callback thread only parses commands and raises a flag; all session state and all
 * publishing belong to the publisher thread.
 */
public final class SparkplugPublisher implements TwinSink {
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final SparkplugConfig config;
    private final SparkplugSession session;
    private final MqttAsyncClient client;
    private final long minIntervalNanos;
    private final LatestSlot<TwinState> pending = new LatestSlot<>();
    private final AtomicLong eventsIgnored = new AtomicLong();
    private final AtomicBoolean rebirthRequested = new AtomicBoolean();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rebirths = new AtomicLong();
    private final AtomicLong commandsIgnored = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int bdSeq = -1;
    private final BdSeqFile bdSeqFile;
    private final javax.net.ssl.SSLSocketFactory socketFactory;

    /** The newest state taken from {@link #pending}; publisher thread only. */
    private TwinState latest;

    private SparkplugPublisher(
            SparkplugConfig config, LongSupplier epochMillis, BdSeqFile bdSeqFile)
            throws MqttException, IOException {
        this.config = config;
        this.bdSeqFile = bdSeqFile;
        this.socketFactory =
                config.serverUri().startsWith("ssl://") ? config.security().socketFactory() : null;
        this.session = new SparkplugSession(config.topics(), config.firstBdSeq(), epochMillis);
        this.minIntervalNanos = (long) (1e9 / config.maxRateHz());
        this.client =
                new MqttAsyncClient(config.serverUri(), config.clientId(), new MemoryPersistence());
        this.client.setCallback(new Callback());
        this.thread = new Thread(this::run, "sparkplug-publisher");
        this.thread.setDaemon(true);
    }

    /** Starts publishing to {@code config.serverUri()}; connects in the background. */
    public static SparkplugPublisher start(SparkplugConfig config)
            throws MqttException, IOException {
        return start(config, System::currentTimeMillis);
    }

    /**
     * As {@link #start(SparkplugConfig)}, keeping the bdSeq across restarts: before each connection
     * attempt the next value is stored in {@code bdSeqFile}. Pass {@code
     * config.withFirstBdSeq(bdSeqFile.next())}.
     */
    public static SparkplugPublisher start(SparkplugConfig config, BdSeqFile bdSeqFile)
            throws MqttException, IOException {
        SparkplugPublisher p =
                new SparkplugPublisher(
                        config,
                        System::currentTimeMillis,
                        java.util.Objects.requireNonNull(bdSeqFile, "bdSeqFile"));
        p.thread.start();
        return p;
    }

    /** As {@link #start(SparkplugConfig)}, with the clock for payload timestamps. */
    static SparkplugPublisher start(SparkplugConfig config, LongSupplier epochMillis)
            throws MqttException, IOException {
        SparkplugPublisher p = new SparkplugPublisher(config, epochMillis, null);
        p.thread.start();
        return p;
    }

    /** Hands a state to the publisher thread; never blocks. Ignored after close. */
    @Override
    public void offer(TwinState state) {
        if (running) {
            pending.put(state);
        }
    }

    /**
     * Ignores the event and counts it ({@link #eventsIgnored()}): Sparkplug B has no event message;
     * an object's appearance and departure already show as its device's DBIRTH and DDEATH, and
     * {@code entered-path} and {@code fall} are JSON-only for now.
     */
    @Override
    public void offerEvent(TwinEvent event) {
        eventsIgnored.incrementAndGet();
    }

    /**
     * Logs the transition and does not publish it: Sparkplug B has no message for it here (the
     * serving model's version is in the twin device's {@code model/} metrics). The JSON codec
     * publishes it on {@code model/event}.
     */
    @Override
    public void offerModelTransition(dev.edgetwin.runtime.bundle.ModelTransition transition) {
        Logger.info("Model transition (not published with Sparkplug B): {}", transition);
    }

    /** Events offered and ignored (see {@link #offerEvent}). */
    public long eventsIgnored() {
        return eventsIgnored.get();
    }

    /** Nothing is stored (latest state wins) and nothing counted as dropped: (0, 0). */
    @Override
    public Delivery delivery() {
        return new Delivery(0, 0);
    }

    /** Messages handed to the client (births, data, deaths). */
    @Override
    public long published() {
        return published.get();
    }

    /** States replaced by a newer one before they could be sent (rate limit or no broker). */
    public long coalesced() {
        return pending.dropped();
    }

    /** Messages the client refused to send. */
    public long failed() {
        return failed.get();
    }

    /** Rebirths done on request (NCMD). */
    public long rebirths() {
        return rebirths.get();
    }

    /** Inbound messages ignored: unknown or malformed commands. */
    public long commandsIgnored() {
        return commandsIgnored.get();
    }

    /** The bdSeq of the current connection (in its Will and NBIRTH); -1 before the first. */
    public int bdSeq() {
        return bdSeq;
    }

    /** Successful connections so far. */
    public long connects() {
        return connects.get();
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /**
     * For tests: drops the TCP connection without a DISCONNECT, as a crash or a cable pull would,
     * so the broker publishes the Will. The publisher then reconnects.
     */
    void dropConnectionAbruptly() throws MqttException {
        client.disconnectForcibly(0, 1_000, false);
    }

    private void run() {
        long backoffMillis = 500;
        long lastSend = System.nanoTime() - minIntervalNanos;
        while (running) {
            try {
                if (!client.isConnected()) {
                    if (!connectAndBirth()) {
                        Thread.sleep(backoffMillis);
                        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
                        continue;
                    }
                    backoffMillis = 500;
                }
                if (rebirthRequested.getAndSet(false)) {
                    Logger.info("Sparkplug rebirth requested: publishing NBIRTH and DBIRTHs");
                    rebirths.incrementAndGet();
                    send(session.births(latest));
                }
                long wait = lastSend + minIntervalNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                TwinState state = pending.poll(200, TimeUnit.MILLISECONDS);
                if (state == null || !client.isConnected()) {
                    if (state != null) {
                        latest = state;
                    }
                    continue;
                }
                latest = state;
                lastSend = System.nanoTime();
                send(session.update(state));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A bug must not end publishing silently: log, start over with a rebirth.
                Logger.error(e, "Sparkplug publisher failed; rebirthing");
                rebirthRequested.set(true);
            }
        }
    }

    /** One connection attempt with a fresh bdSeq; on success subscribes and sends births. */
    private boolean connectAndBirth() throws InterruptedException {
        SparkplugMessage will = session.beginConnect();
        bdSeq = session.bdSeq();
        if (bdSeqFile != null) {
            try {
                // Stored before the CONNECT carries this bdSeq: a crash never reuses it.
                bdSeqFile.store((bdSeq + 1) & 0xFF);
            } catch (IOException e) {
                Logger.warn(
                        "Storing the next bdSeq in {} failed: {}; a restart may repeat bdSeq {}",
                        bdSeqFile.path(),
                        e.getMessage(),
                        bdSeq);
            }
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true); // Sparkplug 3.0 requires it with MQTT 3.1.1
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(config.keepAliveSeconds());
        options.setConnectionTimeout(10);
        options.setMaxInflight(1000);
        options.setWill(will.topic(), will.payload(), will.qos(), false);
        if (socketFactory != null) {
            options.setSocketFactory(socketFactory);
            options.setHttpsHostnameVerificationEnabled(true);
        }
        if (config.security().username() != null) {
            options.setUserName(config.security().username());
            if (config.security().password() != null) {
                options.setPassword(config.security().password().chars());
            }
        }
        try {
            client.connect(options).waitForCompletion(15_000);
            if (!client.isConnected()) {
                return false;
            }
            // Subscribe before the NBIRTH, so a rebirth request right after it is not missed.
            client.subscribe(session.topics().ncmd(), 1).waitForCompletion(10_000);
        } catch (MqttException e) {
            if (running) {
                Logger.warn(
                        "MQTT broker {} not reachable (bdSeq {}): {}; retrying",
                        config.serverUri(),
                        bdSeq,
                        e.getMessage());
            }
            if (client.isConnected()) {
                try {
                    client.disconnectForcibly(0, 1_000, false);
                } catch (MqttException ignored) {
                    // already gone
                }
            }
            return false;
        }
        connects.incrementAndGet();
        Logger.info(
                "Sparkplug edge node {}/{} connected to {} (bdSeq {})",
                config.groupId(),
                config.edgeNodeId(),
                config.serverUri(),
                bdSeq);
        rebirthRequested.set(false);
        send(session.births(latest));
        return true;
    }

    private void send(List<SparkplugMessage> messages) {
        for (SparkplugMessage m : messages) {
            try {
                client.publish(m.topic(), m.payload(), m.qos(), false);
                published.incrementAndGet();
            } catch (MqttException e) {
                failed.incrementAndGet();
                Logger.debug("Publishing {} failed: {}", m, e.getMessage());
                // A host that missed a message sees a seq gap; if still connected, rebirth so
                // it need not ask.
                if (client.isConnected()) {
                    rebirthRequested.set(true);
                }
                return;
            }
        }
    }

    /** Publishes the NDEATH (a clean disconnect does not fire the Will), disconnects, stops. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected() && !thread.isAlive()) {
                SparkplugMessage death = session.death();
                client.publish(death.topic(), death.payload(), death.qos(), false)
                        .waitForCompletion(2_000);
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            Logger.warn(
                    "MQTT disconnect from {} was not clean: {}",
                    config.serverUri(),
                    e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            Logger.warn("Closing the MQTT client failed: {}", e.getMessage());
        }
        Logger.info("Sparkplug publisher stopped after {} messages", published.get());
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            Logger.warn(
                    "MQTT connection to {} lost: {}",
                    config.serverUri(),
                    cause == null ? "?" : cause.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // Never throw here: Paho drops the connection when a callback throws.
            try {
                if (NodeCommand.parse(session.topics(), topic, message.getPayload())
                        == NodeCommand.Action.REBIRTH) {
                    rebirthRequested.set(true);
                } else {
                    commandsIgnored.incrementAndGet();
                }
            } catch (RuntimeException e) {
                commandsIgnored.incrementAndGet();
                Logger.warn(e, "Ignoring an inbound message on {}", topic);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {}
    }
}
