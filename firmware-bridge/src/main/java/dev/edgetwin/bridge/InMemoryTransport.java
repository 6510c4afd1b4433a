package dev.edgetwin.bridge;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One end of an in-memory link, for deterministic tests and simulations: bytes written at one end
 * are queued at the other (a bounded queue of {@value #QUEUE_CAPACITY} writes; a full queue drops
 * the write and throws {@link TransportError#OVERFLOW}) and delivered only when the owner calls
 * {@link Pair#pump()}. Nothing runs on its own thread, so a test decides exactly when frames
 * arrive. All methods are synchronised on the pair.
 */
public final class InMemoryTransport implements Transport {
    /** Writes queued at one end before further writes are dropped. */
    public static final int QUEUE_CAPACITY = 4096;

    private final Pair pair;
    private final String name;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private final FrameDecoder decoder = new FrameDecoder();
    private InMemoryTransport peer;
    private Listener listener;
    private boolean closed;
    private boolean closeDelivered;
    private TransportException closeCause;

    private InMemoryTransport(Pair pair, String name) {
        this.pair = pair;
        this.name = name;
    }

    /** Two connected ends. */
    public static Pair pair() {
        return new Pair();
    }

    /** Two connected ends and the pump that moves bytes between them. */
    public static final class Pair {
        private final InMemoryTransport host = new InMemoryTransport(this, "host");
        private final InMemoryTransport device = new InMemoryTransport(this, "device");

        private Pair() {
            host.peer = device;
            device.peer = host;
        }

        /** The daemon's end. */
        public InMemoryTransport host() {
            return host;
        }

        /** The MCU's (simulated firmware's) end. */
        public InMemoryTransport device() {
            return device;
        }

        /**
         * Delivers queued bytes to started ends, including bytes written by listeners while this
         * runs, then pending close notifications. Stops after 100 000 writes (a runaway echo).
         *
         * @return the number of writes delivered
         */
        public int pump() {
            int delivered = 0;
            while (delivered < 100_000) {
                byte[] chunk;
                InMemoryTransport to;
                synchronized (this) {
                    to = host.listener != null && !host.inbound.isEmpty() ? host : device;
                    if (to.listener == null || to.inbound.isEmpty()) {
                        break;
                    }
                    chunk = to.inbound.poll();
                }
                InMemoryTransport target = to;
                target.decoder.feed(chunk, e -> target.listener.onEnvelope(e));
                delivered++;
            }
            deliverClose(host);
            deliverClose(device);
            return delivered;
        }

        /** Cuts the link as a pulled cable does: both ends close with {@link TransportError#IO}. */
        public void disconnect() {
            synchronized (this) {
                host.closeLocked(new TransportException(TransportError.IO, "link cut"));
                device.closeLocked(new TransportException(TransportError.IO, "link cut"));
            }
        }

        private void deliverClose(InMemoryTransport end) {
            Listener l;
            TransportException cause;
            synchronized (this) {
                if (!end.closed
                        || end.closeDelivered
                        || end.listener == null
                        || !end.inbound.isEmpty()) {
                    return;
                }
                end.closeDelivered = true;
                l = end.listener;
                cause = end.closeCause;
            }
            l.onClosed(cause);
        }
    }

    @Override
    public void start(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (pair) {
            if (this.listener != null) {
                throw new IllegalStateException(name + " end already started");
            }
            if (closed) {
                throw new IllegalStateException(name + " end is closed");
            }
            this.listener = listener;
        }
    }

    @Override
    public void sendRaw(byte[] bytes) throws TransportException {
        synchronized (pair) {
            if (closed) {
                throw new TransportException(
                        TransportError.CLOSED,
                        "in-memory "
                                + name
                                + " end is closed"
                                + (closeCause == null ? "" : " (" + closeCause.getMessage() + ")"));
            }
            if (peer.closed) {
                return; // bytes into a dead wire vanish, as on a real link
            }
            if (peer.inbound.size() >= QUEUE_CAPACITY) {
                throw new TransportException(
                        TransportError.OVERFLOW,
                        "expected at most "
                                + QUEUE_CAPACITY
                                + " queued writes, found the queue full");
            }
            peer.inbound.add(bytes.clone());
        }
    }

    @Override
    public boolean isOpen() {
        synchronized (pair) {
            return !closed;
        }
    }

    @Override
    public FrameDecoder decoder() {
        return decoder;
    }

    @Override
    public void close() {
        synchronized (pair) {
            closeLocked(null);
            peer.closeLocked(new TransportException(TransportError.CLOSED, "peer closed"));
        }
    }

    private void closeLocked(TransportException cause) {
        if (!closed) {
            closed = true;
            closeCause = cause;
            if (cause != null || listener == null) {
                return;
            }
            // local close: nothing more will be delivered to this end
            inbound.clear();
        }
    }

    @Override
    public String toString() {
        return "InMemoryTransport[" + name + (closed ? ", closed" : "") + "]";
    }
}
