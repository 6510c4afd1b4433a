package dev.edgetwin.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.tinylog.Logger;

/**
 * A TCP connection to a bench rig or the simulated firmware. The client side comes from {@link
 * #connect}, the server side from {@link TcpServer#accept}. Owns its socket and one daemon reader
 * thread (started by {@link #start}) that feeds the {@link FrameDecoder} and calls the listener.
 * TCP_NODELAY is set: frames are small and latency matters more than packets.
 */
public final class TcpTransport implements Transport {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String peerName;
    private final FrameDecoder decoder = new FrameDecoder();
    private final Object writeLock = new Object();
    private volatile boolean closed;
    private Thread reader;

    TcpTransport(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.peerName = String.valueOf(socket.getRemoteSocketAddress());
    }

    /**
     * Connects to {@code host:port}.
     *
     * @throws TransportException {@link TransportError#CONNECT_FAILED} naming the address and why
     */
    public static TcpTransport connect(String host, int port, Duration timeout)
            throws TransportException {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port = " + port + " is outside [1, 65535]");
        }
        SocketAddress address = new InetSocketAddress(host, port);
        Socket socket = new Socket();
        try {
            socket.connect(address, Math.toIntExact(Math.max(1, timeout.toMillis())));
            return new TcpTransport(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new TransportException(
                    TransportError.CONNECT_FAILED,
                    "could not connect to " + address + " within " + timeout + ": " + e,
                    e);
        }
    }

    @Override
    public synchronized void start(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (reader != null) {
            throw new IllegalStateException("TCP transport to " + peerName + " already started");
        }
        if (closed) {
            throw new IllegalStateException("TCP transport to " + peerName + " is closed");
        }
        reader = new Thread(() -> readLoop(listener), "bridge-tcp-reader " + peerName);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(Listener listener) {
        byte[] buffer = new byte[1024];
        TransportException cause = null;
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    cause = new TransportException(TransportError.CLOSED, peerName + " closed");
                    break;
                }
                decoder.feed(buffer, 0, n, listener::onEnvelope);
            }
        } catch (IOException e) {
            if (!closed) {
                cause = new TransportException(TransportError.IO, "reading from " + peerName, e);
            }
        } catch (RuntimeException e) {
            Logger.error(e, "Bridge listener failed on {}; closing the link", peerName);
            cause = new TransportException(TransportError.IO, "listener failed: " + e, e);
        }
        boolean local = closed;
        closeSocket();
        if (cause != null) {
            Logger.info("Bridge link to {} closed: {}", peerName, cause.getMessage());
        }
        listener.onClosed(local ? null : cause);
    }

    @Override
    public void sendRaw(byte[] bytes) throws TransportException {
        if (closed) {
            throw new TransportException(
                    TransportError.CLOSED, "TCP transport to " + peerName + " is closed");
        }
        synchronized (writeLock) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                closeSocket();
                throw new TransportException(
                        TransportError.IO, "writing " + bytes.length + " bytes to " + peerName, e);
            }
        }
    }

    @Override
    public boolean isOpen() {
        return !closed && !socket.isClosed();
    }

    @Override
    public FrameDecoder decoder() {
        return decoder;
    }

    /** The local port of the socket. */
    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        closeSocket();
    }

    private void closeSocket() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            Logger.debug(e, "Closing socket to {}", peerName);
        }
    }

    @Override
    public String toString() {
        return "TcpTransport[" + peerName + (closed ? ", closed" : "") + "]";
    }
}
