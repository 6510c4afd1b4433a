package dev.edgetwin.runtime.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.runtime.twin.TwinTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS material and credentials without a broker: PEM files read (certificates from keytool, keys as
 * PKCS#8), bad files named in the error, the password read from a file and never printed.
 */
class BrokerSecurityTest {
    private static final String PASSWORD = "s3cret-Pa55word";

    @TempDir Path dir;

    @Test
    void pemCertificatesAndKeysMakeASocketFactory() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        BrokerSecurity mutual =
                new BrokerSecurity(
                        true, pki.caCert(), pki.clientCert(), pki.clientKey(), null, null);
        assertTrue(mutual.mutualTls());
        assertNotNull(mutual.socketFactory());
        assertNotNull(
                new BrokerSecurity(true, pki.caCert(), null, null, null, null).socketFactory());
        assertNotNull(new BrokerSecurity(true, null, null, null, null, null).socketFactory());
    }

    @Test
    void badFilesAreNamedInTheError() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"));
        Path missing = dir.resolve("missing.pem");
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                new BrokerSecurity(true, missing, null, null, null, null)
                                        .socketFactory());
        assertTrue(
                e.getMessage().contains("CA file " + missing + " does not exist"), e.getMessage());

        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        e =
                assertThrows(
                        IOException.class,
                        () ->
                                new BrokerSecurity(true, garbage, null, null, null, null)
                                        .socketFactory());
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());

        Path rsaStyle =
                Files.writeString(
                        dir.resolve("legacy.key"),
                        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        e =
                assertThrows(
                        IOException.class,
                        () ->
                                new BrokerSecurity(
                                                true,
                                                pki.caCert(),
                                                pki.clientCert(),
                                                rsaStyle,
                                                null,
                                                null)
                                        .socketFactory());
        assertTrue(
                e.getMessage().contains("'EC PRIVATE KEY'")
                        && e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"),
                e.getMessage());

        e =
                assertThrows(
                        IOException.class,
                        () ->
                                new BrokerSecurity(
                                                true,
                                                pki.caCert(),
                                                pki.clientCert(),
                                                pki.clientCert(),
                                                null,
                                                null)
                                        .socketFactory());
        assertTrue(e.getMessage().contains("holds no PEM private key"), e.getMessage());
    }

    @Test
    void inconsistentSettingsAreRefused() {
        Path f = dir.resolve("x.pem");
        assertThrows(
                IllegalArgumentException.class,
                () -> new BrokerSecurity(false, f, null, null, null, null),
                "a CA without TLS");
        assertThrows(
                IllegalArgumentException.class,
                () -> new BrokerSecurity(true, null, f, null, null, null),
                "a certificate without its key");
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new BrokerSecurity(
                                false,
                                null,
                                null,
                                null,
                                null,
                                BrokerSecurity.Secret.of("p".toCharArray())),
                "a password without a username");
        TwinTopics topics = new TwinTopics("s", "r");
        PublisherConfig plain = PublisherConfig.defaults("tcp://127.0.0.1:1883", topics, 5, dir);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                plain.withSecurity(
                                        "tcp://127.0.0.1:8883",
                                        new BrokerSecurity(true, null, null, null, null, null)));
        assertTrue(e.getMessage().contains("TLS on needs ssl://"), e.getMessage());
        assertTrue(
                PublisherConfig.defaults("ssl://broker:8883", topics, 5, dir).security().tls(),
                "ssl:// alone means TLS with the JVM's trust store");
    }

    @Test
    void thePasswordComesFromTheFirstLineOfAFileAndIsNeverPrinted() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), PASSWORD + "\nignored\n");
        BrokerSecurity.Secret secret = BrokerSecurity.Secret.fromFile(file);
        assertEquals(PASSWORD, new String(secret.chars()));
        BrokerSecurity security = new BrokerSecurity(false, null, null, null, "robot", secret);
        PublisherConfig config =
                PublisherConfig.defaults("tcp://127.0.0.1:1883", new TwinTopics("s", "r"), 5, dir)
                        .withSecurity("tcp://127.0.0.1:1883", security);
        for (String printed :
                new String[] {secret.toString(), security.toString(), config.toString()}) {
            assertFalse(printed.contains(PASSWORD), printed);
        }
        assertTrue(security.toString().contains("password=****"), security.toString());

        Path crlf = Files.writeString(dir.resolve("crlf"), PASSWORD + "\r\n");
        assertEquals(PASSWORD, new String(BrokerSecurity.Secret.fromFile(crlf).chars()));
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        IOException e =
                assertThrows(IOException.class, () -> BrokerSecurity.Secret.fromFile(empty));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
        e =
                assertThrows(
                        IOException.class,
                        () -> BrokerSecurity.Secret.fromFile(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e =
                assertThrows(
                        IOException.class,
                        () ->
                                BrokerSecurity.Secret.fromEnvironment(
                                        "EDGETWIN_TEST_UNSET_VARIABLE_42"));
        assertTrue(e.getMessage().contains("EDGETWIN_TEST_UNSET_VARIABLE_42"), e.getMessage());
    }
}
