package dev.edgetwin.sim.firmware;

import dev.edgetwin.bridge.BridgeConfig;
import dev.edgetwin.bridge.BridgeLink;
import dev.edgetwin.bridge.LinkClock;
import dev.edgetwin.bridge.LinkEvent;
import dev.edgetwin.bridge.SerialTransport;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's side of the "daemon SIGKILL" trial of {@link StopMatrix}, as a separate JVM that the
 * matrix kills with SIGKILL while it commands motion: opens the serial port, shakes hands, prints
 * {@code READY} on stdout, then commands {@code vx} every 20 ms until killed. It exits by itself
 * after {@link #LIFETIME_SECONDS} so that a matrix that dies first leaves nothing running.
 *
 * <p>Arguments: {@code PATH BAUD VX}.
 */
final class HostDriverProcess {
    static final String READY = "READY";
    static final int LIFETIME_SECONDS = 60;

    private HostDriverProcess() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: HostDriverProcess PATH BAUD VX");
            System.exit(2);
        }
        String path = args[0];
        int baud = Integer.parseInt(args[1]);
        double vx = Double.parseDouble(args[2]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
        CountDownLatch connected = new CountDownLatch(1);
        BridgeLink link =
                BridgeLink.open(
                        SerialTransport.open(path, baud),
                        BridgeConfig.defaults(),
                        LinkClock.system(executor),
                        e -> {
                            if (e.kind() == LinkEvent.Kind.CONNECTED) {
                                connected.countDown();
                            }
                        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            System.err.println("no handshake with the MCU on " + path + " within 10 s: " + link);
            System.exit(1);
        }
        executor.scheduleAtFixedRate(() -> link.command(vx, 0, 0), 0, 20, TimeUnit.MILLISECONDS);
        out.println(READY);
        Thread.sleep(TimeUnit.SECONDS.toMillis(LIFETIME_SECONDS));
        System.exit(3);
    }
}
