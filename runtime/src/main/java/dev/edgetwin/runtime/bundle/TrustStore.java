package dev.edgetwin.runtime.bundle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The public keys a device accepts bundles from: a folder of {@code <key id>.pub} PEM files. A
 * bundle is installed only when its signature verifies with one of them.
 */
public final class TrustStore {
    private final Path directory;

    public TrustStore(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /**
     * Adds a public key (copied in under its key id).
     *
     * @return the key id
     * @throws IOException when the file is not an Ed25519 public key, naming it
     */
    public String trust(Path publicKeyFile) throws IOException {
        PublicKey key = SigningKeys.readPublic(publicKeyFile);
        String id = SigningKeys.keyId(key);
        Files.createDirectories(directory);
        SigningKeys.writePublic(key, directory.resolve(id + ".pub"));
        return id;
    }

    /** The trusted key with this id, if any. A file whose name is not its key's id is ignored. */
    public Optional<PublicKey> find(String keyId) throws IOException {
        if (keyId == null || !keyId.matches("[0-9a-f]{16}")) {
            return Optional.empty();
        }
        Path file = directory.resolve(keyId + ".pub");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        PublicKey key = SigningKeys.readPublic(file);
        return SigningKeys.keyId(key).equals(keyId) ? Optional.of(key) : Optional.empty();
    }

    /** Every trusted key by id. */
    public Map<String, PublicKey> keys() throws IOException {
        Map<String, PublicKey> keys = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return keys;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.pub")) {
            for (Path file : files) {
                PublicKey key = SigningKeys.readPublic(file);
                String id = SigningKeys.keyId(key);
                if (file.getFileName().toString().equals(id + ".pub")) {
                    keys.put(id, key);
                }
            }
        }
        return keys;
    }
}
