package dev.edgetwin.runtime.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the twin's MQTT client proves itself to the broker and checks the broker: TLS with a CA
 * (PEM), mutual TLS with a client certificate and key (PEM), and a username and password. Validated
 * when built; the files are read when {@link #socketFactory()} is called (at publisher start, so a
 * bad file stops the start with a message naming it).
 *
 * <p>The password is a {@link Secret}: it is never printed ({@code toString} shows {@code ****}),
 * logged, or put in an exception message.
 *
 * @param tls connect with TLS ({@code ssl://}); the TLS files need it
 * @param caFile PEM certificate(s) the broker's certificate must chain to; null: the JVM's default
 *     trust store. Only used with TLS ({@code ssl://} broker URI)
 * @param certFile the client's PEM certificate (chain) for mutual TLS, or null
 * @param keyFile the client's PEM private key (unencrypted PKCS#8, {@code BEGIN PRIVATE KEY}; RSA
 *     or EC), given exactly when {@code certFile} is
 * @param username the MQTT username, or null
 * @param password the MQTT password (only with a username), or null
 */
public record BrokerSecurity(
        boolean tls, Path caFile, Path certFile, Path keyFile, String username, Secret password) {

    private static final Pattern PEM_KEY =
            Pattern.compile(
                    "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

    public BrokerSecurity {
        if (!tls && (caFile != null || certFile != null || keyFile != null)) {
            throw new IllegalArgumentException(
                    "a CA file, client certificate or key is for TLS: turn TLS on (--mqtt-tls)");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException(
                    "a client certificate and its key go together: certFile "
                            + certFile
                            + ", keyFile "
                            + keyFile);
        }
        if (username != null && (username.isEmpty() || username.length() > 65_535)) {
            throw new IllegalArgumentException("the MQTT username must be 1-65535 characters");
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("an MQTT password needs a username");
        }
    }

    /** No TLS material, no credentials. */
    public static BrokerSecurity none() {
        return new BrokerSecurity(false, null, null, null, null, null);
    }

    /** Whether a client certificate is configured (mutual TLS). */
    public boolean mutualTls() {
        return certFile != null;
    }

    /** {@code ssl} with TLS, else {@code tcp}: the broker URI's scheme. */
    public String scheme() {
        return tls ? "ssl" : "tcp";
    }

    /**
     * The TLS socket factory: trusting {@code caFile} (or the JVM's default trust store), and
     * presenting {@code certFile}/{@code keyFile} when given.
     *
     * @throws IOException naming the file that could not be read or understood
     */
    public SSLSocketFactory socketFactory() throws IOException {
        try {
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile != null) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : readCertificates(caFile, "CA file")) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf.init(trust);
            } else {
                tmf.init((KeyStore) null);
            }
            KeyManagerFactory kmf = null;
            if (certFile != null) {
                List<Certificate> chain = readCertificates(certFile, "client certificate file");
                PrivateKey key = readKey(keyFile);
                char[] none = new char[0];
                KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
                keys.load(null, null);
                keys.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("setting up TLS failed: " + e.getMessage(), e);
        }
    }

    private static List<Certificate> readCertificates(Path file, String what) throws IOException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(what + " " + file + " does not exist", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    what + " " + file + " is not a PEM X.509 certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException(what + " " + file + " holds no PEM certificate");
        }
        return new ArrayList<>(certs);
    }

    private static PrivateKey readKey(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("key file " + file + " does not exist", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException("key file " + file + " is not a PEM file", e);
        }
        Matcher m = PEM_KEY.matcher(text);
        if (!m.find()) {
            throw new IOException("key file " + file + " holds no PEM private key");
        }
        if (!m.group(1).isEmpty()) {
            throw new IOException(
                    "key file "
                            + file
                            + " holds a '"
                            + m.group(1).trim()
                            + " PRIVATE KEY'; an unencrypted PKCS#8 key ('PRIVATE KEY') is needed:"
                            + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        try {
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
            for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (InvalidKeySpecException notThisOne) {
                    // try the next algorithm
                } catch (GeneralSecurityException e) {
                    // algorithm unavailable: try the next
                }
            }
        } finally {
            Arrays.fill(der, (byte) 0);
        }
        throw new IOException("key file " + file + " is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    @Override
    public String toString() {
        return "BrokerSecurity[tls="
                + tls
                + ", ca="
                + caFile
                + ", cert="
                + certFile
                + ", key="
                + keyFile
                + ", username="
                + username
                + ", password="
                + (password == null ? "none" : "****")
                + "]";
    }

    /**
     * A password: read from a file or an environment variable, never printed. Holds its characters;
     * {@link #chars()} hands out a copy for the MQTT client.
     */
    public static final class Secret {
        private final char[] value;

        private Secret(char[] value) {
            this.value = value;
        }

        /**
         * The first line of {@code file} (a trailing newline is not part of it).
         *
         * @throws IOException if the file is missing, unreadable or empty (the message names the
         *     file, never its content)
         */
        public static Secret fromFile(Path file) throws IOException {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IOException("password file " + file + " does not exist", e);
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            Arrays.fill(bytes, (byte) 0);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new IOException("password file " + file + " is empty");
            }
            return new Secret(line.toCharArray());
        }

        /**
         * The value of environment variable {@code name}.
         *
         * @throws IOException if it is not set or empty (the message names the variable)
         */
        public static Secret fromEnvironment(String name) throws IOException {
            String v = System.getenv(name);
            if (v == null || v.isEmpty()) {
                throw new IOException("environment variable " + name + " is not set or empty");
            }
            return new Secret(v.toCharArray());
        }

        /** For tests and callers that hold the password already. */
        public static Secret of(char[] value) {
            if (value == null || value.length == 0) {
                throw new IllegalArgumentException("the password must not be empty");
            }
            return new Secret(value.clone());
        }

        /** A copy of the characters (Paho keeps the array it is given). */
        public char[] chars() {
            return value.clone();
        }

        @Override
        public String toString() {
            return "****";
        }
    }
}
