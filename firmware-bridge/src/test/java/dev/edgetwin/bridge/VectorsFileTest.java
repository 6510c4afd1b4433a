package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The committed vectors are a golden file of the wire format: if the encoder's bytes change, this
 * fails. Regenerate deliberately with {@code -Dbridge.writeVectors=true} (and bump the protocol
 * version if the change is not backward compatible).
 */
class VectorsFileTest {

    static String committed() throws IOException {
        try (InputStream in =
                Objects.requireNonNull(
                        VectorsFileTest.class.getResourceAsStream(TestVectors.RESOURCE),
                        "vectors.txt on the test class path")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void committedVectorsAreWhatTheEncoderProducesToday() throws IOException {
        String generated = TestVectors.fileText();
        if (Boolean.getBoolean("bridge.writeVectors")) {
            Files.writeString(
                    Path.of(System.getProperty("basedir", "."), "src/test/resources/vectors.txt"),
                    generated);
        }
        assertEquals(generated, committed());
    }

    @Test
    void everyVectorDecodesAsDescribedAndReencodesToTheSameBytes() throws Exception {
        List<TestVectors.Vector> vectors = TestVectors.parse(committed());
        assertTrue(vectors.size() >= 30, "vectors: " + vectors.size());
        for (TestVectors.Vector v : vectors) {
            assertEquals(v.description(), TestVectors.decodeToText(v.frame()), v.line());
            if (!v.description().startsWith("ERROR")) {
                assertArrayEquals(v.frame(), FrameCodec.encode(FrameCodec.decode(v.frame())));
            }
        }
    }

    @Test
    void theWholeFileAsOneStreamGivesOneOutcomePerFrame() throws Exception {
        List<TestVectors.Vector> vectors = TestVectors.parse(committed());
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (TestVectors.Vector v : vectors) {
            stream.write(v.frame());
        }
        FrameDecoder decoder = new FrameDecoder();
        StringBuilder decoded = new StringBuilder();
        decoder.feed(stream.toByteArray(), e -> decoded.append(Wire.describe(e)).append('\n'));
        StringBuilder expected = new StringBuilder();
        long errors = 0;
        for (TestVectors.Vector v : vectors) {
            if (v.description().startsWith("ERROR")) {
                errors++;
            } else {
                expected.append(v.description()).append('\n');
            }
        }
        assertEquals(expected.toString(), decoded.toString());
        assertEquals(errors, decoder.errors());
        for (ProtocolError e : ProtocolError.values()) {
            assertTrue(decoder.errors(e) > 0, "a vector for " + e);
        }
    }
}
