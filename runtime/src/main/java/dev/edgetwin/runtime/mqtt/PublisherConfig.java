package dev.edgetwin.runtime.mqtt;

import dev.edgetwin.runtime.mqtt.outbox.OutboxConfig;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TwinPublisher} connects and where it keeps its durable state, validated when built.
 *
 * @param serverUri e.g. {@code tcp://127.0.0.1:1883}
 * @param topics the robot's topics
 * @param maxRateHz most states per second appended to the outbox (and so sent)
 * @param outbox the durable outbox (its directory is owned by this publisher while it runs)
 * @param epochFile the session epoch file; kept outside the outbox directory so that deleting the
 *     outbox (sequence numbers start again at 1) does not reset the epoch
 * @param maxInflight QoS 1 messages sent and not yet acknowledged by the broker, at most (Paho's
 *     default is 10)
 * @param connectTimeout how long to wait for the broker's CONNACK after the TCP connection; a
 *     broker that accepts TCP but never answers is dropped after this and tried again (whole
 *     seconds, 1-300)
 * @param initialBackoff the wait after the first failed connection attempt; doubled after each
 *     further failure up to {@code maxBackoff}
 * @param maxBackoff the longest wait between connection attempts
 * @param qos the MQTT QoS of states, events and statuses: 1 (the daemon's: a record leaves the
 *     outbox on the broker's PUBACK) or 0 (a record leaves the outbox once Paho has written it to
 *     the socket, so what the broker had not forwarded when it went away is lost; for benchmarks
 *     and telemetry that may be lost). The Last Will is QoS 1 either way
 * @param security TLS, mutual TLS and credentials ({@link BrokerSecurity#none()} for plain TCP);
 *     its TLS setting must match the URI's scheme ({@code ssl://} or {@code tcp://})
 */
public record PublisherConfig(
        String serverUri,
        TwinTopics topics,
        double maxRateHz,
        OutboxConfig outbox,
        Path epochFile,
        int maxInflight,
        Duration connectTimeout,
        Duration initialBackoff,
        Duration maxBackoff,
        int qos,
        BrokerSecurity security) {

    public PublisherConfig {
        Objects.requireNonNull(serverUri, "serverUri");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(epochFile, "epochFile");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(security, "security");
        if (!serverUri.startsWith(security.scheme() + "://")) {
            throw new IllegalArgumentException(
                    "serverUri "
                            + serverUri
                            + " does not match the security settings: TLS "
                            + (security.tls() ? "on needs ssl://" : "off needs tcp://"));
        }
        if (!(maxRateHz > 0) || !Double.isFinite(maxRateHz)) {
            throw new IllegalArgumentException(
                    "maxRateHz must be a positive number of Hz, got " + maxRateHz);
        }
        if (maxInflight < 1 || maxInflight > 65_535) {
            throw new IllegalArgumentException(
                    "maxInflight must be in [1, 65535], got " + maxInflight);
        }
        if (connectTimeout.getSeconds() < 1
                || connectTimeout.getSeconds() > 300
                || connectTimeout.getNano() != 0) {
            throw new IllegalArgumentException(
                    "connectTimeout must be 1-300 whole seconds, got " + connectTimeout);
        }
        if (qos != 0 && qos != 1) {
            throw new IllegalArgumentException("qos must be 0 or 1, got " + qos);
        }
        if (initialBackoff.toMillis() < 1 || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "backoff must be initialBackoff >= 1 ms <= maxBackoff, got "
                            + initialBackoff
                            + " and "
                            + maxBackoff);
        }
    }

    /**
     * The defaults: the outbox in {@code stateDirectory/outbox} ({@link OutboxConfig#defaults}),
     * the epoch in {@code stateDirectory/session.epoch}, 1000 in flight, a 10 s CONNACK timeout,
     * backoff from 0.5 s to 30 s, QoS 1; for an {@code ssl://} URI, TLS trusting the JVM's default
     * trust store, else plain TCP; no credentials.
     */
    public static PublisherConfig defaults(
            String serverUri, TwinTopics topics, double maxRateHz, Path stateDirectory) {
        return new PublisherConfig(
                serverUri,
                topics,
                maxRateHz,
                OutboxConfig.defaults(stateDirectory.resolve("outbox")),
                stateDirectory.resolve("session.epoch"),
                1000,
                Duration.ofSeconds(10),
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                1,
                serverUri.startsWith("ssl://")
                        ? new BrokerSecurity(true, null, null, null, null, null)
                        : BrokerSecurity.none());
    }

    /** This configuration with other reconnection timings (tests, or a fast local broker). */
    public PublisherConfig withTimings(
            Duration connectTimeout, Duration initialBackoff, Duration maxBackoff) {
        return new PublisherConfig(
                serverUri,
                topics,
                maxRateHz,
                outbox,
                epochFile,
                maxInflight,
                connectTimeout,
                initialBackoff,
                maxBackoff,
                qos,
                security);
    }

    /** This configuration with another QoS (0 or 1). */
    public PublisherConfig withQos(int qos) {
        return new PublisherConfig(
                serverUri,
                topics,
                maxRateHz,
                outbox,
                epochFile,
                maxInflight,
                connectTimeout,
                initialBackoff,
                maxBackoff,
                qos,
                security);
    }

    /**
     * This configuration with TLS and credentials, and {@code serverUri} (whose scheme must match
     * {@code security.tls()}).
     */
    public PublisherConfig withSecurity(String serverUri, BrokerSecurity security) {
        return new PublisherConfig(
                serverUri,
                topics,
                maxRateHz,
                outbox,
                epochFile,
                maxInflight,
                connectTimeout,
                initialBackoff,
                maxBackoff,
                qos,
                security);
    }

    /** This configuration with another outbox (e.g. another fsync policy). */
    public PublisherConfig withOutbox(OutboxConfig outbox) {
        return new PublisherConfig(
                serverUri,
                topics,
                maxRateHz,
                outbox,
                epochFile,
                maxInflight,
                connectTimeout,
                initialBackoff,
                maxBackoff,
                qos,
                security);
    }
}
