package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.modelkit.quantize.QuantizationOptions;
import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.vision.OutputLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A detector replaced while frames flow: no frame is lost to the swap, the new one serves. */
class DetectorSwapTest {
    @TempDir Path dir;

    @Test
    void aNewDetectorTakesOverWithoutStoppingTheDaemon() throws Exception {
        Path original = ModelCache.ensureReferenceDetector(dir.resolve("models"));
        // The replacement is the model's int8 build, as a technician would swap in.
        Path replacement =
                Files.copy(
                        ModelCache.ensureSimulatorQuantized(
                                original, dir.resolve("models"), 8, QuantizationOptions.defaults()),
                        dir.resolve("replacement.onnx"));
        DaemonConfig config =
                new DaemonConfig(
                        "swap",
                        "robot-1",
                        "127.0.0.1",
                        EmbeddedBroker.freePort(),
                        true,
                        original,
                        null,
                        dir.resolve("models"),
                        20,
                        5,
                        0.5f,
                        1,
                        TestProfiles.cpu(),
                        dir.resolve("state"),
                        TwinCodec.JSON,
                        EventDetector.Rules.defaults(),
                        OutputLayout.AUTO);
        BlockingQueue<TwinState> states = new LinkedBlockingQueue<>();
        Daemon stopped;
        try (Daemon daemon = Daemon.start(config, SimulatedFeed.demo(1, 20), states::add)) {
            stopped = daemon;
            assertEquals(Daemon.State.READY, daemon.state(), "warmed up before start returns");
            TwinState before = states.poll(60, TimeUnit.SECONDS);
            assertEquals(original.getFileName().toString(), before.model().file());
            assertEquals("fp32", before.model().precision());
            assertTrue(
                    daemon.detectorChoice().reason().contains("no int8 build"),
                    "the profile asks for int8 and none was given: "
                            + daemon.detectorChoice().reason());

            daemon.replaceDetector(replacement);
            TwinState after = null;
            long lastSeq = before.seq();
            for (int i = 0; i < 200; i++) {
                TwinState s = states.poll(60, TimeUnit.SECONDS);
                assertEquals(
                        lastSeq + 1, s.seq(), "states keep coming, one per frame, across the swap");
                lastSeq = s.seq();
                if (s.model().file().equals("replacement.onnx")) {
                    after = s;
                    break;
                }
            }
            assertTrue(after != null, "the replacement served a frame");
            TwinState next = states.poll(60, TimeUnit.SECONDS);
            assertEquals("replacement.onnx", next.model().file(), "and keeps serving");
            assertEquals("cpu", next.model().executionProvider());
            assertEquals("int8", next.model().precision(), "read from the quantizer's metadata");
            assertEquals(replacement.getFileName().toString(), daemon.detectorReport().model());

            DaemonException bad =
                    assertThrows(
                            DaemonException.class,
                            () -> daemon.replaceDetector(dir.resolve("missing.onnx")));
            assertTrue(bad.getMessage().contains("missing.onnx"), bad.getMessage());
            TwinState still = states.poll(60, TimeUnit.SECONDS);
            assertEquals(
                    "replacement.onnx",
                    still.model().file(),
                    "a failed swap leaves the serving detector");
        }
    }
}
