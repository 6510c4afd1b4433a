package dev.edgetwin.runtime.mqtt;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;
import org.tinylog.Logger;

/**
 * An in-process MQTT broker (Moquette) for the daemon's embedded defaults and for tests. It binds
 * the loopback address only, keeps nothing on disk, and sends no telemetry.
 *
 * <p>{@link #close()} may be called twice.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** The largest message the embedded broker accepts, bytes. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final String host;
    private final int port;
    private Server server;

    private EmbeddedBroker(String host, int port, Server server) {
        this.host = host;
        this.port = port;
        this.server = server;
    }

    /**
     * Starts a broker on {@code host:port}.
     *
     * @throws PortInUseException if something already listens there
     * @throws IOException if the broker cannot start for another reason
     */
    public static EmbeddedBroker start(String host, int port) throws IOException {
        return start(host, port, null);
    }

    /**
     * As {@link #start(String, int)}; with {@code dataPath}, the broker keeps its sessions (a
     * persistent subscriber's subscriptions and queued messages) and retained messages in that
     * folder, so that a broker started again on it restores them.
     */
    public static EmbeddedBroker start(String host, int port, java.nio.file.Path dataPath)
            throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("broker port must be in 1..65535, got " + port);
        }
        // Moquette logs and carries on half-started when the port is taken; find out first.
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (BindException e) {
            throw new PortInUseException(host, port, e);
        }
        Properties props = new Properties();
        props.setProperty(IConfig.HOST_PROPERTY_NAME, host);
        props.setProperty(IConfig.PORT_PROPERTY_NAME, Integer.toString(port));
        props.setProperty(IConfig.ENABLE_TELEMETRY_NAME, "false");
        if (dataPath == null) {
            props.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
        } else {
            java.nio.file.Files.createDirectories(dataPath);
            props.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "true");
            props.setProperty(IConfig.DATA_PATH_PROPERTY_NAME, dataPath.toString());
        }
        props.setProperty(IConfig.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
        props.setProperty(IConfig.WEB_SOCKET_PORT_PROPERTY_NAME, "disabled");
        // mosquitto_sub and other clients connect with an empty client id (MQTT 3.1.1, clean
        // session), which Moquette refuses unless told otherwise.
        props.setProperty(BrokerConstants.ALLOW_ZERO_BYTE_CLIENT_ID_PROPERTY_NAME, "true");
        // Moquette refuses messages over 8092 bytes by default; a bundle chunk (model commands,
        // up to 512 KiB as base64) must fit.
        props.setProperty(
                BrokerConstants.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(MAX_MESSAGE_BYTES));
        Server server = new Server();
        try {
            server.startServer(new MemoryConfig(props));
        } catch (IOException | RuntimeException e) {
            server.stopServer();
            if (hasCause(e, BindException.class)) {
                throw new PortInUseException(host, port, e);
            }
            throw new IOException(
                    "the embedded MQTT broker failed to start on " + host + ":" + port, e);
        }
        Logger.info("Embedded MQTT broker listening on {}:{}", host, port);
        return new EmbeddedBroker(host, port, server);
    }

    /** Picks a free port on the loopback interface (for tests). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The URI clients connect to, e.g. {@code tcp://127.0.0.1:1883}. */
    public String uri() {
        return "tcp://" + host + ":" + port;
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.stopServer();
        server = null;
        Logger.info("Embedded MQTT broker on {}:{} stopped", host, port);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The broker's port is already taken by another process. */
    public static final class PortInUseException extends IOException {
        private final String host;
        private final int port;

        PortInUseException(String host, int port, Throwable cause) {
            super(host + ":" + port + " is already in use by another process", cause);
            this.host = host;
            this.port = port;
        }

        public String host() {
            return host;
        }

        public int port() {
            return port;
        }
    }
}
