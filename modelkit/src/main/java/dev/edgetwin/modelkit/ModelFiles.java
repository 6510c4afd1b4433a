package dev.edgetwin.modelkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** How modelkit puts a model on disk: whole or not at all. */
public final class ModelFiles {
    private ModelFiles() {}

    /**
     * Writes {@code bytes} to a temporary file beside {@code target}, forces it to disk, then
     * renames it into place atomically where the filesystem can: a reader, or a robot losing power,
     * never sees half a model, and concurrent writers of the same content are safe.
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        // The directory must exist: a typo in an output path should fail, not create folders.
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                // Durable before it becomes visible under its final name.
                out.force(true);
            }
            try {
                Files.move(
                        temp,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
