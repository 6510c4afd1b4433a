package dev.edgetwin.vision.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reading the short ASCII lines of HTTP heads and chunk sizes from a buffered stream. */
final class HttpLines {
    static final int MAX_LINE = 8192;

    private HttpLines() {}

    /** A line without its CR LF (or LF), or null at the end of the stream before any byte. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (sb.length() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a line");
            }
            if (b == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            if (sb.length() == MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) b);
        }
    }
}
