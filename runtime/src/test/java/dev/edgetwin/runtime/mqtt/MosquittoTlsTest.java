package dev.edgetwin.runtime.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.twin.TwinSchemas;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.runtime.twin.TwinTopics;
import dev.edgetwin.vision.RobotPose;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher against Mosquitto 2.x over TLS: server authentication with a PEM CA plus a username
 * and a password read from a file, and mutual TLS with a PEM client certificate and key; the
 * certificates are made for the test with the JDK's keytool. Clients without the password or the
 * client certificate are refused by the broker. Needs {@code apt-get install mosquitto}; runs with
 * {@code -Pinterop}.
 */
@Tag("interop")
class MosquittoTlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TwinTopics topics = new TwinTopics("tls-site", "robot-3");

    @TempDir Path dir;

    private static MqttConnectOptions options(BrokerSecurity security) throws Exception {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setConnectionTimeout(10);
        o.setSocketFactory(security.socketFactory());
        if (security.username() != null) {
            o.setUserName(security.username());
            if (security.password() != null) {
                o.setPassword(security.password().chars());
            }
        }
        return o;
    }

    /** Publishes one state through the publisher and reads it back with a TLS subscriber. */
    private void stateArrives(MosquittoBroker broker, BrokerSecurity security) throws Exception {
        String uri = "ssl://127.0.0.1:" + broker.port();
        BlockingQueue<byte[]> got = new ArrayBlockingQueue<>(16);
        MqttClient sub = new MqttClient(uri, "tls-subscriber", new MemoryPersistence());
        sub.connect(options(security));
        sub.subscribe(topics.state(), 1, (t, m) -> got.offer(m.getPayload()));
        PublisherConfig config =
                PublisherConfig.defaults(uri, topics, 20, dir.resolve("state"))
                        .withTimings(
                                Duration.ofSeconds(5),
                                Duration.ofMillis(100),
                                Duration.ofSeconds(1))
                        .withSecurity(uri, security);
        try (TwinPublisher publisher = new TwinPublisher(config)) {
            publisher.offer(state(7));
            byte[] payload = got.poll(30, TimeUnit.SECONDS);
            assertNotNull(
                    payload, "the state over TLS; broker log: " + Files.readString(broker.log()));
            assertEquals(List.of(), TwinSchemas.STATE.violations(payload));
            JsonNode state = JSON.readTree(payload);
            assertEquals(7, state.get("seq").asLong());
            assertEquals(1, publisher.counters().connects(), "one connection, over TLS");
        } finally {
            sub.disconnect();
            sub.close();
        }
    }

    @Test
    void tlsWithAUsernameAndAPasswordFromAFile() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        Path passwords = dir.resolve("mosquitto.passwd");
        Process p =
                new ProcessBuilder(
                                "mosquitto_passwd",
                                "-c",
                                "-b",
                                passwords.toString(),
                                "robot-3",
                                "correct horse battery")
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(
                p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mosquitto_passwd: " + out);
        Path passwordFile =
                Files.writeString(dir.resolve("robot.password"), "correct horse battery\n");

        int port = EmbeddedBroker.freePort();
        try (MosquittoBroker broker =
                MosquittoBroker.start(
                        dir.resolve("broker"),
                        port,
                        false,
                        List.of(
                                "cafile " + pki.caCert(),
                                "certfile " + pki.serverCert(),
                                "keyfile " + pki.serverKey(),
                                "allow_anonymous false",
                                "password_file " + passwords))) {
            BrokerSecurity security =
                    new BrokerSecurity(
                            true,
                            pki.caCert(),
                            null,
                            null,
                            "robot-3",
                            BrokerSecurity.Secret.fromFile(passwordFile));
            stateArrives(broker, security);

            String uri = "ssl://127.0.0.1:" + port;
            BrokerSecurity wrong =
                    new BrokerSecurity(
                            true,
                            pki.caCert(),
                            null,
                            null,
                            "robot-3",
                            BrokerSecurity.Secret.of("wrong".toCharArray()));
            MqttClient intruder = new MqttClient(uri, "intruder", new MemoryPersistence());
            MqttException refused =
                    assertThrows(MqttException.class, () -> intruder.connect(options(wrong)));
            assertTrue(
                    refused.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                            || refused.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED,
                    "refused for its password: " + refused);
            intruder.close();
        }
    }

    @Test
    void mutualTlsWithAClientCertificate() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        int port = EmbeddedBroker.freePort();
        try (MosquittoBroker broker =
                MosquittoBroker.start(
                        dir.resolve("broker"),
                        port,
                        false,
                        List.of(
                                "cafile " + pki.caCert(),
                                "certfile " + pki.serverCert(),
                                "keyfile " + pki.serverKey(),
                                "require_certificate true"))) {
            stateArrives(
                    broker,
                    new BrokerSecurity(
                            true, pki.caCert(), pki.clientCert(), pki.clientKey(), null, null));

            MqttClient noCertificate =
                    new MqttClient("ssl://127.0.0.1:" + port, "no-cert", new MemoryPersistence());
            assertThrows(
                    MqttException.class,
                    () ->
                            noCertificate.connect(
                                    options(
                                            new BrokerSecurity(
                                                    true, pki.caCert(), null, null, null, null))),
                    "the broker refuses a client without a certificate");
            noCertificate.close();
        }
    }

    @Test
    void theSparkplugCodecConnectsWithMutualTlsAndAPassword() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        Path passwords = dir.resolve("mosquitto.passwd");
        Process p =
                new ProcessBuilder(
                                "mosquitto_passwd",
                                "-c",
                                "-b",
                                passwords.toString(),
                                "robot-3",
                                "sparkplug pass")
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(
                p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mosquitto_passwd: " + out);
        int port = EmbeddedBroker.freePort();
        String uri = "ssl://127.0.0.1:" + port;
        BrokerSecurity security =
                new BrokerSecurity(
                        true,
                        pki.caCert(),
                        pki.clientCert(),
                        pki.clientKey(),
                        "robot-3",
                        BrokerSecurity.Secret.of("sparkplug pass".toCharArray()));
        try (MosquittoBroker broker =
                MosquittoBroker.start(
                        dir.resolve("broker"),
                        port,
                        false,
                        List.of(
                                "cafile " + pki.caCert(),
                                "certfile " + pki.serverCert(),
                                "keyfile " + pki.serverKey(),
                                "require_certificate true",
                                "allow_anonymous false",
                                "password_file " + passwords))) {
            BlockingQueue<String> topicsSeen = new ArrayBlockingQueue<>(64);
            MqttClient host = new MqttClient(uri, "spb-host", new MemoryPersistence());
            host.connect(options(security));
            host.subscribe("spBv1.0/#", 1, (t, m) -> topicsSeen.offer(t));
            dev.edgetwin.runtime.sparkplug.SparkplugPublisher edge =
                    dev.edgetwin.runtime.sparkplug.SparkplugPublisher.start(
                            dev.edgetwin.runtime.sparkplug.SparkplugConfig.forTwin(uri, topics, 10)
                                    .withSecurity(uri, security));
            try {
                String first = topicsSeen.poll(30, TimeUnit.SECONDS);
                assertEquals(
                        "spBv1.0/tls-site/NBIRTH/robot-3",
                        first,
                        "the NBIRTH over mutual TLS; broker log: "
                                + Files.readString(broker.log()));
            } finally {
                edge.close();
                host.disconnect();
                host.close();
            }
        }
    }

    private TwinState state(long seq) {
        return new TwinState(
                topics.site(),
                topics.robotId(),
                seq,
                seq * 1_000_000L,
                "front",
                RobotPose.ORIGIN,
                List.of(),
                new TwinState.ModelInfo("m.onnx", "00", "", "cpu", "fp32"),
                new TwinState.Health(seq, 0, seq, 1));
    }
}
