package dev.edgetwin.runtime.sparkplug;

import dev.edgetwin.runtime.mqtt.BrokerSecurity;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the twin is published as a Sparkplug B edge node. Validated when built.
 *
 * <p>How the daemon will choose it: the daemon's MQTT settings get a codec, {@code json} (the
 * default, {@code mqtt.TwinPublisher}) or {@code sparkplug}; with {@code sparkplug} it builds
 * {@link #forTwin} from the broker URI, its {@link TwinTopics} and the publish rate, and starts
 * {@link SparkplugPublisher#start}. Both publishers take states through {@code offer} and stop with
 * {@code close}. (Not wired yet.)
 *
 * @param serverUri the broker, {@code tcp://host:port} or {@code ssl://host:port}
 * @param groupId the Sparkplug group id: the factory site
 * @param edgeNodeId the Sparkplug edge node id: the robot
 * @param clientId the MQTT client id; must differ from the JSON publisher's if both run
 * @param maxRateHz most twin states per second turned into DATA messages
 * @param keepAliveSeconds MQTT keep-alive; the broker sends the NDEATH about 1.5 times this after
 *     the robot goes silent
 * @param firstBdSeq the bdSeq of the first connection attempt, 0..255 (a daemon that persists it
 *     passes the next value here)
 * @param security TLS, mutual TLS and credentials, as for the JSON publisher ({@link
 *     BrokerSecurity#none()}: none; an {@code ssl://} URI then trusts the JVM's default trust
 *     store)
 */
public record SparkplugConfig(
        String serverUri,
        String groupId,
        String edgeNodeId,
        String clientId,
        double maxRateHz,
        int keepAliveSeconds,
        int firstBdSeq,
        BrokerSecurity security) {

    /**
     * Sparkplug forbids '/', '+' and '#' in ids; this is stricter (the twin's topic levels), so the
     * same site and robot names work for both codecs.
     */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public SparkplugConfig {
        if (serverUri == null
                || !(serverUri.startsWith("tcp://") || serverUri.startsWith("ssl://"))) {
            throw new IllegalArgumentException(
                    "serverUri must be tcp://host:port or ssl://host:port, got '"
                            + serverUri
                            + "'");
        }
        requireId("groupId", groupId);
        requireId("edgeNodeId", edgeNodeId);
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException(
                    "clientId must be 1-64 letters, digits, '_', '.' or '-', got '"
                            + clientId
                            + "'");
        }
        if (!(maxRateHz > 0) || !Double.isFinite(maxRateHz)) {
            throw new IllegalArgumentException(
                    "maxRateHz must be a positive number of Hz, got " + maxRateHz);
        }
        if (keepAliveSeconds < 1 || keepAliveSeconds > 65535) {
            throw new IllegalArgumentException(
                    "keepAliveSeconds must be in 1..65535 (0 would never fire the NDEATH), got "
                            + keepAliveSeconds);
        }
        if (firstBdSeq < 0 || firstBdSeq > 255) {
            throw new IllegalArgumentException("firstBdSeq must be in 0..255, got " + firstBdSeq);
        }
        Objects.requireNonNull(security, "security");
        if (security.tls() != serverUri.startsWith("ssl://")
                && !security.equals(BrokerSecurity.none())) {
            throw new IllegalArgumentException(
                    "serverUri "
                            + serverUri
                            + " does not match the security settings: TLS "
                            + (security.tls() ? "on needs ssl://" : "off needs tcp://"));
        }
    }

    /** As the canonical constructor, without TLS material or credentials. */
    public SparkplugConfig(
            String serverUri,
            String groupId,
            String edgeNodeId,
            String clientId,
            double maxRateHz,
            int keepAliveSeconds,
            int firstBdSeq) {
        this(
                serverUri,
                groupId,
                edgeNodeId,
                clientId,
                maxRateHz,
                keepAliveSeconds,
                firstBdSeq,
                BrokerSecurity.none());
    }

    /** This configuration with another first bdSeq (the one a {@link BdSeqFile} kept). */
    public SparkplugConfig withFirstBdSeq(int firstBdSeq) {
        return new SparkplugConfig(
                serverUri,
                groupId,
                edgeNodeId,
                clientId,
                maxRateHz,
                keepAliveSeconds,
                firstBdSeq,
                security);
    }

    /** This configuration with TLS and credentials, and the URI (whose scheme must match). */
    public SparkplugConfig withSecurity(String serverUri, BrokerSecurity security) {
        return new SparkplugConfig(
                serverUri,
                groupId,
                edgeNodeId,
                clientId,
                maxRateHz,
                keepAliveSeconds,
                firstBdSeq,
                security);
    }

    /**
     * The mapping the daemon uses: group = site, edge node = robot, keep-alive 30 s, bdSeq from 0,
     * client id {@code edgetwin-spb-<site>-<robot>}.
     */
    public static SparkplugConfig forTwin(String serverUri, TwinTopics topics, double maxRateHz) {
        return new SparkplugConfig(
                serverUri,
                topics.site(),
                topics.robotId(),
                "edgetwin-spb-" + topics.site() + "-" + topics.robotId(),
                maxRateHz,
                30,
                0);
    }

    /** The topics of this edge node. */
    public SparkplugTopics topics() {
        return new SparkplugTopics(groupId, edgeNodeId);
    }

    private static void requireId(String what, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    what
                            + " must be 1-64 letters, digits, '_', '.' or '-' (no '/', '+', '#'),"
                            + " starting with a letter or digit; got '"
                            + value
                            + "'");
        }
    }
}
