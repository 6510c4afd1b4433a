package dev.edgetwin.vision.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The multipart framing as cameras write it, byte for byte. */
class MultipartReaderTest {

    private static MultipartReader reader(String stream, String boundary, int max) {
        return new MultipartReader(
                new ByteArrayInputStream(stream.getBytes(StandardCharsets.ISO_8859_1)),
                boundary,
                max);
    }

    private static String next(MultipartReader r) throws IOException {
        int n = r.nextPart();
        return n < 0
                ? null
                : new String(Arrays.copyOf(r.partBytes(), n), StandardCharsets.ISO_8859_1);
    }

    @Test
    void partsByLengthAndByBoundaryWithPreambleBareLfAndClosingBoundary() throws IOException {
        String stream =
                "preamble text\r\n"
                        + "--cam\r\nContent-Type: image/jpeg\r\ncontent-length: 9\r\n\r\n"
                        + "--cam\r\nab" // a body that looks like a boundary, read by its length
                        + "\r\n--cam\nContent-Type: image/jpeg\n\n"
                        + "body -- with --ca dashes"
                        + "\n--cam\r\n\r\n"
                        + "x"
                        + "\r\n--cam--\r\n"
                        + "epilogue";
        MultipartReader r = reader(stream, "cam", 1024);
        assertEquals("--cam\r\nab", next(r));
        assertEquals("body -- with --ca dashes", next(r));
        assertEquals("x", next(r));
        assertEquals(null, next(r));
        assertEquals(null, next(r));
    }

    @Test
    void aBoundaryParameterWithLeadingDashesIsUsedAsTheWholeLine() throws IOException {
        MultipartReader r =
                reader("--myboundary\r\n\r\nAB\r\n--myboundary\r\n\r\nC", "--myboundary", 1024);
        assertEquals("AB", next(r));
        assertThrows(EOFException.class, r::nextPart);
    }

    @Test
    void tooLargePartsAreSkippedAndTheStreamStaysInStep() throws IOException {
        byte[] big = new byte[3000];
        Arrays.fill(big, (byte) 'z');
        String bigText = new String(big, StandardCharsets.ISO_8859_1);
        String stream =
                "--b\r\nContent-Length: 3000\r\n\r\n"
                        + bigText
                        + "\r\n--b\r\n\r\n"
                        + bigText
                        + "\r\n--b\r\n\r\nsmall\r\n--b--\r\n";
        MultipartReader r = reader(stream, "b", 1024);
        assertThrows(MultipartReader.PartTooLargeException.class, r::nextPart);
        assertThrows(MultipartReader.PartTooLargeException.class, r::nextPart);
        assertEquals("small", next(r));
        assertEquals(null, next(r));
    }

    @Test
    void aStreamThatEndsInsideAPartIsAnError() {
        MultipartReader r = reader("--b\r\nContent-Length: 10\r\n\r\n12345", "b", 1024);
        assertThrows(EOFException.class, r::nextPart);
    }

    @Test
    void chunkedBodiesAreReassembled() throws IOException {
        String chunked = "4\r\n--b\r\r\n7;ext=1\r\n\n\r\nhi\r\n\r\n5\r\n--b--\r\n0\r\n\r\n";
        MultipartReader r =
                new MultipartReader(
                        new HttpChunkedInputStream(
                                new java.io.BufferedInputStream(
                                        new ByteArrayInputStream(
                                                chunked.getBytes(StandardCharsets.ISO_8859_1)))),
                        "b",
                        1024);
        assertEquals("hi", next(r));
        assertEquals(null, next(r));
    }
}
