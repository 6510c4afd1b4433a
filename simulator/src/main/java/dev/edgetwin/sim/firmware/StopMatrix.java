package dev.edgetwin.sim.firmware;

import dev.edgetwin.bridge.BridgeConfig;
import dev.edgetwin.bridge.BridgeLink;
import dev.edgetwin.bridge.Envelope;
import dev.edgetwin.bridge.FrameCodec;
import dev.edgetwin.bridge.LinkClock;
import dev.edgetwin.bridge.LinkEvent;
import dev.edgetwin.bridge.Message;
import dev.edgetwin.bridge.SerialTransport;
import dev.edgetwin.bridge.TransportException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The stop matrix: the simulated firmware on one end of a socat pty pair (a serial cable), the
 * daemon's {@link BridgeLink} commanding motion on the other; in each trial one fault strikes while
 * the base drives, and the time from the fault to the simulated base's velocity reaching zero is
 * measured and compared with the bound: the firmware's watchdog timeout plus one firmware loop
 * period (the watchdog is checked once per loop). A command already on its way when the fault
 * strikes still arrives and restarts the watchdog, so each trial also records the time from the
 * last command the MCU accepted, which is what the watchdog bounds.
 *
 * <p>Faults ({@link Fault}): the serial link pulled (socat SIGKILLed), the daemon SIGKILLed (the
 * host side runs in a child JVM, {@link HostDriverProcess}), the heartbeat lost (the host's writes
 * stop reaching the MCU), a flood of corrupted frames (every host frame has a bit flipped, and
 * corrupted frames fill the line at its full byte rate).
 *
 * <p>Every trial starts from scratch: a new socat, a new firmware, a new host. Bounded: each wait
 * is at most {@link #WAIT}, a trial a few seconds. Needs socat ({@link SocatPtyPair#available()}).
 *
 * <p>Run: {@code ./edgetwin bench bridge --faults [--trials 20] [--json]}.
 */
public final class StopMatrix {
    /** The longest any step of a trial waits (handshake, speed-up, the stop itself). */
    static final Duration WAIT = Duration.ofSeconds(20);

    /** One fault of the matrix. */
    public enum Fault {
        SERIAL_LINK_PULLED("serial link pulled"),
        DAEMON_SIGKILL("daemon SIGKILL"),
        HEARTBEAT_LOST("heartbeat lost"),
        CORRUPTED_FLOOD("flood of corrupted frames");

        private final String label;

        Fault(String label) {
            this.label = label;
        }

        /** How the table names it. */
        public String label() {
            return label;
        }
    }

    /**
     * What to run, validated when built.
     *
     * @param trialsPerFault trials of each fault, >= 1
     * @param baud the serial ports' bit rate (a pty does not pace bytes at it; the corrupted flood
     *     does: it writes baud / 10 bytes a second)
     * @param speed forward speed commanded when the fault strikes, m/s, in (0, 1]
     * @param firmware the simulated MCU (watchdog, loop period)
     */
    public record Options(int trialsPerFault, int baud, double speed, FirmwareConfig firmware) {
        public Options {
            if (trialsPerFault < 1 || trialsPerFault > 1000) {
                throw new IllegalArgumentException(
                        "trialsPerFault = " + trialsPerFault + " is outside [1, 1000]");
            }
            if (baud < 1200 || baud > 12_000_000) {
                throw new IllegalArgumentException(
                        "baud = " + baud + " is outside [1200, 12000000]");
            }
            if (!(speed > 0 && speed <= 1.0)) {
                throw new IllegalArgumentException("speed = " + speed + " is outside (0, 1] m/s");
            }
            Objects.requireNonNull(firmware, "firmware");
        }

        /** The bound each trial is checked against: watchdog timeout + one loop period. */
        public Duration bound() {
            return firmware.watchdogTimeout().plus(firmware.tickPeriod());
        }
    }

    /**
     * One trial.
     *
     * @param nanosToZero from the fault to the base's velocity reaching zero; -1 if it did not
     *     within {@link #WAIT}
     * @param framesRejected frames the MCU dropped as corrupt, old or duplicate during the trial
     *     (shows that a flood arrived)
     * @param commandsAcceptedAfterFault commands the MCU accepted after the fault instant: frames
     *     already written (in the pty, socat, or a write racing the fault) still arrive, and the
     *     watchdog then counts from them
     * @param nanosFromLastCommand from the last command the MCU accepted to zero velocity: what the
     *     MCU's watchdog guarantees (at most watchdog + one loop period); -1 if not stopped
     */
    public record Trial(
            Fault fault,
            int index,
            long nanosToZero,
            long framesRejected,
            long commandsAcceptedAfterFault,
            long nanosFromLastCommand) {
        public boolean stopped() {
            return nanosToZero >= 0;
        }
    }

    /** One fault's line of the table. */
    public record Row(
            Fault fault,
            int trials,
            int stopped,
            int withinBound,
            double p50Millis,
            double maxMillis,
            long framesRejected,
            long commandsAcceptedAfterFault,
            int withinBoundOfLastCommand,
            double maxFromLastCommandMillis) {}

    /** The whole matrix. */
    public record Result(Options options, List<Row> rows, List<Trial> trials) {
        /** Whether every trial of every fault stopped within the bound. */
        public boolean allWithinBound() {
            return rows.stream().allMatch(r -> r.withinBound() == r.trials());
        }
    }

    private final Path workDir;
    private final Options options;
    private final Consumer<String> progress;

    private StopMatrix(Path workDir, Options options, Consumer<String> progress) {
        this.workDir = workDir;
        this.options = options;
        this.progress = progress;
    }

    /**
     * Runs {@code options.trialsPerFault()} trials of each of {@code faults}, in turn.
     *
     * @param workDir an existing directory for the pty links and the child's log
     * @param progress one line per trial (for a CLI's stderr), from the calling thread
     * @throws IOException if socat or the child JVM cannot be started, or a trial cannot get the
     *     base moving (its message says where it stuck)
     */
    public static Result run(
            Path workDir, Options options, List<Fault> faults, Consumer<String> progress)
            throws IOException, InterruptedException {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("faults is empty");
        }
        StopMatrix matrix = new StopMatrix(workDir, options, progress);
        List<Trial> trials = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (Fault fault : faults) {
            List<Trial> ofFault = new ArrayList<>();
            for (int i = 0; i < options.trialsPerFault(); i++) {
                Trial t = matrix.trial(fault, i);
                ofFault.add(t);
                progress.accept(
                        String.format(
                                "%s trial %d/%d: %s",
                                fault.label(),
                                i + 1,
                                options.trialsPerFault(),
                                t.stopped()
                                        ? String.format(
                                                "velocity zero after %.1f ms",
                                                t.nanosToZero() / 1e6)
                                        : "NOT stopped within " + WAIT));
            }
            trials.addAll(ofFault);
            rows.add(row(fault, ofFault, options.bound().toNanos()));
        }
        return new Result(options, List.copyOf(rows), List.copyOf(trials));
    }

    static Row row(Fault fault, List<Trial> trials, long boundNanos) {
        double[] ms =
                trials.stream()
                        .filter(Trial::stopped)
                        .mapToDouble(t -> t.nanosToZero() / 1e6)
                        .sorted()
                        .toArray();
        int within =
                (int)
                        trials.stream()
                                .filter(t -> t.stopped() && t.nanosToZero() <= boundNanos)
                                .count();
        return new Row(
                fault,
                trials.size(),
                ms.length,
                within,
                ms.length == 0 ? Double.NaN : ms[(ms.length - 1) / 2],
                ms.length == 0 ? Double.NaN : ms[ms.length - 1],
                trials.stream().mapToLong(Trial::framesRejected).sum(),
                trials.stream().mapToLong(Trial::commandsAcceptedAfterFault).sum(),
                (int)
                        trials.stream()
                                .filter(
                                        t ->
                                                t.nanosFromLastCommand() >= 0
                                                        && t.nanosFromLastCommand() <= boundNanos)
                                .count(),
                trials.stream()
                        .filter(t -> t.nanosFromLastCommand() >= 0)
                        .mapToDouble(t -> t.nanosFromLastCommand() / 1e6)
                        .max()
                        .orElse(Double.NaN));
    }

    private Trial trial(Fault fault, int index) throws IOException, InterruptedException {
        ScheduledExecutorService firmwareThreads = daemonExecutor("stop-matrix-firmware", 1);
        ScheduledExecutorService hostThreads = daemonExecutor("stop-matrix-host", 2);
        AtomicBoolean armed = new AtomicBoolean();
        AtomicLong zeroAt = new AtomicLong();
        CountDownLatch zero = new CountDownLatch(1);
        try (SocatPtyPair cable = SocatPtyPair.start(workDir, WAIT);
                SimulatedFirmware firmware =
                        new SimulatedFirmware(
                                options.firmware(), LinkClock.system(firmwareThreads))) {
            firmware.setObserver(
                    e -> {
                        if (e == SimulatedFirmware.Event.STANDSTILL && armed.get()) {
                            zeroAt.compareAndSet(0, System.nanoTime());
                            zero.countDown();
                        }
                    });
            firmware.attach(open(cable.mcuEnd()));
            try (Host host =
                    fault == Fault.DAEMON_SIGKILL
                            ? ChildHost.start(cable.hostEnd(), options, workDir)
                            : InProcessHost.start(cable.hostEnd(), options, hostThreads, index)) {
                double moving = 0.9 * options.speed();
                await(
                        () -> firmware.linearVelocity() >= moving,
                        () -> "the base to reach " + moving + " m/s before the fault: " + firmware,
                        host);
                armed.set(true);
                long acceptedBefore = firmware.commandsAccepted();
                long faultAt = System.nanoTime();
                switch (fault) {
                    case SERIAL_LINK_PULLED -> cable.pull();
                    case DAEMON_SIGKILL -> ((ChildHost) host).kill();
                    case HEARTBEAT_LOST -> ((InProcessHost) host).silence();
                    case CORRUPTED_FLOOD -> ((InProcessHost) host).flood(options.baud());
                }
                boolean stopped = zero.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                long nanos = stopped ? zeroAt.get() - faultAt : -1;
                if (stopped
                        && (firmware.linearVelocity() != 0 || firmware.angularVelocity() != 0)) {
                    Logger.warn("Stop matrix: the base moved again after stopping: {}", firmware);
                    nanos = -1;
                }
                return new Trial(
                        fault,
                        index,
                        nanos,
                        firmware.framesRejected(),
                        firmware.commandsAccepted() - acceptedBefore,
                        nanos < 0 ? -1 : zeroAt.get() - firmware.lastValidCommandNanos());
            }
        } finally {
            hostThreads.shutdownNow();
            firmwareThreads.shutdownNow();
        }
    }

    private SerialTransport open(Path end) throws IOException {
        try {
            return SerialTransport.open(end.toString(), options.baud());
        } catch (TransportException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static ScheduledExecutorService daemonExecutor(String name, int threads) {
        return Executors.newScheduledThreadPool(
                threads,
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Polls every millisecond for at most {@link #WAIT}. */
    static void await(BooleanSupplier condition, Supplier<String> what, Host host)
            throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0 || !host.alive()) {
                throw new IOException(
                        "expected within " + WAIT + ": " + what.get() + "; host: " + host);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** The daemon's side of one trial. */
    private interface Host extends AutoCloseable {
        boolean alive();

        @Override
        void close();
    }

    /** The host in this JVM: a BridgeLink and a planner commanding every 20 ms. */
    private static final class InProcessHost implements Host {
        private final FaultInjectingTransport transport;
        private final BridgeLink link;
        private final ScheduledFuture<?> planner;
        private final ScheduledExecutorService executor;
        private final Random random;
        private volatile ScheduledFuture<?> flooder;

        private InProcessHost(
                FaultInjectingTransport transport,
                BridgeLink link,
                ScheduledFuture<?> planner,
                ScheduledExecutorService executor,
                long seed) {
            this.transport = transport;
            this.link = link;
            this.planner = planner;
            this.executor = executor;
            this.random = new Random(seed);
        }

        static InProcessHost start(
                Path hostEnd, Options options, ScheduledExecutorService executor, long seed)
                throws IOException {
            FaultInjectingTransport transport;
            try {
                transport =
                        new FaultInjectingTransport(
                                SerialTransport.open(hostEnd.toString(), options.baud()), seed);
            } catch (TransportException e) {
                throw new IOException(e.getMessage(), e);
            }
            CountDownLatch connected = new CountDownLatch(1);
            BridgeLink link =
                    BridgeLink.open(
                            transport,
                            BridgeConfig.defaults(),
                            LinkClock.system(executor),
                            e -> {
                                if (e.kind() == LinkEvent.Kind.CONNECTED) {
                                    connected.countDown();
                                }
                            });
            try {
                if (!connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    link.close();
                    throw new IOException("no handshake within " + WAIT + ": " + link);
                }
            } catch (InterruptedException e) {
                link.close();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during the handshake", e);
            }
            double vx = options.speed();
            ScheduledFuture<?> planner =
                    executor.scheduleAtFixedRate(
                            () -> link.command(vx, 0, 0), 0, 20, TimeUnit.MILLISECONDS);
            return new InProcessHost(transport, link, planner, executor, seed);
        }

        void silence() {
            transport.setMode(FaultInjectingTransport.Mode.SILENT);
        }

        /**
         * Corrupts every frame the link sends from now on, and fills the line at its byte rate
         * (baud / 10 bytes a second, written every millisecond) with corrupted copies of velocity
         * commands and random bytes.
         */
        void flood(int baud) {
            transport.setMode(FaultInjectingTransport.Mode.CORRUPT);
            int bytesPerMilli = Math.max(1, baud / 10 / 1000);
            byte[] command =
                    FrameCodec.encode(new Envelope(0, new Message.VelocityCommand(1.0, 0, 0)));
            flooder =
                    executor.scheduleAtFixedRate(
                            () -> {
                                int sent = 0;
                                try {
                                    while (sent < bytesPerMilli) {
                                        byte[] chunk;
                                        if (random.nextBoolean()) {
                                            chunk = transport.corrupt(command);
                                        } else {
                                            chunk = new byte[1 + random.nextInt(40)];
                                            random.nextBytes(chunk);
                                        }
                                        // not sendRaw: a second flip could undo the first
                                        transport.sendUnaltered(chunk);
                                        sent += chunk.length;
                                    }
                                } catch (TransportException e) {
                                    throw new IllegalStateException(e); // ends the flood
                                }
                            },
                            0,
                            1,
                            TimeUnit.MILLISECONDS);
        }

        @Override
        public boolean alive() {
            return link.state() != BridgeLink.State.FAILED;
        }

        @Override
        public void close() {
            planner.cancel(false);
            ScheduledFuture<?> f = flooder;
            if (f != null) {
                f.cancel(false);
            }
            link.close();
        }

        @Override
        public String toString() {
            return link + ", last command " + link.lastCommand();
        }
    }

    /** The host in a child JVM ({@link HostDriverProcess}), killed with SIGKILL. */
    private static final class ChildHost implements Host {
        private final Process process;

        private ChildHost(Process process) {
            this.process = process;
        }

        static ChildHost start(Path hostEnd, Options options, Path workDir) throws IOException {
            Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
            Path log = workDir.resolve("host-driver.log");
            Process p =
                    new ProcessBuilder(
                                    java.toString(),
                                    // its logs (if the classpath has a TinyLog writer) stay here
                                    "-Dedgetwin.logDir=" + workDir,
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    HostDriverProcess.class.getName(),
                                    hostEnd.toString(),
                                    Integer.toString(options.baud()),
                                    Double.toString(options.speed()))
                            .redirectError(log.toFile())
                            .start();
            p.getOutputStream().close();
            CountDownLatch ready = new CountDownLatch(1);
            Thread drain =
                    new Thread(
                            () -> {
                                try (BufferedReader r =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        p.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    for (String line; (line = r.readLine()) != null; ) {
                                        if (line.equals(HostDriverProcess.READY)) {
                                            ready.countDown();
                                        }
                                    }
                                } catch (IOException e) {
                                    // the child is gone
                                }
                            },
                            "host-driver-output " + p.pid());
            drain.setDaemon(true);
            drain.start();
            ChildHost host = new ChildHost(p);
            try {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!ready.await(10, TimeUnit.MILLISECONDS)) {
                    if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                        host.close();
                        throw new IOException(
                                "expected the host driver JVM to print "
                                        + HostDriverProcess.READY
                                        + " within "
                                        + WAIT
                                        + (p.isAlive() ? "" : " (it exited " + p.exitValue() + ")")
                                        + "; its log: "
                                        + tail(log));
                    }
                }
            } catch (InterruptedException e) {
                host.close();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting the host driver", e);
            }
            return host;
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join(
                        " | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }

        /** SIGKILL (on Linux, {@link Process#destroyForcibly()} sends it), waited for. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "host driver JVM pid "
                    + process.pid()
                    + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")");
        }
    }
}
