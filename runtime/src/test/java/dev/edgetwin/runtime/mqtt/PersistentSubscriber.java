package dev.edgetwin.runtime.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A subscriber with a persistent session (clean session false, QoS 1) for tests: it subscribes
 * once; after {@link #reconnect()} the broker delivers what it queued while it was away.
 */
final class PersistentSubscriber implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One received message, its payload parsed. */
    record Received(String topic, byte[] payload, JsonNode json) {}

    private final MqttClient client;
    private final List<Received> received = new ArrayList<>();

    PersistentSubscriber(String uri, String clientId, String filter) throws MqttException {
        client = new MqttClient(uri, clientId, new MemoryPersistence());
        client.setCallback(
                new MqttCallback() {
                    @Override
                    public void connectionLost(Throwable cause) {}

                    @Override
                    public void messageArrived(String topic, MqttMessage message)
                            throws IOException {
                        byte[] p = message.getPayload();
                        synchronized (received) {
                            received.add(new Received(topic, p, JSON.readTree(p)));
                            received.notifyAll();
                        }
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {}
                });
        client.connect(options());
        client.subscribe(filter, 1);
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setMaxInflight(1000);
        return o;
    }

    void reconnect() throws MqttException {
        client.connect(options());
    }

    boolean isConnected() {
        return client.isConnected();
    }

    /** Everything received so far, in arrival order. */
    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /**
     * Waits until {@code done} holds for what was received, at most {@code millis}; what was
     * received then.
     */
    List<Received> await(java.util.function.Predicate<List<Received>> done, long millis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (received) {
            while (!done.test(received)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                received.wait(left);
            }
            return List.copyOf(received);
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
