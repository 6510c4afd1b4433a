package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TcpTransportTest {

    private static final class Recorder implements Transport.Listener {
        final BlockingQueue<Envelope> envelopes = new ArrayBlockingQueue<>(100);
        final CompletableFuture<TransportException> closed = new CompletableFuture<>();

        @Override
        public void onEnvelope(Envelope e) {
            envelopes.add(e);
        }

        @Override
        public void onClosed(TransportException cause) {
            closed.complete(cause);
        }
    }

    @Test
    void framesCrossLoopbackBothWaysAndPeerCloseIsReported() throws Exception {
        try (TcpServer server = TcpServer.bindLoopback(0)) {
            CompletableFuture<TcpTransport> accepted =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return server.accept(Duration.ofSeconds(5));
                                } catch (TransportException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            try (TcpTransport client =
                            TcpTransport.connect(
                                    "127.0.0.1", server.port(), Duration.ofSeconds(5));
                    TcpTransport device = accepted.get(5, TimeUnit.SECONDS)) {
                Recorder atClient = new Recorder();
                Recorder atDevice = new Recorder();
                client.start(atClient);
                device.start(atDevice);
                Envelope cmd = new Envelope(7, new Message.VelocityCommand(0.5, 0, -0.25));
                client.sendRaw(new byte[] {0x55, 0x12, 0}); // garbage first: counted, skipped
                client.send(cmd);
                assertEquals(cmd, atDevice.envelopes.poll(5, TimeUnit.SECONDS));
                device.send(new Envelope(1, new Message.Ack(7)));
                assertEquals(
                        new Message.Ack(7), atClient.envelopes.poll(5, TimeUnit.SECONDS).message());

                device.close();
                TransportException cause = atClient.closed.get(5, TimeUnit.SECONDS);
                assertEquals(TransportError.CLOSED, cause.error());
                assertFalse(client.isOpen());
                assertEquals(1, device.decoder().errors());
                assertTrue(atDevice.closed.get(5, TimeUnit.SECONDS) == null, "local close");
                TransportException e =
                        assertThrows(TransportException.class, () -> client.send(cmd));
                assertEquals(TransportError.CLOSED, e.error());
                client.close(); // twice is fine
            }
        }
    }

    @Test
    void connectingToAClosedPortNamesTheAddress() throws Exception {
        int port;
        try (TcpServer server = TcpServer.bindLoopback(0)) {
            port = server.port();
        }
        TransportException e =
                assertThrows(
                        TransportException.class,
                        () -> TcpTransport.connect("127.0.0.1", port, Duration.ofSeconds(2)));
        assertEquals(TransportError.CONNECT_FAILED, e.error());
        assertTrue(e.getMessage().contains(":" + port), e.getMessage());
    }

    @Test
    void acceptTimesOut() throws Exception {
        try (TcpServer server = TcpServer.bindLoopback(0)) {
            TransportException e =
                    assertThrows(
                            TransportException.class, () -> server.accept(Duration.ofMillis(50)));
            assertEquals(TransportError.CONNECT_FAILED, e.error());
        }
    }
}
