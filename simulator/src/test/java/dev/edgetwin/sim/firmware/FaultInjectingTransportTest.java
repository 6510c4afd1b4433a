package dev.edgetwin.sim.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.bridge.Envelope;
import dev.edgetwin.bridge.FrameCodec;
import dev.edgetwin.bridge.InMemoryTransport;
import dev.edgetwin.bridge.Message;
import dev.edgetwin.bridge.Transport;
import dev.edgetwin.bridge.TransportException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stop matrix's fault injection on the host's side, over the in-memory pair. */
class FaultInjectingTransportTest {
    private final InMemoryTransport.Pair pair = InMemoryTransport.pair();
    private final List<Envelope> received = new ArrayList<>();
    private final FaultInjectingTransport host = new FaultInjectingTransport(pair.host(), 7);
    private final byte[] frame =
            FrameCodec.encode(new Envelope(9, new Message.VelocityCommand(1.0, 0, 0)));

    FaultInjectingTransportTest() {
        pair.device()
                .start(
                        new Transport.Listener() {
                            @Override
                            public void onEnvelope(Envelope e) {
                                received.add(e);
                            }

                            @Override
                            public void onClosed(TransportException cause) {}
                        });
        host.start(
                new Transport.Listener() {
                    @Override
                    public void onEnvelope(Envelope e) {}

                    @Override
                    public void onClosed(TransportException cause) {}
                });
    }

    @Test
    void passDeliversSilentDropsCorruptNeverDeliversAValidFrame() throws Exception {
        host.sendRaw(frame);
        pair.pump();
        assertEquals(1, received.size());

        host.setMode(FaultInjectingTransport.Mode.SILENT);
        host.sendRaw(frame);
        pair.pump();
        assertEquals(1, received.size());
        assertEquals(1, pair.device().decoder().framesDecoded());

        host.setMode(FaultInjectingTransport.Mode.CORRUPT);
        for (int i = 0; i < 2000; i++) {
            host.sendRaw(frame);
        }
        pair.pump();
        assertEquals(1, received.size(), "a corrupted frame was accepted");
        assertTrue(pair.device().decoder().errors() >= 2000, pair.device().decoder().toString());
    }

    /**
     * Regression: the flood sent its corrupted copies through sendRaw in CORRUPT mode, which
     * flipped a second bit; 1 copy in about 128 got the same bit flipped back and arrived intact.
     */
    @Test
    void sendUnalteredIsNotCorruptedAgain() throws Exception {
        host.setMode(FaultInjectingTransport.Mode.CORRUPT);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            byte[] copy = host.corrupt(frame);
            sent.add(copy);
            host.sendUnaltered(copy);
        }
        pair.pump();
        assertEquals(0, received.size(), "an intact frame arrived");
        for (byte[] copy : sent) {
            assertEquals(frame.length, copy.length);
            int differing = 0;
            for (int i = 0; i < frame.length; i++) {
                differing += Integer.bitCount((frame[i] ^ copy[i]) & 0xFF);
            }
            assertEquals(1, differing, "exactly one bit flipped");
            assertEquals(0, copy[copy.length - 1], "delimiter kept");
        }
    }
}
