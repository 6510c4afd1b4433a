package dev.edgetwin.bridge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.tinylog.Logger;

/**
 * The listening side (the simulated firmware, a bench rig emulator): binds a loopback address only,
 * never all interfaces. Owns its server socket; each accepted connection is a {@link TcpTransport}
 * owned by the caller.
 */
public final class TcpServer implements AutoCloseable {
    private final ServerSocket server;

    private TcpServer(ServerSocket server) {
        this.server = server;
    }

    /**
     * Listens on 127.0.0.1.
     *
     * @param port the port, or 0 for a free one (see {@link #port()})
     * @throws TransportException {@link TransportError#CONNECT_FAILED} if binding fails
     */
    public static TcpServer bindLoopback(int port) throws TransportException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port = " + port + " is outside [0, 65535]");
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            ServerSocket s = new ServerSocket();
            try {
                s.bind(address, 1);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            Logger.info("Bridge TCP server listening on {}", s.getLocalSocketAddress());
            return new TcpServer(s);
        } catch (IOException e) {
            throw new TransportException(
                    TransportError.CONNECT_FAILED, "could not listen on " + address + ": " + e, e);
        }
    }

    /** The bound port. */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * Waits up to {@code timeout} for one connection.
     *
     * @throws TransportException {@link TransportError#CONNECT_FAILED} on timeout, {@link
     *     TransportError#CLOSED} if this server is closed
     */
    public TcpTransport accept(Duration timeout) throws TransportException {
        if (server.isClosed()) {
            throw new TransportException(TransportError.CLOSED, "TCP server is closed");
        }
        try {
            server.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
            Socket socket = server.accept();
            return new TcpTransport(socket);
        } catch (SocketTimeoutException e) {
            throw new TransportException(
                    TransportError.CONNECT_FAILED,
                    "expected a connection on port "
                            + port()
                            + " within "
                            + timeout
                            + ", found none",
                    e);
        } catch (IOException e) {
            throw new TransportException(
                    server.isClosed() ? TransportError.CLOSED : TransportError.IO,
                    "accepting on port " + port(),
                    e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            Logger.debug(e, "Closing TCP server");
        }
    }
}
