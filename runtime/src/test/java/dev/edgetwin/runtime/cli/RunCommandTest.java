package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir Path cache;

    @Test
    void aTakenBrokerPortIsNamedWithWhatToDoInstead() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            CliRun o =
                    CliRun.execute(
                            "run",
                            "--mqtt-port",
                            Integer.toString(port),
                            "--model-cache",
                            cache.toString());
            assertEquals(RunCommand.EXIT_PORT_IN_USE, o.code(), o.err());
            assertTrue(o.err().contains("127.0.0.1:" + port + " is already in use"), o.err());
            assertTrue(o.err().contains("--external-broker --mqtt-port " + port), o.err());
            assertTrue(o.err().contains("--mqtt-port " + (port + 1)), o.err());
        }
    }

    @Test
    void badOptionsAreRejectedByName() {
        CliRun o = CliRun.execute("run", "--robot-id", "a/b", "--model-cache", cache.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("robot id must be"), o.err());
        CliRun fps = CliRun.execute("run", "--fps", "0", "--model-cache", cache.toString());
        assertTrue(fps.err().contains("camera fps must be in (0, 120], got 0.0"), fps.err());
        CliRun codec =
                CliRun.execute("run", "--twin-codec", "xml", "--model-cache", cache.toString());
        assertEquals(2, codec.code());
        assertTrue(
                codec.err().contains("twin codec must be one of [json, sparkplug], got 'xml'"),
                codec.err());
        CliRun path =
                CliRun.execute("run", "--path-width", "-1", "--model-cache", cache.toString());
        assertEquals(2, path.code());
        assertTrue(path.err().contains("pathWidth must be positive, got -1.0"), path.err());
    }

    @Test
    void tlsAndCredentialOptionsAreCheckedByNameAndThePasswordIsNeverPrinted() throws Exception {
        String c = cache.toString();
        CliRun tls = CliRun.execute("run", "--mqtt-tls", "--model-cache", c);
        assertEquals(RunCommand.EXIT_BAD_OPTION, tls.code(), tls.err());
        assertTrue(tls.err().contains("add --external-broker"), tls.err());

        CliRun ca =
                CliRun.execute(
                        "run", "--external-broker", "--mqtt-ca", "ca.pem", "--model-cache", c);
        assertEquals(RunCommand.EXIT_BAD_OPTION, ca.code(), ca.err());
        assertTrue(ca.err().contains("turn TLS on (--mqtt-tls)"), ca.err());

        Path missing = cache.resolve("no-such-password");
        CliRun noFile =
                CliRun.execute(
                        "run",
                        "--external-broker",
                        "--mqtt-username",
                        "robot",
                        "--mqtt-password-file",
                        missing.toString(),
                        "--model-cache",
                        c);
        assertEquals(RunCommand.EXIT_BAD_OPTION, noFile.code(), noFile.err());
        assertTrue(
                noFile.err().contains("password file " + missing + " does not exist"),
                noFile.err());

        java.nio.file.Files.createDirectories(cache);
        Path password = java.nio.file.Files.writeString(cache.resolve("pw"), "hunter2-secret\n");
        CliRun noUser =
                CliRun.execute(
                        "run",
                        "--external-broker",
                        "--mqtt-password-file",
                        password.toString(),
                        "--model-cache",
                        c);
        assertEquals(RunCommand.EXIT_BAD_OPTION, noUser.code(), noUser.err());
        assertTrue(
                noUser.err().contains("--mqtt-password-file needs --mqtt-username"), noUser.err());

        for (CliRun r : new CliRun[] {noUser, noFile}) {
            assertTrue(!r.err().contains("hunter2") && !r.out().contains("hunter2"), r.err());
        }
    }

    @Test
    void theDetectorLayoutOptionReachesTheDetector() throws Exception {
        CliRun bad =
                CliRun.execute(
                        "run", "--detector-layout", "ssd", "--model-cache", cache.toString());
        assertEquals(RunCommand.EXIT_BAD_OPTION, bad.code(), bad.err());
        assertTrue(
                bad.err()
                        .contains(
                                "--detector-layout: 'ssd' is not auto, yolov8, yolov5 or end-to-end"),
                bad.err());
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        // The reference detector is a YOLOv8-layout model: forced to read it as YOLOv5, the
        // daemon refuses to start and says why, before it opens the broker.
        CliRun wrong =
                CliRun.execute(
                        "run",
                        "--detector-layout",
                        "yolov5",
                        "--mqtt-port",
                        Integer.toString(port),
                        "--set",
                        "precision.detector=fp32",
                        "--model-cache",
                        cache.toString());
        assertEquals(RunCommand.EXIT_START_FAILED, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains("YOLOV5"), wrong.err());
    }

    @Test
    void watchSaysWhenNoBrokerAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        CliRun o = CliRun.execute("watch", "--mqtt-port", Integer.toString(port), "--timeout", "5");
        assertEquals(WatchCommand.EXIT_NO_BROKER, o.code(), o.err());
        assertTrue(o.err().contains("no MQTT broker answers at tcp://127.0.0.1:" + port), o.err());
    }

    @Test
    void benchPrintsEveryStageWithTheMachineAndRuntimeVersion() {
        CliRun o =
                CliRun.execute(
                        "bench",
                        "--frames",
                        "3",
                        "--warmup",
                        "1",
                        "--model-cache",
                        cache.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().matches("(?s).*ONNX Runtime \\d+\\.\\d+.*"), o.out());
        for (String stage :
                new String[] {"render (simulator", "detect (letterbox", "floor placement"}) {
            assertTrue(
                    o.out().lines().anyMatch(l -> l.startsWith(stage)), stage + " in\n" + o.out());
        }
    }
}
