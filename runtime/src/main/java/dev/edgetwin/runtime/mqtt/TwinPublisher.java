package dev.edgetwin.runtime.mqtt;

import dev.edgetwin.runtime.LatestSlot;
import dev.edgetwin.runtime.twin.TwinJson;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.tinylog.Logger;

/**
 * Publishes the twin to an MQTT broker from its own thread, so that a slow or absent broker never
 * holds up vision. States are handed over through a latest-wins slot and published at most at the
 * configured rate; the newest state is retained, so a subscriber that connects late sees it at
 * once. The robot's status is retained too, with "offline" as the Last Will.
 *
 * <p>Paho is the transport only (MQTT 3.1.1, in-memory persistence). Reconnection uses backoff.
 * {@link #close()} may be called twice; {@link #offer} after close is ignored.
 */
public final class TwinPublisher implements AutoCloseable {
    private static final int QOS = 1;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final String serverUri;
    private final TwinTopics topics;
    private final long minIntervalNanos;
    private final LongSupplier nanoTime;
    private final MqttAsyncClient client;
    private final LatestSlot<TwinState> pending = new LatestSlot<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param serverUri e.g. {@code tcp://127.0.0.1:1883}
     * @param maxRateHz most states per second sent to the broker
     */
    public TwinPublisher(String serverUri, TwinTopics topics, double maxRateHz)
            throws MqttException {
        if (!(maxRateHz > 0) || !Double.isFinite(maxRateHz)) {
            throw new IllegalArgumentException(
                    "publish rate must be a positive number of Hz, got " + maxRateHz);
        }
        this.serverUri = serverUri;
        this.topics = topics;
        this.minIntervalNanos = (long) (1e9 / maxRateHz);
        this.nanoTime = System::nanoTime;
        String clientId = "edgetwin-" + topics.site() + "-" + topics.robotId();
        this.client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
        this.client.setCallback(
                new MqttCallbackExtended() {
                    @Override
                    public void connectComplete(boolean reconnect, String uri) {
                        Logger.info(
                                "MQTT connected to {}{}", uri, reconnect ? " (reconnected)" : "");
                        publishStatus(true);
                    }

                    @Override
                    public void connectionLost(Throwable cause) {
                        Logger.warn(
                                "MQTT connection to {} lost: {}",
                                serverUri,
                                cause == null ? "?" : cause.getMessage());
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {}

                    @Override
                    public void deliveryComplete(
                            org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
                });
        this.thread = new Thread(this::run, "twin-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Hands a state to the publisher thread; never blocks. Called from the vision thread. */
    public void offer(TwinState state) {
        if (running) {
            pending.put(state);
        }
    }

    /** States sent to the broker. */
    public long published() {
        return published.get();
    }

    /** States replaced by a newer one before they could be sent (rate limit or no broker). */
    public long coalesced() {
        return pending.dropped();
    }

    /** States the client refused to send (not connected, too many in flight). */
    public long failed() {
        return failed.get();
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    private void run() {
        long backoffMillis = 500;
        long lastSend = nanoTime.getAsLong() - minIntervalNanos;
        while (running) {
            try {
                if (!client.isConnected()) {
                    if (!tryConnect()) {
                        sleepInterruptibly(backoffMillis);
                        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
                        continue;
                    }
                    backoffMillis = 500;
                }
                long wait = lastSend + minIntervalNanos - nanoTime.getAsLong();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                TwinState state = pending.poll(200, TimeUnit.MILLISECONDS);
                if (state == null) {
                    continue;
                }
                lastSend = nanoTime.getAsLong();
                send(state);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean tryConnect() throws InterruptedException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        // Paho's default of 10 in-flight messages stalls a fast twin behind one slow ack.
        options.setMaxInflight(1000);
        options.setWill(
                topics.status(),
                TwinJson.encodeStatus(
                        topics.site(), topics.robotId(), false, System.currentTimeMillis()),
                QOS,
                true);
        try {
            IMqttToken token = client.connect(options);
            token.waitForCompletion(15_000);
            return client.isConnected();
        } catch (MqttException e) {
            if (running) {
                Logger.warn(
                        "MQTT broker {} not reachable: {}; retrying", serverUri, e.getMessage());
            }
            return false;
        }
    }

    private void send(TwinState state) {
        try {
            client.publish(topics.state(), TwinJson.encodeState(state), QOS, true);
            published.incrementAndGet();
        } catch (MqttException e) {
            failed.incrementAndGet();
            Logger.debug("Publishing twin state {} failed: {}", state.seq(), e.getMessage());
        }
    }

    private void publishStatus(boolean online) {
        try {
            client.publish(
                    topics.status(),
                    TwinJson.encodeStatus(
                            topics.site(), topics.robotId(), online, System.currentTimeMillis()),
                    QOS,
                    true);
        } catch (MqttException e) {
            Logger.warn(
                    "Publishing status '{}' failed: {}",
                    online ? "online" : "offline",
                    e.getMessage());
        }
    }

    private static void sleepInterruptibly(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    /** Publishes "offline" (a clean disconnect does not fire the Will), disconnects, stops. */
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
            if (client.isConnected()) {
                client.publish(
                                topics.status(),
                                TwinJson.encodeStatus(
                                        topics.site(),
                                        topics.robotId(),
                                        false,
                                        System.currentTimeMillis()),
                                QOS,
                                true)
                        .waitForCompletion(2_000);
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            Logger.warn("MQTT disconnect from {} was not clean: {}", serverUri, e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            Logger.warn("Closing the MQTT client failed: {}", e.getMessage());
        }
        Logger.info("MQTT publisher stopped after {} states", published.get());
    }
}
