package dev.edgetwin.vision.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edgetwin.vision.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against a local HTTP server that streams multipart/x-mixed-replace like an IP camera. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MjpegFrameSourceTest {
    private static final String BOUNDARY = "edgetwinframe";
    private static final int[] COLOURS = {0xE01010, 0x10E010, 0x1010E0, 0xE0E010, 0x10E0E0};

    private HttpServer server;
    private ExecutorService serverThreads;
    private final CountDownLatch testDone = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.start();
    }

    @AfterEach
    void stopServer() {
        testDone.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private SourceConfig.Mjpeg config(URI uri) {
        return new SourceConfig.Mjpeg(
                "dock", uri, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ZERO, 1 << 20);
    }

    private static byte[] jpeg(int colour) {
        return TestImages.encode(TestImages.solid(32, 24, colour), "jpg");
    }

    private static void part(OutputStream out, byte[] body, boolean withLength, int sendBytes)
            throws IOException {
        String head =
                "--"
                        + BOUNDARY
                        + "\r\nContent-Type: image/jpeg\r\n"
                        + (withLength ? "Content-Length: " + body.length + "\r\n" : "")
                        + "\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, 0, sendBytes);
        if (sendBytes == body.length) {
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
    }

    private void startStream(HttpExchange exchange, String boundaryParam) throws IOException {
        connections.incrementAndGet();
        lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
        exchange.getResponseHeaders()
                .set("Content-Type", "multipart/x-mixed-replace; boundary=" + boundaryParam);
        exchange.sendResponseHeaders(200, 0);
    }

    private void awaitTestEnd() {
        try {
            testDone.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void readsPartsSkipsAnUndecodablePartAndReconnectsWhenTheServerDropsMidFrame()
            throws Exception {
        server.createContext(
                "/mjpg/video.mjpg",
                exchange -> {
                    int connection = connections.get() + 1;
                    try (OutputStream out = exchange.getResponseBody()) {
                        if (connection == 1) {
                            // By Content-Length; a part that is not a JPEG; then the server goes
                            // away in the middle of a frame.
                            startStream(exchange, BOUNDARY);
                            part(out, jpeg(COLOURS[0]), true, jpeg(COLOURS[0]).length);
                            byte[] junk = "not a jpeg".getBytes(StandardCharsets.ISO_8859_1);
                            part(out, junk, true, junk.length);
                            part(out, jpeg(COLOURS[1]), true, jpeg(COLOURS[1]).length);
                            byte[] cut = jpeg(COLOURS[2]);
                            part(out, cut, true, cut.length / 2);
                        } else {
                            // By boundary only, and a quoted boundary parameter.
                            startStream(exchange, "\"" + BOUNDARY + "\"");
                            part(out, jpeg(COLOURS[3]), false, jpeg(COLOURS[3]).length);
                            part(out, jpeg(COLOURS[4]), false, jpeg(COLOURS[4]).length);
                            // Without Content-Length a part ends where the next one begins.
                            out.write(
                                    ("--" + BOUNDARY + "\r\n")
                                            .getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                            awaitTestEnd();
                        }
                    }
                });
        FakeSourceClock clock = new FakeSourceClock();
        URI uri = uri("/mjpg/video.mjpg?resolution=32x24");
        try (FrameSource source = FrameSources.open(config(uri), clock)) {
            Frame first = source.next();
            assertEquals("dock", first.cameraId());
            assertEquals(32, first.width());
            assertEquals(24, first.height());
            assertEquals(FakeSourceClock.EPOCH_AT_ZERO, first.captureTimeNanos());
            FolderFrameSourceTest.assertColour(first, 0xE0, 0x10, 0x10, 8);

            FrameSourceException junk = assertThrows(FrameSourceException.class, source::next);
            assertEquals(FrameSourceException.Code.IMAGE_UNREADABLE, junk.code());

            FolderFrameSourceTest.assertColour(source.next(), 0x10, 0xE0, 0x10, 8);
            // The half-sent frame is never delivered; the source reconnects by itself.
            FolderFrameSourceTest.assertColour(source.next(), 0xE0, 0xE0, 0x10, 8);
            FolderFrameSourceTest.assertColour(source.next(), 0x10, 0xE0, 0xE0, 8);
            assertEquals(2, connections.get());
        }
    }

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthAndNeverDescribed() throws Exception {
        server.createContext(
                "/video",
                exchange -> {
                    try (OutputStream out = exchange.getResponseBody()) {
                        startStream(exchange, BOUNDARY);
                        part(out, jpeg(COLOURS[0]), true, jpeg(COLOURS[0]).length);
                        awaitTestEnd();
                    }
                });
        URI uri =
                URI.create(
                        "http://admin:s3cret@127.0.0.1:"
                                + server.getAddress().getPort()
                                + "/video");
        try (FrameSource source = FrameSources.open(config(uri), new FakeSourceClock())) {
            source.next();
            assertEquals("Basic YWRtaW46czNjcmV0", lastAuthorization.get());
            assertTrue(!source.describe().contains("s3cret"), source.describe());
            assertTrue(!config(uri).toString().contains("s3cret"), config(uri).toString());
        }
    }

    @Test
    void somethingOtherThanAMultipartStreamIsAConnectionFailureSayingWhatCame() throws Exception {
        server.createContext(
                "/snapshot",
                exchange -> {
                    byte[] body = "hello".getBytes(StandardCharsets.ISO_8859_1);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        try (FrameSource source =
                FrameSources.open(config(uri("/snapshot")), new FakeSourceClock())) {
            FrameSourceException e = assertThrows(FrameSourceException.class, source::next);
            assertEquals(FrameSourceException.Code.CONNECTION_FAILED, e.code());
            assertTrue(e.getMessage().contains("text/plain"), e.getMessage());

            FrameSourceException missing =
                    assertThrows(
                            FrameSourceException.class,
                            () -> {
                                try (FrameSource other =
                                        FrameSources.open(
                                                config(uri("/nothing-here")),
                                                new FakeSourceClock())) {
                                    other.next();
                                }
                            });
            assertEquals(FrameSourceException.Code.CONNECTION_FAILED, missing.code());
            assertTrue(missing.getMessage().contains("404"), missing.getMessage());
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedNext() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        server.createContext(
                "/silent",
                exchange -> {
                    try (OutputStream out = exchange.getResponseBody()) {
                        startStream(exchange, BOUNDARY);
                        out.flush();
                        streaming.countDown();
                        awaitTestEnd();
                    }
                });
        FrameSource source = FrameSources.open(config(uri("/silent")), new FakeSourceClock());
        ExecutorService capture = Executors.newSingleThreadExecutor();
        try {
            Future<Frame> blocked = capture.submit(source::next);
            assertTrue(streaming.await(10, TimeUnit.SECONDS));
            source.close();
            java.util.concurrent.ExecutionException e =
                    assertThrows(
                            java.util.concurrent.ExecutionException.class,
                            () -> blocked.get(10, TimeUnit.SECONDS));
            FrameSourceException cause = (FrameSourceException) e.getCause();
            assertEquals(FrameSourceException.Code.CLOSED, cause.code());
        } finally {
            capture.shutdownNow();
        }
    }
}
