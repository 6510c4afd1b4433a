package dev.edgetwin.runtime.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A Paho subscriber for tests: collects every message it receives. */
public final class TestSubscriber implements AutoCloseable {
    /** One received message. */
    public record Message(String topic, String payload, boolean retained) {}

    private final MqttClient client;
    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();

    public TestSubscriber(String uri, String topicFilter) throws MqttException {
        client =
                new MqttClient(
                        uri, "test-subscriber-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        client.subscribe(
                topicFilter,
                1,
                (topic, m) ->
                        received.add(
                                new Message(
                                        topic,
                                        new String(m.getPayload(), StandardCharsets.UTF_8),
                                        m.isRetained())));
    }

    /** The next message on any topic, waiting at most {@code seconds}; null if none came. */
    public Message nextAny(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    /** The next message on {@code topic}, waiting at most {@code seconds}; null if none came. */
    public Message next(String topic, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Message m = received.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                return null;
            }
            if (m.topic().equals(topic)) {
                return m;
            }
        }
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(1000);
        }
        client.close(true);
    }
}
