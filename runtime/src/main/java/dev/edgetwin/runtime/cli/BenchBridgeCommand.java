package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.runtime.inference.CpuDescription;
import dev.edgetwin.sim.firmware.CommandAckLatency;
import dev.edgetwin.sim.firmware.FirmwareConfig;
import dev.edgetwin.sim.firmware.SimulatedFirmware;
import dev.edgetwin.sim.firmware.SocatPtyPair;
import dev.edgetwin.sim.firmware.StopMatrix;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin bench bridge}: the firmware bridge against the simulated firmware over a socat
 * pseudo-terminal pair. Without {@code --faults}: command->ack round-trip latency at each baud rate
 * ({@link CommandAckLatency}), p50/p99/max next to the frames' wire time. With {@code --faults}:
 * the stop matrix ({@link StopMatrix}): each fault {@code --trials} times, the time from the fault
 * to the base's velocity reaching zero against watchdog + one firmware loop period; exits 1 if any
 * trial missed that bound.
 *
 * <p>Command: {@code ./edgetwin bench bridge [--baud 1000000,115200] [--samples 2000] [--json]},
 * {@code ./edgetwin bench bridge --faults [--trials 20] [--json]}. Needs socat.
 */
@Command(
        name = "bridge",
        mixinStandardHelpOptions = true,
        description = {
            "Times command->ack round trips to the simulated firmware over a socat pty pair (p50/p99 next to the wire time),",
            "or with --faults runs the stop matrix: serial link pulled, daemon SIGKILL, heartbeat lost, corrupted-frame flood."
        })
final class BenchBridgeCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--faults",
            description = "Run the stop matrix instead of the latency benchmark.")
    boolean faults;

    @Option(
            names = "--baud",
            split = ",",
            defaultValue = "1000000,115200",
            description =
                    "Baud rates of the serial ports (the stop matrix uses the first). Default: ${DEFAULT-VALUE}.")
    List<Integer> bauds;

    @Option(
            names = "--samples",
            defaultValue = "2000",
            description = "Timed round trips per baud rate. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(
            names = "--warmup",
            defaultValue = "200",
            description = "Untimed round trips first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--trials",
            defaultValue = "20",
            description = "Stop-matrix trials per fault. Default: ${DEFAULT-VALUE}.")
    int trials;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String bad = validate();
        if (bad != null) {
            err.printf("edgetwin bench bridge: %s%n", bad);
            err.flush();
            return 2;
        }
        if (!SocatPtyPair.available()) {
            err.printf(
                    "edgetwin bench bridge: needs socat on the PATH for the pseudo-terminal pair (Debian: apt-get install socat)%n");
            err.flush();
            return 2;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", faults ? "bench bridge --faults" : "bench bridge");
        doc.put("cpu", CpuDescription.describe());
        doc.put(
                "java",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        doc.put("socat", SocatPtyPair.version());
        doc.put("firmware", "simulated " + SimulatedFirmware.VERSION_MAJOR + ".0.0");
        Path dir = Files.createTempDirectory("edgetwin-bench-bridge");
        int code = 0;
        try {
            if (faults) {
                code = stopMatrix(dir, doc, err);
            } else {
                latency(dir, doc, err);
            }
        } catch (IOException e) {
            err.printf("edgetwin bench bridge: %s%n", e.getMessage());
            err.flush();
            return 1;
        } finally {
            deleteTree(dir);
        }
        if (json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(doc));
        } else if (faults) {
            printMatrix(out, doc);
        } else {
            printLatency(out, doc);
        }
        out.flush();
        return code;
    }

    private String validate() {
        for (int b : bauds) {
            if (b < 1200 || b > 12_000_000) {
                return "--baud " + b + " is outside [1200, 12000000]";
            }
        }
        if (samples < 1 || samples > 1_000_000) {
            return "--samples " + samples + " is outside [1, 1000000]";
        }
        if (warmup < 0 || warmup > 1_000_000) {
            return "--warmup " + warmup + " is outside [0, 1000000]";
        }
        if (trials < 1 || trials > 1000) {
            return "--trials " + trials + " is outside [1, 1000]";
        }
        return null;
    }

    private void latency(Path dir, Map<String, Object> doc, PrintWriter err) throws IOException {
        doc.put("timedRoundTrips", samples);
        doc.put("warmupRoundTrips", warmup);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int baud : bauds) {
            err.printf("edgetwin bench bridge: %d round trips at %d baud...%n", samples, baud);
            err.flush();
            CommandAckLatency.Result r = CommandAckLatency.measure(dir, baud, warmup, samples);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("baud", r.baud());
            row.put("samples", r.samples());
            row.put("commandFrameBytes", r.commandFrameBytes());
            row.put("ackFrameBytes", r.ackFrameBytes());
            row.put("wireMicros", r.wireMicros());
            row.put("p50Micros", r.p50Micros());
            row.put("p99Micros", r.p99Micros());
            row.put("maxMicros", r.maxMicros());
            row.put("lost", r.lost());
            rows.add(row);
        }
        doc.put("latency", rows);
        doc.put(
                "note",
                "a pty does not pace bytes at the baud rate: the measured round trip is the software"
                        + " path (serial reads and writes, the kernel's ptys, socat, decoders, the"
                        + " firmware's handler); on a real UART the wire time adds to it");
    }

    private int stopMatrix(Path dir, Map<String, Object> doc, PrintWriter err)
            throws IOException, InterruptedException {
        FirmwareConfig firmware = FirmwareConfig.defaults();
        StopMatrix.Options options = new StopMatrix.Options(trials, bauds.get(0), 0.5, firmware);
        StopMatrix.Result result =
                StopMatrix.run(
                        dir,
                        options,
                        List.of(StopMatrix.Fault.values()),
                        line -> {
                            err.println("edgetwin bench bridge: " + line);
                            err.flush();
                        });
        doc.put("baud", options.baud());
        doc.put("commandedSpeed", options.speed());
        doc.put("trialsPerFault", trials);
        doc.put("watchdogMillis", firmware.watchdogTimeout().toMillis());
        doc.put("firmwareLoopMillis", firmware.tickPeriod().toMillis());
        doc.put("boundMillis", options.bound().toMillis());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StopMatrix.Row r : result.rows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("fault", r.fault().label());
            row.put("trials", r.trials());
            row.put("stopped", r.stopped());
            row.put("stoppedWithinBound", r.withinBound());
            row.put("p50Millis", r.p50Millis());
            row.put("maxMillis", r.maxMillis());
            row.put("framesRejectedByMcu", r.framesRejected());
            row.put("commandsAcceptedAfterFault", r.commandsAcceptedAfterFault());
            row.put("stoppedWithinBoundOfLastCommand", r.withinBoundOfLastCommand());
            row.put("maxMillisFromLastCommand", r.maxFromLastCommandMillis());
            List<Double> times = new ArrayList<>();
            for (StopMatrix.Trial t : result.trials()) {
                if (t.fault() == r.fault()) {
                    times.add(t.stopped() ? t.nanosToZero() / 1e6 : null);
                }
            }
            row.put("millisToZero", times);
            rows.add(row);
        }
        doc.put("faults", rows);
        doc.put("allWithinBound", result.allWithinBound());
        return result.allWithinBound() ? 0 : 1;
    }

    private static void header(PrintWriter out, Map<String, Object> d) {
        out.printf("CPU: %s%n", d.get("cpu"));
        out.printf("Java: %s; %s%n", d.get("java"), d.get("socat"));
    }

    @SuppressWarnings("unchecked")
    private static void printLatency(PrintWriter out, Map<String, Object> d) {
        out.printf(
                "edgetwin bench bridge: velocity command -> ack round trips over a socat pty pair, %s firmware; %s timed (+%s warm-up) per baud rate%n",
                d.get("firmware"), d.get("timedRoundTrips"), d.get("warmupRoundTrips"));
        header(out, d);
        out.printf(
                "%-9s %7s %6s %6s %9s %9s %9s %9s %5s%n",
                "baud", "samples", "cmd B", "ack B", "wire us", "p50 us", "p99 us", "max us",
                "lost");
        for (Map<String, Object> r : (List<Map<String, Object>>) d.get("latency")) {
            out.printf(
                    "%-9d %7d %6d %6d %9.1f %9.1f %9.1f %9.1f %5d%n",
                    r.get("baud"),
                    r.get("samples"),
                    r.get("commandFrameBytes"),
                    r.get("ackFrameBytes"),
                    r.get("wireMicros"),
                    r.get("p50Micros"),
                    r.get("p99Micros"),
                    r.get("maxMicros"),
                    r.get("lost"));
        }
        out.printf("wire us = (cmd B + ack B) x 10 bits / baud. Note: %s.%n", d.get("note"));
    }

    @SuppressWarnings("unchecked")
    private static void printMatrix(PrintWriter out, Map<String, Object> d) {
        out.printf(
                "edgetwin bench bridge --faults: stop matrix, %s trials per fault, %s firmware over a socat pty pair at %s baud, driving at %s m/s when the fault strikes%n",
                d.get("trialsPerFault"), d.get("firmware"), d.get("baud"), d.get("commandedSpeed"));
        header(out, d);
        out.printf(
                "bound: watchdog %s ms + one firmware loop %s ms = %s ms (time from the fault to the simulated base's velocity reaching zero)%n",
                d.get("watchdogMillis"), d.get("firmwareLoopMillis"), d.get("boundMillis"));
        String within = "within " + d.get("boundMillis") + " ms";
        out.printf(
                "%-26s %6s %14s %8s %8s %13s %15s %21s%n",
                "fault",
                "trials",
                within,
                "p50 ms",
                "max ms",
                "MCU rejected",
                "accepted after",
                "last cmd: within, max");
        for (Map<String, Object> r : (List<Map<String, Object>>) d.get("faults")) {
            out.printf(
                    "%-26s %6d %14s %8.1f %8.1f %13d %15d %21s%n",
                    r.get("fault"),
                    r.get("trials"),
                    r.get("stoppedWithinBound") + "/" + r.get("trials"),
                    r.get("p50Millis"),
                    r.get("maxMillis"),
                    r.get("framesRejectedByMcu"),
                    r.get("commandsAcceptedAfterFault"),
                    String.format(
                            "%s/%s, %.1f ms",
                            r.get("stoppedWithinBoundOfLastCommand"),
                            r.get("trials"),
                            r.get("maxMillisFromLastCommand")));
        }
        out.printf(
                "MCU rejected: frames the MCU dropped as corrupt, old or duplicate. Accepted after: commands it accepted after the fault (on their way when it struck).%n"
                        + "Last cmd: trials at zero within the bound of the last command the MCU accepted (what its watchdog guarantees), and the longest such time.%n");
        out.printf(
                "every trial stopped within the bound: %s%n",
                Boolean.TRUE.equals(d.get("allWithinBound")) ? "yes" : "NO");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            org.tinylog.Logger.debug(e, "Removing {}", dir);
        }
    }
}
