package dev.edgetwin.runtime.mqtt;

import dev.edgetwin.runtime.LatestSlot;
import dev.edgetwin.runtime.mqtt.outbox.DurableOutbox;
import dev.edgetwin.runtime.mqtt.outbox.OutboxEntry;
import dev.edgetwin.runtime.mqtt.outbox.OutboxException;
import dev.edgetwin.runtime.mqtt.outbox.OutboxMessage;
import dev.edgetwin.runtime.mqtt.outbox.Priority;
import dev.edgetwin.runtime.mqtt.outbox.SessionEpoch;
import dev.edgetwin.runtime.twin.CommandListener;
import dev.edgetwin.runtime.twin.CommandParser;
import dev.edgetwin.runtime.twin.CommandVerdict;
import dev.edgetwin.runtime.twin.MessageStamp;
import dev.edgetwin.runtime.twin.ModelCommandListener;
import dev.edgetwin.runtime.twin.RobotCommand;
import dev.edgetwin.runtime.twin.TwinEvent;
import dev.edgetwin.runtime.twin.TwinJson;
import dev.edgetwin.runtime.twin.TwinSink;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.tinylog.Logger;

/**
 * Publishes the twin to an MQTT broker through a {@link DurableOutbox}, from its own thread, so
 * that a slow or absent broker never holds up vision and nothing is lost when it goes away.
 *
 * <p><b>Path of a message.</b> {@link #offer(TwinState)} and {@link #offerEvent(TwinEvent)} only
 * hand over (a latest-wins slot for states, a bounded queue for events; full means dropped and
 * counted). The publisher thread stamps each message with the session epoch and the outbox's
 * sequence number ({@link MessageStamp}), appends it to the outbox, and drains the outbox in order
 * with Paho at QoS 1 ({@link PublisherConfig#qos()}; at most {@link PublisherConfig#maxInflight()}
 * unacknowledged). A record is acknowledged in the outbox only when Paho reports the publish
 * complete (the broker's PUBACK); after a reconnect, or a restart on the same outbox directory,
 * every unacknowledged record is sent again, in order.
 *
 * <p><b>States are coalesced before they are numbered.</b> The retained state is a snapshot: only
 * the newest matters. A state is taken from the slot at most at {@link PublisherConfig#maxRateHz()}
 * and only when the previous state record has been handed to the broker; until then newer states
 * replace it in the slot ({@link PublisherCounters#coalesced()}). So while the broker is away the
 * outbox holds at most one unsent state, and every number that reaches the outbox is published: a
 * subscriber that misses a number has lost a message. Events and statuses are never coalesced.
 *
 * <p><b>Sessions.</b> The epoch ({@link SessionEpoch}, persisted) is taken anew when the publisher
 * starts and before each reconnection after a successful session; each message carries the epoch in
 * force when it was created. The Last Will ("offline") carries the epoch of the session it ends and
 * no sequence number. A broker that accepts TCP but never sends CONNACK is dropped after {@link
 * PublisherConfig#connectTimeout()}; attempts back off exponentially.
 *
 * <p><b>Commands.</b> After every connection the publisher subscribes (QoS 1) to the robot's
 * command topic ({@link TwinTopics#command()}). Each command is read with {@link CommandParser} on
 * Paho's callback thread; {@code rebirth} is carried out here (the current status and the latest
 * state are published again, with new numbers), {@code goal} and {@code stop} go to the {@link
 * CommandListener}; every command, valid or not, is answered on {@link
 * TwinTopics#commandResponse()} through the outbox (event class). Nothing a sender writes can stop
 * the publisher: a bad command is answered {@code rejected}, a listener that throws {@code
 * unavailable}.
 *
 * <p>Threads: {@code offer}, {@code offerEvent}, {@link #counters()} from any thread; everything
 * else on the publisher thread (and Paho's callback thread for acknowledgements and commands).
 * {@link #close()} may be called twice; offers after close are ignored.
 */
public final class TwinPublisher implements TwinSink {
    private static final int WILL_QOS = 1;
    private static final int EVENT_QUEUE = 4096;
    private static final int RESPONSE_QUEUE = 256;

    private final PublisherConfig config;
    private final TwinTopics topics;
    private final long minIntervalNanos;
    private volatile MqttAsyncClient client;
    private final DurableOutbox outbox;
    private final SessionEpoch epochs;
    private final LatestSlot<TwinState> pending = new LatestSlot<>();
    private final ArrayBlockingQueue<TwinEvent> events = new ArrayBlockingQueue<>(EVENT_QUEUE);
    private final ArrayBlockingQueue<Response> responses = new ArrayBlockingQueue<>(RESPONSE_QUEUE);
    private final ArrayBlockingQueue<dev.edgetwin.runtime.bundle.ModelTransition> transitions =
            new ArrayBlockingQueue<>(RESPONSE_QUEUE);
    private final ArrayBlockingQueue<ModelCommandListener.ModelCommandReply> modelReplies =
            new ArrayBlockingQueue<>(RESPONSE_QUEUE);
    private final ModelCommandListener modelCommandListener;
    private final CommandListener commandListener;
    private final javax.net.ssl.SSLSocketFactory socketFactory;
    private final AtomicLong commandsReceived = new AtomicLong();
    private final AtomicLong responsesRefused = new AtomicLong();
    private volatile boolean rebirthRequested;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong eventsRefused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean closed;
    private volatile long epoch;

    // Publisher thread only (and close(), after the thread has stopped).
    private final Map<String, Long> lastSeqByTopic = new HashMap<>();
    private AtomicInteger inFlight = new AtomicInteger();
    private boolean epochUsed;
    private boolean sessionUp;
    private long lastStateAppended;
    private long lastStateSent;
    private TwinState lastState;

    /** A command's answer on its way to the publisher thread. */
    private record Response(String id, String command, CommandVerdict verdict, long timeMillis) {}

    /**
     * Opens the outbox and the epoch (taking a new epoch) and starts the publisher thread.
     *
     * @throws OutboxException if the outbox or the epoch file cannot be opened (locked, corrupt
     *     epoch, I/O)
     * @throws java.io.IOException if a TLS file cannot be read or understood (the message names it)
     */
    public TwinPublisher(PublisherConfig config)
            throws MqttException, OutboxException, java.io.IOException {
        this(config, CommandListener.UNWIRED);
    }

    /**
     * As {@link #TwinPublisher(PublisherConfig)}, with what carries out {@code goal} and {@code
     * stop} commands.
     */
    public TwinPublisher(PublisherConfig config, CommandListener commandListener)
            throws MqttException, OutboxException, java.io.IOException {
        this(config, commandListener, ModelCommandListener.UNWIRED);
    }

    /**
     * As {@link #TwinPublisher(PublisherConfig, CommandListener)}, also subscribing to the model
     * command topic ({@link TwinTopics#modelCommand()}) and answering each model command with what
     * {@code modelCommandListener} replies.
     */
    public TwinPublisher(
            PublisherConfig config,
            CommandListener commandListener,
            ModelCommandListener modelCommandListener)
            throws MqttException, OutboxException, java.io.IOException {
        this.modelCommandListener =
                java.util.Objects.requireNonNull(modelCommandListener, "modelCommandListener");
        this.config = config;
        this.socketFactory = config.security().tls() ? config.security().socketFactory() : null;
        this.topics = config.topics();
        this.commandListener = java.util.Objects.requireNonNull(commandListener, "commandListener");
        this.minIntervalNanos = (long) (1e9 / config.maxRateHz());
        this.client = newClient();
        this.epochs = SessionEpoch.open(config.epochFile());
        this.outbox = DurableOutbox.open(config.outbox());
        try {
            this.epoch = epochs.increment();
        } catch (OutboxException e) {
            outbox.close();
            throw e;
        }
        this.thread = new Thread(this::run, "twin-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private MqttAsyncClient newClient() throws MqttException {
        String clientId = "edgetwin-" + topics.site() + "-" + topics.robotId();
        MqttAsyncClient c =
                new MqttAsyncClient(config.serverUri(), clientId, new MemoryPersistence());
        c.setCallback(
                new MqttCallback() {
                    @Override
                    public void connectionLost(Throwable cause) {
                        Logger.warn(
                                "MQTT connection to {} lost: {}",
                                config.serverUri(),
                                cause == null ? "?" : cause.getMessage());
                        LockSupport.unpark(thread);
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                        if (topic.equals(topics.command())) {
                            onCommand(message.getPayload());
                        } else if (topic.equals(topics.modelCommand())) {
                            onModelCommand(message.getPayload());
                        }
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {}
                });
        return c;
    }

    /**
     * The CONNACK watchdog: Paho's connection timeout bounds the TCP connect only, so a broker that
     * accepts the connection and never answers would leave the client "connecting" for good. Drop
     * that client and start again with a new one.
     */
    private void replaceClient() {
        MqttAsyncClient old = client;
        try {
            old.disconnectForcibly(0, 100, false);
        } catch (MqttException | RuntimeException e) {
            Logger.debug("Dropping the unanswered MQTT connection: {}", e.getMessage());
        }
        try {
            old.close(true);
        } catch (MqttException | RuntimeException e) {
            Logger.debug("Closing the unanswered MQTT client: {}", e.getMessage());
        }
        try {
            client = newClient();
        } catch (MqttException e) {
            Logger.error(e, "Creating a new MQTT client failed");
        }
    }

    /**
     * One command from the command topic (Paho's callback thread): parsed, carried out or handed to
     * the listener, and answered. Never throws: Paho would drop the connection.
     */
    private void onCommand(byte[] payload) {
        commandsReceived.incrementAndGet();
        String id = null;
        String name = null;
        CommandVerdict verdict;
        try {
            RobotCommand command = CommandParser.parse(payload);
            id = command.id();
            name = command.name();
            if (command instanceof RobotCommand.Rebirth) {
                rebirthRequested = true;
                verdict = CommandVerdict.accepted();
            } else {
                verdict = commandListener.onCommand(command);
                if (verdict == null) {
                    verdict = CommandVerdict.unavailable("the command handler gave no answer");
                }
            }
            Logger.info("Command {} ({}) {}", name, id, verdict.status().wire());
        } catch (CommandParser.InvalidCommandException e) {
            id = e.id();
            name = e.command();
            verdict = CommandVerdict.rejected(e.getMessage());
            Logger.debug("Command rejected: {}", e.getMessage());
        } catch (RuntimeException e) {
            verdict =
                    CommandVerdict.unavailable(
                            "the command handler failed: " + e.getClass().getSimpleName());
            Logger.warn(e, "Handling command {} ({}) failed", name, id);
        }
        if (!responses.offer(new Response(id, name, verdict, System.currentTimeMillis()))) {
            responsesRefused.incrementAndGet();
        }
        LockSupport.unpark(thread);
    }

    /** A model command (Paho's callback thread): handed to the listener. Never throws. */
    private void onModelCommand(byte[] payload) {
        commandsReceived.incrementAndGet();
        try {
            modelCommandListener.onModelCommand(payload, this::offerModelReply);
        } catch (RuntimeException e) {
            Logger.warn(e, "Handling a model command failed");
            offerModelReply(
                    ModelCommandListener.ModelCommandReply.of(
                            null,
                            null,
                            CommandVerdict.unavailable(
                                    "the model command handler failed: "
                                            + e.getClass().getSimpleName())));
        }
    }

    private void offerModelReply(ModelCommandListener.ModelCommandReply reply) {
        if (!modelReplies.offer(reply)) {
            responsesRefused.incrementAndGet();
        }
        LockSupport.unpark(thread);
    }

    /** Commands received on the command topic, valid or not. */
    public long commandsReceived() {
        return commandsReceived.get();
    }

    /** Command responses dropped because the hand-off to the publisher thread was full. */
    public long responsesRefused() {
        return responsesRefused.get();
    }

    /** Hands a state to the publisher thread; never blocks. Called from the vision thread. */
    @Override
    public void offer(TwinState state) {
        if (running) {
            pending.put(state);
            LockSupport.unpark(thread);
        }
    }

    /**
     * Hands an event to the publisher thread; never blocks. If the hand-off queue is full the event
     * is dropped and counted ({@link PublisherCounters#eventsRefused()}).
     */
    @Override
    public void offerEvent(TwinEvent event) {
        if (running) {
            if (!events.offer(event)) {
                eventsRefused.incrementAndGet();
            }
            LockSupport.unpark(thread);
        }
    }

    /**
     * Hands a model transition to the publisher thread; never blocks. A full hand-off drops it and
     * counts it with the refused events.
     */
    @Override
    public void offerModelTransition(dev.edgetwin.runtime.bundle.ModelTransition transition) {
        if (running) {
            if (!transitions.offer(transition)) {
                eventsRefused.incrementAndGet();
            }
            LockSupport.unpark(thread);
        }
    }

    /** Messages the broker acknowledged (each outbox record counted once). */
    @Override
    public long published() {
        return acknowledged.get();
    }

    /** States replaced by a newer one before they were numbered and stored. */
    public long coalesced() {
        return pending.dropped();
    }

    /** Sends Paho refused; the records stay in the outbox and go again after a reconnect. */
    public long failed() {
        return failed.get();
    }

    /** The current session epoch. */
    public long epoch() {
        return epoch;
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /**
     * The outbox's backlog, and every message dropped: the outbox's disk bound (all classes) plus
     * events refused by a full hand-off.
     */
    @Override
    public Delivery delivery() {
        PublisherCounters c = counters();
        long dropped = c.eventsRefused() + responsesRefused.get();
        for (long d : c.outbox().dropped().values()) {
            dropped += d;
        }
        return new Delivery(c.outbox().backlogRecords(), dropped);
    }

    /** A snapshot of the counters, for health (any thread). */
    public PublisherCounters counters() {
        return new PublisherCounters(
                epoch,
                connects.get(),
                acknowledged.get(),
                pending.dropped(),
                eventsRefused.get(),
                failed.get(),
                outbox.counters());
    }

    private void run() {
        long backoffNanos = config.initialBackoff().toNanos();
        long nextAttempt = System.nanoTime();
        long lastStateTaken = System.nanoTime() - minIntervalNanos;
        while (running) {
            try {
                absorbEvents();
                absorbResponses();
                absorbTransitions();
                absorbModelReplies();
                if (rebirthRequested) {
                    rebirthRequested = false;
                    rebirth();
                }
                long now = System.nanoTime();
                if (!client.isConnected()) {
                    if (sessionUp) {
                        sessionUp = false;
                        nextAttempt = now; // try again at once, then back off
                    }
                    if (now - nextAttempt >= 0) {
                        if (tryConnect()) {
                            backoffNanos = config.initialBackoff().toNanos();
                        } else {
                            nextAttempt = System.nanoTime() + backoffNanos;
                            backoffNanos =
                                    Math.min(config.maxBackoff().toNanos(), backoffNanos * 2);
                        }
                    }
                }
                now = System.nanoTime();
                long untilState = lastStateTaken + minIntervalNanos - now;
                if (untilState <= 0 && lastStateAppended <= lastStateSent) {
                    TwinState state = pending.poll(0, TimeUnit.NANOSECONDS);
                    if (state != null) {
                        lastStateTaken = now;
                        appendState(state);
                        untilState = minIntervalNanos;
                    }
                }
                if (client.isConnected()) {
                    drain();
                }
                long wait = TimeUnit.SECONDS.toNanos(1);
                if (untilState > 0) {
                    wait = Math.min(wait, untilState);
                }
                if (!client.isConnected()) {
                    wait = Math.min(wait, Math.max(1, nextAttempt - System.nanoTime()));
                }
                if (running
                        && events.isEmpty()
                        && responses.isEmpty()
                        && transitions.isEmpty()
                        && modelReplies.isEmpty()
                        && !rebirthRequested) {
                    LockSupport.parkNanos(this, wait);
                }
            } catch (InterruptedException e) {
                return; // close() interrupts
            } catch (OutboxException | RuntimeException e) {
                Logger.error(e, "Twin publisher: {}", e.getMessage());
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private void absorbEvents() throws OutboxException {
        TwinEvent event;
        while ((event = events.poll()) != null) {
            TwinEvent e = event;
            append(
                    topics.event(),
                    false,
                    Priority.EVENT,
                    stamp -> TwinJson.encodeEvent(topics.site(), topics.robotId(), e, stamp));
        }
    }

    private void absorbModelReplies() throws OutboxException {
        ModelCommandListener.ModelCommandReply r;
        while ((r = modelReplies.poll()) != null) {
            ModelCommandListener.ModelCommandReply reply = r;
            append(
                    topics.modelCommandResponse(),
                    false,
                    Priority.EVENT,
                    stamp ->
                            TwinJson.encodeModelCommandReply(
                                    topics.site(), topics.robotId(), reply, stamp));
        }
    }

    private void absorbTransitions() throws OutboxException {
        dev.edgetwin.runtime.bundle.ModelTransition t;
        while ((t = transitions.poll()) != null) {
            dev.edgetwin.runtime.bundle.ModelTransition transition = t;
            append(
                    topics.modelEvent(),
                    false,
                    Priority.EVENT,
                    stamp ->
                            TwinJson.encodeModelTransition(
                                    topics.site(), topics.robotId(), transition, stamp));
        }
    }

    private void absorbResponses() throws OutboxException {
        Response r;
        while ((r = responses.poll()) != null) {
            Response response = r;
            append(
                    topics.commandResponse(),
                    false,
                    Priority.EVENT,
                    stamp ->
                            TwinJson.encodeCommandResponse(
                                    topics.site(),
                                    topics.robotId(),
                                    response.id(),
                                    response.command(),
                                    response.verdict(),
                                    response.timeMillis(),
                                    stamp));
        }
    }

    /**
     * The JSON codec's rebirth: the current status and the latest state again, new numbers, at once
     * (not held back by the rate limit), so a subscriber that lost track has the whole twin.
     */
    private void rebirth() throws OutboxException {
        appendStatus(true);
        if (lastState != null) {
            appendState(lastState);
        }
        Logger.info("Rebirth: status and latest state published again");
    }

    private void appendState(TwinState state) throws OutboxException {
        lastState = state;
        long seq =
                append(
                        topics.state(),
                        true,
                        Priority.STATE,
                        stamp -> TwinJson.encodeState(state, stamp));
        if (seq != DurableOutbox.DROPPED) {
            lastStateAppended = seq;
        }
    }

    private void appendStatus(boolean online) throws OutboxException {
        long e = epoch;
        append(
                topics.status(),
                true,
                Priority.STATE,
                stamp ->
                        TwinJson.encodeStatus(
                                topics.site(),
                                topics.robotId(),
                                online,
                                System.currentTimeMillis(),
                                e,
                                stamp));
    }

    /** Stamps, encodes and stores one message; its sequence number, or DROPPED. */
    private long append(
            String topic,
            boolean retained,
            Priority priority,
            Function<MessageStamp, byte[]> encode)
            throws OutboxException {
        long prev = lastSeqByTopic.getOrDefault(topic, 0L);
        long e = epoch;
        long seq =
                outbox.append(
                        s ->
                                new OutboxMessage(
                                        topic,
                                        encode.apply(new MessageStamp(e, s, prev)),
                                        config.qos(),
                                        retained,
                                        priority));
        if (seq != DurableOutbox.DROPPED) {
            lastSeqByTopic.put(topic, seq);
        }
        return seq;
    }

    private boolean tryConnect() throws OutboxException {
        if (epochUsed) {
            epoch = epochs.increment();
            epochUsed = false;
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true); // the outbox, not Paho, resends
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout((int) config.connectTimeout().getSeconds());
        options.setMaxInflight(config.maxInflight());
        if (socketFactory != null) {
            options.setSocketFactory(socketFactory);
            options.setHttpsHostnameVerificationEnabled(
                    true); // the broker's name or IP in its cert
        }
        BrokerSecurity security = config.security();
        if (security.username() != null) {
            options.setUserName(security.username());
            if (security.password() != null) {
                options.setPassword(security.password().chars());
            }
        }
        options.setWill(
                topics.status(),
                TwinJson.encodeStatus(
                        topics.site(),
                        topics.robotId(),
                        false,
                        System.currentTimeMillis(),
                        epoch,
                        null),
                WILL_QOS,
                true);
        try {
            IMqttToken token = client.connect(options);
            token.waitForCompletion(config.connectTimeout().toMillis());
        } catch (MqttException e) {
            if (!client.isConnected()) {
                replaceClient(); // no CONNACK in time, or a half-open attempt: start clean
            }
            if (running) {
                Logger.warn(
                        "MQTT broker {} not reachable: {}; retrying",
                        config.serverUri(),
                        e.getMessage());
            }
            return false;
        }
        if (!client.isConnected()) {
            return false;
        }
        epochUsed = true;
        sessionUp = true;
        subscribeToCommands(topics.command());
        subscribeToCommands(topics.modelCommand());
        connects.incrementAndGet();
        inFlight = new AtomicInteger();
        outbox.rewind();
        long backlog = outbox.counters().backlogRecords();
        appendStatus(true);
        Logger.info(
                "MQTT connected to {} (session epoch {}; {} unacknowledged message(s) to send)",
                config.serverUri(),
                epoch,
                backlog);
        return true;
    }

    /**
     * Subscribes to the command topic; the session is clean, so after every connection. A failure
     * is logged and the twin still publishes.
     */
    private void subscribeToCommands(String topic) {
        try {
            client.subscribe(
                    topic,
                    1,
                    null,
                    new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            Logger.debug("Subscribed to {}", topic);
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable cause) {
                            Logger.warn(
                                    "Subscribing to commands on {} failed: {}",
                                    topic,
                                    cause == null ? "?" : cause.getMessage());
                        }
                    });
        } catch (MqttException e) {
            Logger.warn("Subscribing to commands on {} failed: {}", topic, e.getMessage());
        }
    }

    /** Sends what the outbox holds, in order, while the in-flight window has room. */
    private void drain() throws OutboxException {
        AtomicInteger window = inFlight;
        while (client.isConnected() && window.get() < config.maxInflight()) {
            OutboxEntry entry = outbox.next();
            if (entry == null) {
                return;
            }
            OutboxMessage m = entry.message();
            window.incrementAndGet();
            try {
                client.publish(
                        m.topic(),
                        m.payload(),
                        m.qos(),
                        m.retained(),
                        entry.seq(),
                        new Acknowledger(window));
            } catch (MqttException e) {
                // Taken but not sent: it goes again after the reconnect (rewind).
                window.decrementAndGet();
                failed.incrementAndGet();
                Logger.warn(
                        "Publishing message {} failed: {}; reconnecting",
                        entry.seq(),
                        e.getMessage());
                dropConnection();
                return;
            }
            if (m.topic().equals(topics.state())) {
                lastStateSent = Math.max(lastStateSent, entry.seq());
            }
        }
    }

    private void dropConnection() {
        try {
            client.disconnectForcibly(0, 1_000, false);
        } catch (MqttException e) {
            Logger.debug("Dropping the MQTT connection: {}", e.getMessage());
        }
    }

    /** Acknowledges a record in the outbox when Paho reports its publish complete. */
    private final class Acknowledger implements IMqttActionListener {
        private final AtomicInteger window;

        Acknowledger(AtomicInteger window) {
            this.window = window;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            window.decrementAndGet();
            long seq = (Long) token.getUserContext();
            try {
                if (outbox.acknowledge(seq)) {
                    acknowledged.incrementAndGet();
                }
            } catch (OutboxException | IllegalStateException e) {
                Logger.warn("Acknowledging outbox record {} failed: {}", seq, e.getMessage());
            }
            LockSupport.unpark(thread);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable cause) {
            window.decrementAndGet(); // resent after the reconnect
            LockSupport.unpark(thread);
        }
    }

    /**
     * Stops the publisher thread; publishes "offline" through the outbox (a clean disconnect does
     * not fire the Will) and waits a little for what is in flight; disconnects; closes the outbox.
     * What the broker did not acknowledge stays in the outbox for the next start.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        thread.interrupt();
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            appendStatus(false);
            if (client.isConnected()) {
                drain();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (inFlight.get() > 0
                        && client.isConnected()
                        && System.nanoTime() - deadline < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException | OutboxException | RuntimeException e) {
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
        long backlog = outbox.counters().backlogRecords();
        outbox.close();
        Logger.info(
                "MQTT publisher stopped: {} message(s) acknowledged, {} left in the outbox",
                acknowledged.get(),
                backlog);
    }
}
