package dev.edgetwin.runtime.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys for signing bundles, from the JDK alone: generation, PEM files (PKCS#8 private keys,
 * X.509 public keys, as {@code openssl genpkey -algorithm ed25519} writes them), key ids, signing
 * and verification.
 */
public final class SigningKeys {
    public static final String ALGORITHM = "Ed25519";

    private static final String PRIVATE_PEM = "PRIVATE KEY";
    private static final String PUBLIC_PEM = "PUBLIC KEY";

    private SigningKeys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or newer has)", e);
        }
    }

    /**
     * The key's id: the first 16 hex digits of the SHA-256 of its X.509 encoding. Signatures name
     * it, so a device looks up the one trusted key that can verify them.
     */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** Whether {@code signature} is {@code key}'s over {@code data}; false for malformed input. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Writes the private key readable by its owner only, and the public key beside it. */
    public static void write(KeyPair pair, Path privateFile, Path publicFile) throws IOException {
        Path parent = privateFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.deleteIfExists(privateFile);
        Files.createFile(privateFile);
        try {
            Files.setPosixFilePermissions(
                    privateFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the user's profile folder is private already.
        }
        Files.writeString(
                privateFile,
                pem(PRIVATE_PEM, pair.getPrivate().getEncoded()),
                StandardCharsets.UTF_8);
        writePublic(pair.getPublic(), publicFile);
    }

    public static void writePublic(PublicKey key, Path publicFile) throws IOException {
        Path parent = publicFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(publicFile, pem(PUBLIC_PEM, key.getEncoded()), StandardCharsets.UTF_8);
    }

    /**
     * Reads a PKCS#8 PEM Ed25519 private key.
     *
     * @throws IOException naming the file when it is not one
     */
    public static PrivateKey readPrivate(Path file) throws IOException {
        byte[] der = unpem(file, PRIVATE_PEM);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an X.509 PEM Ed25519 public key.
     *
     * @throws IOException naming the file when it is not one
     */
    public static PublicKey readPublic(Path file) throws IOException {
        byte[] der = unpem(file, PUBLIC_PEM);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }

    private static byte[] unpem(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(file + " holds no PEM block '" + begin + "'");
        }
        String body = text.substring(from + begin.length(), to).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the PEM body is not base64", e);
        }
    }
}
