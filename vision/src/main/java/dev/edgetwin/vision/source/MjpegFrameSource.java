package dev.edgetwin.vision.source;

import dev.edgetwin.vision.Frame;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.tinylog.Logger;

/**
 * An IP camera's MJPEG stream: {@code GET} the URL, expect {@code 200} with {@code
 * multipart/x-mixed-replace; boundary=...}, decode each part with javax.imageio. Capture time: the
 * wall clock when the part's last byte was read, before decoding.
 *
 * <p>Connects on the first {@link #next()}. When a stream that delivered frames ends or fails, the
 * same call waits the reconnect delay, reconnects and goes on; when connecting fails, or a new
 * connection ends before its first frame, {@code next()} throws {@link
 * FrameSourceException.Code#CONNECTION_FAILED} and the next call tries again after the delay. A
 * part that does not decode throws {@link FrameSourceException.Code#IMAGE_UNREADABLE} and is
 * skipped.
 *
 * <p>A part without {@code Content-Length} ends only when the next boundary line arrives; from a
 * camera that writes the boundary at the start of each part, such frames come one frame late. Most
 * cameras send {@code Content-Length}.
 *
 * <p>Plain sockets rather than {@code HttpURLConnection}, so that {@link #close()} from another
 * thread unblocks a read at once.
 */
final class MjpegFrameSource implements FrameSource {
    private final SourceConfig.Mjpeg config;
    private final SourceClock clock;
    private final String url;
    private volatile Socket socket;
    private volatile boolean closed;
    private MultipartReader reader;
    private boolean tried;
    private long framesOnConnection;
    private long connections;

    MjpegFrameSource(SourceConfig.Mjpeg config, SourceClock clock) {
        this.config = config;
        this.clock = clock;
        this.url = config.redactedUrl();
    }

    @Override
    public Frame next() throws FrameSourceException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("MJPEG source " + url + " is closed");
        }
        while (true) {
            if (reader == null) {
                if (tried) {
                    Waits.sleepUnlessClosed(clock, config.reconnectDelay().toNanos(), () -> closed);
                }
                tried = true;
                connect();
            }
            int length;
            try {
                length = reader.nextPart();
            } catch (MultipartReader.PartTooLargeException e) {
                throw new FrameSourceException(
                        FrameSourceException.Code.IMAGE_UNREADABLE,
                        "camera '"
                                + config.cameraId()
                                + "': skipped a part from "
                                + url
                                + ": "
                                + e.getMessage(),
                        e);
            } catch (IOException e) {
                lost(e.toString());
                continue;
            }
            if (length < 0) {
                lost("the server ended the stream");
                continue;
            }
            long captureTime = clock.epochNanos();
            framesOnConnection++;
            try {
                return RgbImages.decode(reader.partBytes(), length, config.cameraId(), captureTime);
            } catch (IOException e) {
                throw new FrameSourceException(
                        FrameSourceException.Code.IMAGE_UNREADABLE,
                        "camera '"
                                + config.cameraId()
                                + "': skipped a part of "
                                + length
                                + " bytes from "
                                + url
                                + " that is not a JPEG: "
                                + e.getMessage(),
                        e);
            }
        }
    }

    /** The stream ended or failed: reconnect if it had delivered frames, else report. */
    private void lost(String why) throws FrameSourceException {
        disconnect();
        if (closed) {
            throw new FrameSourceException(
                    FrameSourceException.Code.CLOSED, "MJPEG source " + url + " was closed");
        }
        if (framesOnConnection == 0) {
            throw new FrameSourceException(
                    FrameSourceException.Code.CONNECTION_FAILED,
                    "camera '"
                            + config.cameraId()
                            + "': stream from "
                            + url
                            + " ended before its first frame: "
                            + why);
        }
        Logger.warn(
                "camera '{}': stream from {} lost after {} frames ({}); reconnecting in {} ms",
                config.cameraId(),
                url,
                framesOnConnection,
                why,
                config.reconnectDelay().toMillis());
    }

    private void connect() throws FrameSourceException {
        URI uri = config.url();
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        Socket s = new Socket();
        socket = s;
        framesOnConnection = 0;
        try {
            if (closed) {
                throw new IOException("closed");
            }
            s.connect(
                    new InetSocketAddress(uri.getHost(), port),
                    (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.readTimeout().toMillis()));
            OutputStream out = s.getOutputStream();
            out.write(request(uri, port).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            String status = HttpLines.readLine(in);
            if (status == null) {
                throw new IOException("the server closed the connection without a response");
            }
            Map<String, String> headers = readHeaders(in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].equals("200")) {
                throw new IOException("expected HTTP 200, got '" + status + "'");
            }
            String contentType = headers.getOrDefault("content-type", "");
            String boundary = boundaryOf(contentType);
            if (boundary == null) {
                throw new IOException(
                        "expected Content-Type multipart/x-mixed-replace with a boundary, got '"
                                + contentType
                                + "'");
            }
            InputStream body =
                    headers.getOrDefault("transfer-encoding", "")
                                    .toLowerCase(Locale.ROOT)
                                    .contains("chunked")
                            ? new HttpChunkedInputStream(in)
                            : in;
            reader = new MultipartReader(body, boundary, config.maxFrameBytes());
            connections++;
            Logger.info(
                    "camera '{}': {} MJPEG stream {} (boundary '{}')",
                    config.cameraId(),
                    connections == 1 ? "connected to" : "reconnected to",
                    url,
                    boundary);
        } catch (IOException e) {
            disconnect();
            if (closed) {
                throw new FrameSourceException(
                        FrameSourceException.Code.CLOSED, "MJPEG source " + url + " was closed");
            }
            throw new FrameSourceException(
                    FrameSourceException.Code.CONNECTION_FAILED,
                    "camera '"
                            + config.cameraId()
                            + "': cannot stream MJPEG from "
                            + url
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static String request(URI uri, int port) {
        String path =
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder sb = new StringBuilder();
        sb.append("GET ").append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(uri.getHost());
        if (uri.getPort() >= 0) {
            sb.append(':').append(port);
        }
        sb.append("\r\n");
        sb.append("User-Agent: edgetwin\r\n");
        sb.append("Accept: multipart/x-mixed-replace, image/jpeg\r\n");
        sb.append("Connection: close\r\n");
        if (uri.getRawUserInfo() != null) {
            String userInfo = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
            sb.append("Authorization: Basic ")
                    .append(
                            Base64.getEncoder()
                                    .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString();
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (int n = 0; ; n++) {
            String line = HttpLines.readLine(in);
            if (line == null) {
                throw new IOException("the server closed the connection inside the headers");
            }
            if (line.isEmpty()) {
                return headers;
            }
            if (n == 100) {
                throw new IOException("more than 100 response headers");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
    }

    /** The boundary parameter of a multipart Content-Type, unquoted; null if there is none. */
    static String boundaryOf(String contentType) {
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length()).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() ? null : b;
            }
        }
        return null;
    }

    private void disconnect() {
        reader = null;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing a socket we are done with; nothing to do.
            }
        }
    }

    @Override
    public String cameraId() {
        return config.cameraId();
    }

    @Override
    public String describe() {
        return "MJPEG stream " + url + " (camera '" + config.cameraId() + "')";
    }

    @Override
    public void close() {
        closed = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Already broken; closing is all we wanted.
            }
        }
    }
}
