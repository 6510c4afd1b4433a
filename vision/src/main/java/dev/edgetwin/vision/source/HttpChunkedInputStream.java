package dev.edgetwin.vision.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The body of an HTTP/1.1 response sent with {@code Transfer-Encoding: chunked}. */
final class HttpChunkedInputStream extends InputStream {
    private final InputStream in;
    private long chunkLeft;
    private boolean eof;

    HttpChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (chunkLeft == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, chunkLeft));
        if (n < 0) {
            throw new EOFException("stream ended inside an HTTP chunk");
        }
        chunkLeft -= n;
        if (chunkLeft == 0) {
            String crlf = HttpLines.readLine(in);
            if (crlf == null || !crlf.isEmpty()) {
                throw new IOException("expected CRLF after an HTTP chunk, got '" + crlf + "'");
            }
        }
        return n;
    }

    private boolean nextChunk() throws IOException {
        if (eof) {
            return false;
        }
        String line = HttpLines.readLine(in);
        if (line == null) {
            throw new EOFException("stream ended before the last HTTP chunk");
        }
        int semicolon = line.indexOf(';');
        String hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
        try {
            chunkLeft = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP chunk size line '" + line + "'");
        }
        if (chunkLeft < 0) {
            throw new IOException("bad HTTP chunk size line '" + line + "'");
        }
        if (chunkLeft == 0) {
            // Trailers up to the empty line.
            String trailer;
            do {
                trailer = HttpLines.readLine(in);
            } while (trailer != null && !trailer.isEmpty());
            eof = true;
            return false;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
