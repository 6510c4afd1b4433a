package dev.edgetwin.bridge;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.util.Objects;
import org.tinylog.Logger;

/**
 * A serial port to the MCU (USB-UART, the Jetson's UART, or a pseudo-terminal in tests), 8N1, no
 * flow control, through jSerialComm. Owns the port and one daemon reader thread (started by {@link
 * #start}) that feeds the {@link FrameDecoder} and calls the listener.
 *
 * <p>Like every {@link Transport} it never reopens itself: when the device disappears (unplugged,
 * the pty's other end gone) reading fails, the listener sees {@code onClosed} and the port is
 * closed. {@link ReconnectingBridge} opens a new one, with backoff, once the device is back.
 *
 * <p>The port is opened by path ({@code /dev/ttyUSB0}, {@code /dev/ttyTHS1}, a pty's link): ptys
 * are not listed by jSerialComm's port enumeration, and a path is what a robot's configuration
 * names anyway.
 */
public final class SerialTransport implements Transport {
    /** How long one blocking read waits before the reader looks at {@link #closed} again. */
    private static final int READ_TIMEOUT_MS = 100;

    /** Bit rates a UART can be asked for; a pty accepts and ignores any of them. */
    private static final int MIN_BAUD = 1200;

    private static final int MAX_BAUD = 12_000_000;

    private final SerialPort port;
    private final String path;
    private final int baud;
    private final FrameDecoder decoder = new FrameDecoder();
    private final Object writeLock = new Object();
    private volatile boolean closed;
    private Thread reader;

    private SerialTransport(SerialPort port, String path, int baud) {
        this.port = port;
        this.path = path;
        this.baud = baud;
    }

    /**
     * Opens {@code path} at {@code baud}, 8 data bits, no parity, 1 stop bit, no flow control, and
     * writes one 0x00 so that the MCU's receiver drops any partial frame left from before.
     *
     * @throws TransportException {@link TransportError#CONNECT_FAILED} naming the port and why
     *     (missing, busy, no permission, parameters refused)
     */
    public static SerialTransport open(String path, int baud) throws TransportException {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("serial port path is empty");
        }
        if (baud < MIN_BAUD || baud > MAX_BAUD) {
            throw new IllegalArgumentException(
                    "baud = " + baud + " is outside [" + MIN_BAUD + ", " + MAX_BAUD + "]");
        }
        SerialPort port;
        try {
            port = SerialPort.getCommPort(path);
        } catch (SerialPortInvalidPortException e) {
            throw new TransportException(
                    TransportError.CONNECT_FAILED,
                    "serial port " + path + " does not exist or is not a serial device: " + e,
                    e);
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(
                SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                READ_TIMEOUT_MS,
                0);
        if (!port.openPort()) {
            throw new TransportException(
                    TransportError.CONNECT_FAILED,
                    "could not open serial port "
                            + path
                            + " at "
                            + baud
                            + " baud: "
                            + explainOpenError(port.getLastErrorCode())
                            + " ("
                            + describeError(port)
                            + ")");
        }
        SerialTransport transport = new SerialTransport(port, path, baud);
        transport.sendRaw(new byte[] {0});
        Logger.info("Serial port {} opened at {} baud", path, baud);
        return transport;
    }

    /** The usual reasons an open fails, in words (Linux errno values). */
    static String explainOpenError(int errno) {
        return switch (errno) {
            case 2 -> "no such device (unplugged?)";
            case 13, 1 -> "permission denied (is the user in the 'dialout' group?)";
            case 16 -> "the port is busy (another process has it open)";
            case 21 -> "it is a directory, not a serial device";
            case 25 -> "not a serial device (not a tty)";
            case 6, 19 -> "no such device or address (the adapter is gone)";
            default -> "the operating system refused it";
        };
    }

    private static String describeError(SerialPort port) {
        int code = port.getLastErrorCode();
        return code == 0
                ? "no error code"
                : "errno " + code + " at native location " + port.getLastErrorLocation();
    }

    /** The device path this transport opened. */
    public String path() {
        return path;
    }

    /** The bit rate it was opened at. */
    public int baud() {
        return baud;
    }

    @Override
    public synchronized void start(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (reader != null) {
            throw new IllegalStateException("serial transport " + path + " already started");
        }
        if (closed) {
            throw new IllegalStateException("serial transport " + path + " is closed");
        }
        reader = new Thread(() -> readLoop(listener), "bridge-serial-reader " + path);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(Listener listener) {
        byte[] buffer = new byte[1024];
        TransportException cause = null;
        try {
            while (!closed) {
                int n = port.readBytes(buffer, buffer.length);
                if (n < 0 || !port.isOpen()) {
                    if (!closed) {
                        cause =
                                new TransportException(
                                        TransportError.IO,
                                        "reading serial port "
                                                + path
                                                + " failed (device removed?): "
                                                + describeError(port));
                    }
                    break;
                }
                if (n > 0) {
                    decoder.feed(buffer, 0, n, listener::onEnvelope);
                }
            }
        } catch (RuntimeException e) {
            Logger.error(e, "Bridge listener failed on {}; closing the port", path);
            cause = new TransportException(TransportError.IO, "listener failed: " + e, e);
        }
        boolean local = closed && cause == null;
        closePort();
        if (cause != null) {
            Logger.info("Serial port {} closed: {}", path, cause.getMessage());
        }
        listener.onClosed(local ? null : cause);
    }

    @Override
    public void sendRaw(byte[] bytes) throws TransportException {
        if (closed) {
            throw new TransportException(
                    TransportError.CLOSED, "serial transport " + path + " is closed");
        }
        synchronized (writeLock) {
            int written = port.writeBytes(bytes, bytes.length);
            if (written != bytes.length) {
                closePort();
                throw new TransportException(
                        TransportError.IO,
                        "writing "
                                + bytes.length
                                + " bytes to serial port "
                                + path
                                + " wrote "
                                + written
                                + ": "
                                + describeError(port));
            }
        }
    }

    @Override
    public boolean isOpen() {
        return !closed && port.isOpen();
    }

    @Override
    public FrameDecoder decoder() {
        return decoder;
    }

    @Override
    public void close() {
        closePort();
    }

    private void closePort() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            port.closePort();
        }
    }

    @Override
    public String toString() {
        return "SerialTransport[" + path + " @" + baud + (closed ? ", closed" : "") + "]";
    }
}
