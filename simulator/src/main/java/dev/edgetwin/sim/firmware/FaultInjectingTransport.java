package dev.edgetwin.sim.firmware;

import dev.edgetwin.bridge.FrameDecoder;
import dev.edgetwin.bridge.Transport;
import dev.edgetwin.bridge.TransportException;
import java.util.Objects;
import java.util.Random;

/**
 * The daemon's side of a link with faults switched on from outside, for the stop matrix: {@link
 * Mode#SILENT} drops every outgoing write (the host hangs, or its transmit line breaks: no
 * heartbeat, no command reaches the MCU), {@link Mode#CORRUPT} flips one bit of every outgoing
 * frame after its CRC was computed, never in the delimiter (line noise). Receiving is untouched.
 * Owns the wrapped transport.
 */
final class FaultInjectingTransport implements Transport {
    /** What happens to outgoing bytes. */
    enum Mode {
        PASS,
        SILENT,
        CORRUPT
    }

    private final Transport inner;
    private final Random random;
    private volatile Mode mode = Mode.PASS;

    FaultInjectingTransport(Transport inner, long seed) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.random = new Random(seed);
    }

    void setMode(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public void start(Listener listener) {
        inner.start(listener);
    }

    @Override
    public void sendRaw(byte[] bytes) throws TransportException {
        switch (mode) {
            case PASS -> inner.sendRaw(bytes);
            case SILENT -> {
                if (!inner.isOpen()) {
                    inner.sendRaw(bytes); // a closed transport still reports it
                }
            }
            case CORRUPT -> inner.sendRaw(corrupt(bytes));
        }
    }

    /** Writes {@code bytes} as they are, whatever the mode (a flood already corrupted them). */
    void sendUnaltered(byte[] bytes) throws TransportException {
        inner.sendRaw(bytes);
    }

    /** A copy of {@code frame} with one bit flipped before its final 0x00 delimiter. */
    byte[] corrupt(byte[] frame) {
        byte[] copy = frame.clone();
        if (copy.length > 1) {
            synchronized (random) {
                copy[random.nextInt(copy.length - 1)] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return copy;
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public FrameDecoder decoder() {
        return inner.decoder();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return "FaultInjecting[" + mode + ", " + inner + "]";
    }
}
