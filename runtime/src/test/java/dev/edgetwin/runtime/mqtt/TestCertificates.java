package dev.edgetwin.runtime.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI for TLS tests, made with the JDK's keytool (no other tool or library): a CA, a
 * server certificate for 127.0.0.1 and a client certificate, signed by the CA, valid for 2 days;
 * certificates and unencrypted PKCS#8 keys as PEM files.
 */
record TestCertificates(
        Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {
    private static final String STORE_PASSWORD = "test-store-pass";

    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=edgetwin test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                ca.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASSWORD);
        Path caPem = dir.resolve("ca.pem");
        keytool(
                dir,
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-file",
                caPem.toString());
        Path[] server = leaf(dir, ca, "server", "CN=127.0.0.1", "san=ip:127.0.0.1", "serverAuth");
        Path[] client = leaf(dir, ca, "client", "CN=robot-client", null, "clientAuth");
        return new TestCertificates(caPem, server[0], server[1], client[0], client[1]);
    }

    /** A key pair signed by the CA: its certificate and key as PEM. */
    private static Path[] leaf(Path dir, Path ca, String name, String dname, String san, String eku)
            throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASSWORD);
        Path csr = dir.resolve(name + ".csr");
        keytool(
                dir,
                "-certreq",
                "-alias",
                name,
                "-keystore",
                store.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-file",
                csr.toString());
        Path cert = dir.resolve(name + ".pem");
        List<String> gencert =
                new ArrayList<>(
                        List.of(
                                "-gencert",
                                "-alias",
                                "ca",
                                "-keystore",
                                ca.toString(),
                                "-storepass",
                                STORE_PASSWORD,
                                "-infile",
                                csr.toString(),
                                "-outfile",
                                cert.toString(),
                                "-rfc",
                                "-validity",
                                "2",
                                "-ext",
                                "eku=" + eku));
        if (san != null) {
            gencert.add("-ext");
            gencert.add(san);
        }
        keytool(dir, gencert.toArray(new String[0]));
        Path key = dir.resolve(name + ".key");
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, STORE_PASSWORD.toCharArray());
            Key k = ks.getKey(name, STORE_PASSWORD.toCharArray());
            String pem =
                    "-----BEGIN PRIVATE KEY-----\n"
                            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                                    .encodeToString(k.getEncoded())
                            + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(key, pem, StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IOException("reading the " + name + " key store: " + e, e);
        }
        return new Path[] {cert, key};
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
