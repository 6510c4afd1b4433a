package dev.edgetwin.runtime.mqtt.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The session epoch: a counter kept in a small file and incremented at every connection to the
 * broker, so subscribers can tell one session from the next even when sequence numbers or states
 * repeat. The file is replaced atomically (temporary file, fsync, rename, fsync of the folder), so
 * a crash leaves either the old or the new value.
 *
 * <p>File format (16 bytes, big-endian): magic {@code "ETSE"}, the epoch (8 bytes), CRC32C of the
 * first 12 bytes (4 bytes). A missing file is epoch 0 (never connected).
 *
 * <p><b>A corrupt file is an error, not a reset</b>: {@link #open} throws {@link
 * OutboxException.Code#CORRUPT_EPOCH} naming the file and what it holds, and leaves it as it is.
 * Resetting silently would hand out epochs subscribers have already seen, and they would take the
 * new session's messages for an old one's. An operator who accepts that deletes the file (epochs
 * start again at 1).
 *
 * <p>Called by the publisher thread only; the methods are synchronized anyway.
 */
public final class SessionEpoch {
    static final int MAGIC = 0x45545345; // "ETSE"
    static final int FILE_BYTES = 16;

    private final Path file;
    private long current;

    private SessionEpoch(Path file, long current) {
        this.file = file;
        this.current = current;
    }

    /** Reads the epoch in {@code file} (0 if the file does not exist). */
    public static SessionEpoch open(Path file) throws OutboxException {
        Objects.requireNonNull(file, "file");
        byte[] a;
        try {
            a = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new SessionEpoch(file, 0);
        } catch (IOException e) {
            throw new OutboxException(
                    OutboxException.Code.IO, "reading the session epoch " + file + ": " + e, e);
        }
        if (a.length != FILE_BYTES) {
            throw corrupt(file, "expected " + FILE_BYTES + " bytes, found " + a.length);
        }
        ByteBuffer b = ByteBuffer.wrap(a);
        int magic = b.getInt();
        long epoch = b.getLong();
        int stored = b.getInt();
        if (magic != MAGIC) {
            throw corrupt(file, String.format("expected magic 0x%08x, found 0x%08x", MAGIC, magic));
        }
        if (stored != crc(a)) {
            throw corrupt(file, String.format("CRC32C 0x%08x does not match its content", stored));
        }
        if (epoch < 0) {
            throw corrupt(file, "negative epoch " + epoch);
        }
        return new SessionEpoch(file, epoch);
    }

    /** The epoch of the current (or last) session; 0 before the first connection. */
    public synchronized long current() {
        return current;
    }

    /**
     * Increments the epoch and makes it durable before returning it: call before each connect, and
     * use the result for that session.
     */
    public synchronized long increment() throws OutboxException {
        long next = current + 1;
        ByteBuffer b = ByteBuffer.allocate(FILE_BYTES);
        b.putInt(MAGIC).putLong(next).putInt(0);
        b.putInt(12, crc(b.array()));
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFile.write(file, b.array());
        } catch (IOException e) {
            throw new OutboxException(
                    OutboxException.Code.IO, "writing the session epoch " + file + ": " + e, e);
        }
        current = next;
        return next;
    }

    public Path file() {
        return file;
    }

    private static int crc(byte[] a) {
        CRC32C c = new CRC32C();
        c.update(a, 0, 12);
        return (int) c.getValue();
    }

    private static OutboxException corrupt(Path file, String found) {
        return new OutboxException(
                OutboxException.Code.CORRUPT_EPOCH,
                "the session epoch file "
                        + file
                        + " is corrupt ("
                        + found
                        + "); it was left as it is. Restore it, or delete it to start epochs"
                        + " again at 1 (subscribers may then take the new sessions for old ones)");
    }
}
