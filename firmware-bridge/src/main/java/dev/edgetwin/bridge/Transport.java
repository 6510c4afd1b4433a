package dev.edgetwin.bridge;

/**
 * A byte link carrying protocol frames to one peer: TCP ({@link TcpTransport}), an in-memory pair
 * for tests ({@link InMemoryTransport}), later a serial port. Each transport owns its socket or
 * buffers; {@link #close()} is idempotent, and {@link #send} after close throws {@link
 * TransportException} with {@link TransportError#CLOSED}. A transport never reconnects: when it
 * fails it reports {@link Listener#onClosed} once and stays closed; reconnecting (a new transport
 * and a new {@link BridgeLink}) is the supervisor's job.
 *
 * <p>Threads: {@link #send} and {@link #sendRaw} may be called from any thread (writes are
 * serialised). Received frames go through one {@link FrameDecoder} owned by the transport and are
 * delivered to the listener from one thread at a time: the reader thread for TCP, the thread
 * calling {@link InMemoryTransport.Pair#pump()} for the in-memory pair.
 */
public interface Transport extends AutoCloseable {

    /** Receives what the peer sends. */
    interface Listener {
        /** A frame decoded with a valid CRC and layout. */
        void onEnvelope(Envelope envelope);

        /**
         * The transport closed: {@code cause} is null after a local {@link #close()}, else it says
         * why (the peer closed, an I/O error). Called at most once, after the last envelope.
         */
        void onClosed(TransportException cause);
    }

    /**
     * Starts delivering received frames to {@code listener}. Called once; frames that arrive before
     * are buffered (in-memory) or left in the socket (TCP).
     *
     * @throws IllegalStateException if already started or closed
     */
    void start(Listener listener);

    /** Encodes and writes one frame. */
    default void send(Envelope envelope) throws TransportException {
        sendRaw(FrameCodec.encode(envelope));
    }

    /**
     * Writes bytes as they are: whole frames from {@link FrameCodec#encode}, or anything else
     * (simulated corruption, garbage) for fault injection.
     */
    void sendRaw(byte[] bytes) throws TransportException;

    /** Whether {@link #close()} has not been called and the peer has not gone away. */
    boolean isOpen();

    /**
     * The decoder's counters (frames decoded, rejected per {@link ProtocolError}). Read them on the
     * delivering thread, or after {@link #close()}.
     */
    FrameDecoder decoder();

    /** Closes the link; safe to call twice; the listener sees {@code onClosed(null)}. */
    @Override
    void close();
}
