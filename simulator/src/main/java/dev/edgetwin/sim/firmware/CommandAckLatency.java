package dev.edgetwin.sim.firmware;

import dev.edgetwin.bridge.Envelope;
import dev.edgetwin.bridge.FrameCodec;
import dev.edgetwin.bridge.LinkClock;
import dev.edgetwin.bridge.Message;
import dev.edgetwin.bridge.SequenceWindow;
import dev.edgetwin.bridge.SerialTransport;
import dev.edgetwin.bridge.Transport;
import dev.edgetwin.bridge.TransportException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Round-trip latency of a velocity command to its ack, over a socat pty pair (the serial transport
 * on both ends) with the simulated firmware answering: the daemon's side writes one command, waits
 * for the ack naming its sequence number, writes the next. The firmware keeps sending odometry,
 * heartbeats and battery reports in between, as a real MCU would.
 *
 * <p>The result sits next to the bytes' wire time at the configured baud (10 bits per byte with
 * start and stop bits, command frame plus ack frame). A pty does not pace bytes at its baud rate,
 * so the measured figure is the software path (JNI read/write, the kernel's pty, socat, the decoder
 * and the firmware's handler, twice); on a real UART the wire time adds to it.
 *
 * <p>Run: {@code ./edgetwin bench bridge [--samples 2000] [--json]}. Needs socat.
 */
public final class CommandAckLatency {
    private static final long ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * One baud rate's figures.
     *
     * @param commandFrameBytes a velocity command on the wire (COBS + delimiter)
     * @param ackFrameBytes an ack on the wire
     * @param wireMicros the two frames' bytes at 10 bits per byte and {@code baud}
     * @param lost commands whose ack did not arrive within 1 s
     */
    public record Result(
            int baud,
            int samples,
            int commandFrameBytes,
            int ackFrameBytes,
            double wireMicros,
            double p50Micros,
            double p99Micros,
            double maxMicros,
            long lost) {}

    private final Transport host;
    private final Thread waiter = Thread.currentThread();
    private volatile int awaited = -1;
    private volatile long ackedAt;
    private volatile String failure;
    private volatile boolean helloReceived;

    private CommandAckLatency(Transport host) {
        this.host = host;
    }

    /**
     * Measures {@code samples} round trips after {@code warmup} untimed ones.
     *
     * @param workDir an existing directory for the pty links
     * @throws IOException if socat or a port cannot be opened, the firmware does not answer the
     *     hello, or it nacks a command
     */
    public static Result measure(Path workDir, int baud, int warmup, int samples)
            throws IOException {
        if (samples < 1 || warmup < 0) {
            throw new IllegalArgumentException(
                    "samples = " + samples + " must be >= 1, warmup = " + warmup + " >= 0");
        }
        ScheduledExecutorService firmwareThreads =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "latency-firmware");
                            t.setDaemon(true);
                            return t;
                        });
        try (SocatPtyPair cable = SocatPtyPair.start(workDir, StopMatrix.WAIT);
                SimulatedFirmware firmware =
                        new SimulatedFirmware(
                                FirmwareConfig.defaults(), LinkClock.system(firmwareThreads))) {
            firmware.attach(SerialTransport.open(cable.mcuEnd().toString(), baud));
            try (SerialTransport host = SerialTransport.open(cable.hostEnd().toString(), baud)) {
                return new CommandAckLatency(host).run(baud, warmup, samples);
            }
        } catch (TransportException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            firmwareThreads.shutdownNow();
        }
    }

    private Result run(int baud, int warmup, int samples) throws IOException, TransportException {
        host.start(
                new Transport.Listener() {
                    @Override
                    public void onEnvelope(Envelope e) {
                        received(e);
                    }

                    @Override
                    public void onClosed(TransportException cause) {
                        if (cause != null) {
                            failure = cause.getMessage();
                        }
                        LockSupport.unpark(waiter);
                    }
                });
        int seq = 0;
        host.send(new Envelope(seq, new Message.Hello(Message.Hello.PROTOCOL_VERSION, 0, 1, 0, 0)));
        long deadline = System.nanoTime() + ACK_TIMEOUT_NANOS * 5;
        while (!helloReceived) {
            check(deadline, "the firmware's hello");
            LockSupport.parkNanos(1_000_000);
        }
        Message.VelocityCommand command = new Message.VelocityCommand(0.1, 0, 0);
        int commandBytes = FrameCodec.encode(new Envelope(1, command)).length;
        int ackBytes = FrameCodec.encode(new Envelope(1, new Message.Ack(1))).length;
        long[] nanos = new long[samples];
        int timed = 0;
        long lost = 0;
        for (int i = 0; i < warmup + samples; i++) {
            seq = SequenceWindow.next(seq);
            ackedAt = 0;
            awaited = seq;
            long sentAt = System.nanoTime();
            host.send(new Envelope(seq, command));
            long giveUp = sentAt + ACK_TIMEOUT_NANOS;
            while (ackedAt == 0 && System.nanoTime() - giveUp < 0) {
                if (failure != null) {
                    throw new IOException("while measuring: " + failure);
                }
                LockSupport.parkNanos(giveUp - System.nanoTime());
            }
            long at = ackedAt;
            if (at == 0) {
                lost++;
            } else if (i >= warmup) {
                nanos[timed++] = at - sentAt;
            }
        }
        long[] sorted = Arrays.copyOf(nanos, timed);
        Arrays.sort(sorted);
        return new Result(
                baud,
                timed,
                commandBytes,
                ackBytes,
                (commandBytes + ackBytes) * 10 * 1e6 / baud,
                quantile(sorted, 0.5) / 1e3,
                quantile(sorted, 0.99) / 1e3,
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e3,
                lost);
    }

    private void check(long deadline, String what) throws IOException {
        if (failure != null) {
            throw new IOException("expected " + what + ", the port failed: " + failure);
        }
        if (System.nanoTime() - deadline > 0) {
            throw new IOException("expected " + what + " within 5 s, found none");
        }
    }

    private void received(Envelope e) {
        Message m = e.message();
        if (m instanceof Message.Hello) {
            helloReceived = true;
        } else if (m instanceof Message.Ack ack && ack.sequence() == awaited) {
            ackedAt = System.nanoTime();
            LockSupport.unpark(waiter);
        } else if (m instanceof Message.Nack nack) {
            failure = "the firmware nacked sequence " + nack.sequence() + ": " + nack.reason();
            LockSupport.unpark(waiter);
        }
    }

    /** Nearest-rank quantile of sorted values; NaN when empty. */
    static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
