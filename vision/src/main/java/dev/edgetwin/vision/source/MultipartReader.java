package dev.edgetwin.vision.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the parts of a {@code multipart/x-mixed-replace} body, as MJPEG cameras send it: a boundary
 * line, part headers, an empty line, the JPEG, and the next boundary line. A part with a {@code
 * Content-Length} header is read by its length; one without, up to the next boundary.
 *
 * <p>Not thread-safe: one reader per connection, used by the capture thread.
 */
final class MultipartReader {
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADERS = 64;

    private final InputStream in;
    private final String delimiter;
    private final byte[] needle;
    private final int maxPartBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private byte[] part;
    private boolean atPartStart;
    private boolean ended;

    /**
     * @param boundary the {@code boundary} parameter of the Content-Type, with or without the
     *     leading "--" (cameras differ)
     */
    MultipartReader(InputStream in, String boundary, int maxPartBytes) {
        this.in = in;
        this.delimiter = boundary.startsWith("--") ? boundary : "--" + boundary;
        this.needle = delimiter.getBytes(StandardCharsets.ISO_8859_1);
        this.maxPartBytes = maxPartBytes;
        this.part = new byte[Math.min(256 * 1024, maxPartBytes)];
    }

    /** The bytes of the part last returned by {@link #nextPart()}; valid until the next call. */
    byte[] partBytes() {
        return part;
    }

    /**
     * Reads the next part's body into {@link #partBytes()}.
     *
     * @return its length, or -1 at the closing boundary or at the end of the stream between parts
     * @throws PartTooLargeException if the part was larger than the limit (it was skipped; the
     *     reader is at the next part)
     * @throws IOException if the stream failed or ended inside a part, or is not multipart
     */
    int nextPart() throws IOException {
        if (ended || !seekPartStart()) {
            ended = true;
            return -1;
        }
        atPartStart = false;
        long contentLength = -1;
        for (int n = 0; ; n++) {
            String line = readLine();
            if (line == null) {
                throw new EOFException("stream ended in part headers");
            }
            if (line.isEmpty()) {
                break;
            }
            if (n == MAX_HEADERS) {
                throw new IOException("more than " + MAX_HEADERS + " part headers");
            }
            int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon)
                            .trim()
                            .toLowerCase(Locale.ROOT)
                            .equals("content-length")) {
                try {
                    contentLength = Long.parseLong(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IOException("bad part header '" + line + "'");
                }
                if (contentLength < 0) {
                    throw new IOException("bad part header '" + line + "'");
                }
            }
        }
        if (contentLength >= 0) {
            if (contentLength > maxPartBytes) {
                skip(contentLength);
                throw new PartTooLargeException(contentLength, maxPartBytes);
            }
            int length = (int) contentLength;
            ensurePartCapacity(length);
            readFully(part, length);
            return length;
        }
        return readUntilBoundary();
    }

    /** Skips to just after a boundary line; false at the closing boundary or end of stream. */
    private boolean seekPartStart() throws IOException {
        long skipped = 0;
        while (!atPartStart) {
            String line = readLine();
            if (line == null) {
                return false;
            }
            String t = line.trim();
            if (t.equals(delimiter)) {
                atPartStart = true;
            } else if (t.equals(delimiter + "--")) {
                return false;
            } else if ((skipped += line.length() + 2) > maxPartBytes) {
                throw new IOException(
                        "no boundary line '" + delimiter + "' in " + skipped + " bytes");
            }
        }
        return true;
    }

    /** A part without Content-Length: everything up to the next boundary, less the line break. */
    private int readUntilBoundary() throws IOException {
        int len = 0;
        long total = 0;
        byte last = needle[needle.length - 1];
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("stream ended inside a part after " + total + " bytes");
            }
            byte b = buf[pos++];
            total++;
            if (len == part.length) {
                if (len < maxPartBytes) {
                    part = Arrays.copyOf(part, (int) Math.min(maxPartBytes, 2L * len));
                } else {
                    // Too large: keep only what could be the start of the boundary.
                    System.arraycopy(part, len - needle.length, part, 0, needle.length);
                    len = needle.length;
                }
            }
            part[len++] = b;
            if (b == last && len >= needle.length && endsWithNeedle(len)) {
                int end = len - needle.length;
                if (end > 0 && part[end - 1] == '\n') {
                    end--;
                }
                if (end > 0 && part[end - 1] == '\r') {
                    end--;
                }
                String rest = readRestOfLine();
                if (rest == null || rest.trim().startsWith("--")) {
                    ended = true;
                } else {
                    atPartStart = true;
                }
                long partBytes = total - needle.length;
                if (partBytes > maxPartBytes) {
                    throw new PartTooLargeException(partBytes, maxPartBytes);
                }
                return end;
            }
        }
    }

    private boolean endsWithNeedle(int len) {
        int off = len - needle.length;
        for (int i = 0; i < needle.length; i++) {
            if (part[off + i] != needle[i]) {
                return false;
            }
        }
        return true;
    }

    private void ensurePartCapacity(int length) {
        if (part.length < length) {
            part = new byte[Math.max(length, Math.min(maxPartBytes, 2 * part.length))];
        }
    }

    private void readFully(byte[] dst, int length) throws IOException {
        int off = 0;
        while (off < length) {
            if (pos == limit && !fill()) {
                throw new EOFException(
                        "stream ended after " + off + " of " + length + " part bytes");
            }
            int n = Math.min(length - off, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
        }
    }

    private void skip(long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (pos == limit && !fill()) {
                throw new EOFException("stream ended inside a skipped part");
            }
            int n = (int) Math.min(left, limit - pos);
            pos += n;
            left -= n;
        }
    }

    /** The rest of a boundary line; the stream may end after a closing boundary's "--". */
    private String readRestOfLine() throws IOException {
        try {
            return readLine();
        } catch (EOFException e) {
            return "--";
        }
    }

    /** A line without its CR LF (or LF), or null at the end of the stream before any byte. */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos == limit && !fill()) {
                if (sb.length() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a line");
            }
            byte b = buf[pos++];
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
            sb.append((char) (b & 0xff));
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** A part larger than the limit; it was skipped and the stream is still in step. */
    static final class PartTooLargeException extends IOException {
        PartTooLargeException(long bytes, int limit) {
            super("part of " + bytes + " bytes is larger than maxFrameBytes " + limit);
        }
    }
}
