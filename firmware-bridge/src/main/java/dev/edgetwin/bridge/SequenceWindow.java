package dev.edgetwin.bridge;

/**
 * Incoming sequence-number check with 16-bit wrap-around (serial number arithmetic, RFC 1982): a
 * number is newer than the last accepted one when it is 1..32767 steps ahead modulo 65536. The
 * first number after {@link #reset()} is always accepted. Not thread-safe.
 */
public final class SequenceWindow {
    private int last = -1;
    private long rejected;

    /** The sequence number that follows {@code sequence}: +1, wrapping 65535 to 0. */
    public static int next(int sequence) {
        return (sequence + 1) & 0xFFFF;
    }

    /** Whether {@code candidate} is 1..32767 steps after {@code last}, modulo 65536. */
    public static boolean isNewer(int candidate, int last) {
        int d = (candidate - last) & 0xFFFF;
        return d != 0 && d < 0x8000;
    }

    /** Accepts {@code sequence} if newer than the last accepted one; counts it otherwise. */
    public boolean accept(int sequence) {
        if (last < 0 || isNewer(sequence, last)) {
            last = sequence;
            return true;
        }
        rejected++;
        return false;
    }

    /** Forgets the last number (a new hello: the peer may have restarted its counter). */
    public void reset() {
        last = -1;
    }

    /** Old or duplicate numbers refused so far. */
    public long rejected() {
        return rejected;
    }
}
