package dev.edgetwin.runtime.sparkplug;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The next Sparkplug bdSeq, kept across daemon restarts in one small text file (the number and a
 * newline), so that the first connection after a restart does not repeat the bdSeq of the last one
 * before it: Sparkplug 3.0 asks for the previous CONNECT's bdSeq plus one, and a host that sees a
 * late NDEATH must not take it for the death of the new session.
 *
 * <p>{@link SparkplugPublisher} stores the next value before each connection attempt (written to a
 * temporary file, forced, renamed over the old one), so a crash at any point never reuses a bdSeq
 * that went out in a CONNECT's Will. A file that does not hold a number 0-255 is an error, not a
 * silent restart from 0.
 */
public final class BdSeqFile {
    private final Path path;

    private BdSeqFile(Path path) {
        this.path = path;
    }

    /** The file at {@code path} (created on the first {@link #store}). */
    public static BdSeqFile at(Path path) {
        return new BdSeqFile(Objects.requireNonNull(path, "path"));
    }

    public Path path() {
        return path;
    }

    /**
     * The bdSeq the next connection attempt takes: the stored value, or 0 when there is no file.
     *
     * @throws IOException if the file cannot be read or does not hold a number 0-255 (the message
     *     names the file)
     */
    public int next() throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(
                    "the bdSeq file " + path + " is not text: delete it to start at 0", e);
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 0 || value > 255) {
            throw new IOException(
                    "the bdSeq file "
                            + path
                            + " does not hold a number 0-255 (it holds "
                            + (text.length() > 20
                                    ? text.length() + " characters"
                                    : "'" + text + "'")
                            + "): delete it to start at 0");
        }
        return value;
    }

    /** Stores the bdSeq of the next connection attempt, durably. */
    public void store(int next) throws IOException {
        if (next < 0 || next > 255) {
            throw new IllegalArgumentException("bdSeq must be in 0..255, got " + next);
        }
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        try (FileChannel ch =
                FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap((next + "\n").getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String toString() {
        return "BdSeqFile[" + path + "]";
    }
}
