package dev.edgetwin.runtime.mqtt;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto broker in a child process, listening on 127.0.0.1 only, for benchmarks and fault
 * tests against a broker we did not write: started, killed with SIGKILL (no chance to save or say
 * goodbye), and started again on the same port and data directory.
 *
 * <p>With {@code persistent} the broker keeps its sessions and queued messages in {@code
 * directory/data/mosquitto.db}, saved after every change ({@code autosave_on_changes true}, {@code
 * autosave_interval 1}): Mosquitto 2.0 persists by snapshot, not by a log, so this is the closest
 * it comes to keeping what it acknowledged across a SIGKILL. Queues for offline clients are
 * unbounded ({@code max_queued_messages 0}: the default of 1000 would drop messages for a
 * subscriber that is away longer), and up to 1000 QoS 1 messages may be in flight to a client
 * ({@code max_inflight_messages}; with the default of 20 a lagging subscriber's messages wait in
 * the broker's queue). It runs as the user who started it ({@code user}: started as root, Mosquitto
 * would switch to the user {@code mosquitto}, who cannot write to our directory). The log goes to
 * {@code directory/mosquitto.log}.
 *
 * <p>Owns its process: {@link #close()} stops it (SIGTERM, then SIGKILL) and may be called twice.
 * Not thread-safe.
 */
public final class MosquittoBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path executable;
    private final Path directory;
    private final Path configFile;
    private final int port;
    private Process process;
    private int starts;
    private boolean closed;

    private MosquittoBroker(Path executable, Path directory, int port) {
        this.executable = executable;
        this.directory = directory;
        this.configFile = directory.resolve("mosquitto.conf");
        this.port = port;
    }

    /**
     * The {@code mosquitto} executable: on {@code PATH}, or in {@code /usr/sbin} or {@code
     * /usr/local/sbin} (where Debian installs it, often not on a user's {@code PATH}).
     */
    public static Optional<Path> find() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/sbin");
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(d, "mosquitto");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes the configuration into {@code directory} and starts Mosquitto on {@code
     * 127.0.0.1:port}; returns once it accepts TCP connections.
     *
     * @throws IOException if {@code mosquitto} is not installed, exits, or does not listen within
     *     20 s (the message quotes its log)
     */
    public static MosquittoBroker start(Path directory, int port, boolean persistent)
            throws IOException {
        return start(directory, port, persistent, List.of());
    }

    /**
     * As {@link #start(Path, int, boolean)}, with more options for the listener, one a line (e.g.
     * {@code cafile}, {@code certfile}, {@code keyfile}, {@code require_certificate true}, {@code
     * password_file}, {@code allow_anonymous false}); without an {@code allow_anonymous} line,
     * anonymous clients are allowed.
     */
    public static MosquittoBroker start(
            Path directory, int port, boolean persistent, List<String> listenerOptions)
            throws IOException {
        Objects.requireNonNull(listenerOptions, "listenerOptions");
        Objects.requireNonNull(directory, "directory");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
        }
        Path exe =
                find().orElseThrow(
                                () ->
                                        new IOException(
                                                "mosquitto is not installed (not on PATH, nor in"
                                                        + " /usr/sbin): apt-get install mosquitto"));
        Files.createDirectories(directory);
        MosquittoBroker broker = new MosquittoBroker(exe, directory, port);
        broker.writeConfig(persistent, listenerOptions);
        broker.startProcess();
        return broker;
    }

    private void writeConfig(boolean persistent, List<String> listenerOptions) throws IOException {
        StringBuilder c = new StringBuilder();
        c.append("listener ").append(port).append(" 127.0.0.1\n");
        for (String line : listenerOptions) {
            if (line.contains("\n")) {
                throw new IllegalArgumentException("one option a line, got '" + line + "'");
            }
            c.append(line).append('\n');
        }
        if (listenerOptions.stream().noneMatch(l -> l.startsWith("allow_anonymous"))) {
            c.append("allow_anonymous true\n");
        }
        // Started as root, Mosquitto switches to the user "mosquitto", who may not write to our
        // data directory; as this user it keeps running as whoever started it.
        c.append("user ").append(System.getProperty("user.name")).append('\n');
        c.append("max_queued_messages 0\n");
        c.append("max_inflight_messages 1000\n");
        c.append("log_dest stderr\n");
        c.append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
        if (persistent) {
            Path data = directory.resolve("data");
            Files.createDirectories(data);
            c.append("persistence true\n");
            c.append("persistence_location ").append(data.toAbsolutePath()).append("/\n");
            c.append("autosave_on_changes true\n");
            c.append("autosave_interval 1\n");
        } else {
            c.append("persistence false\n");
        }
        Files.writeString(configFile, c.toString(), StandardCharsets.UTF_8);
    }

    private void startProcess() throws IOException {
        Path log = log();
        process =
                new ProcessBuilder(executable.toString(), "-c", configFile.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        starts++;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException(
                        "mosquitto exited with "
                                + process.exitValue()
                                + " on port "
                                + port
                                + "; its log: "
                                + tail(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    // Mosquitto has no readiness signal; poll its port.
                    process.waitFor(20, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for mosquitto", e);
                }
            }
        }
        process.destroyForcibly();
        throw new IOException(
                "mosquitto did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT);
    }

    /** Kills the broker with SIGKILL and waits for it to be gone: nothing saved, no goodbye. */
    public void kill() throws InterruptedException {
        ensureOpen();
        process.destroyForcibly(); // SIGKILL on Linux
        process.waitFor();
    }

    /** Starts the broker again on the same port, configuration and data directory. */
    public void restart() throws IOException {
        ensureOpen();
        if (process.isAlive()) {
            throw new IllegalStateException(
                    "mosquitto is still running (pid " + process.pid() + ")");
        }
        startProcess();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The process id of the running broker. */
    public long pid() {
        return process.pid();
    }

    /** How many times the process was started (1 + restarts). */
    public int starts() {
        return starts;
    }

    /** Where the broker's persistent database is kept (with {@code persistent}). */
    public Path databaseFile() {
        return directory.resolve("data").resolve("mosquitto.db");
    }

    public Path log() {
        return directory.resolve("mosquitto.log");
    }

    /** The mosquitto version line ({@code mosquitto -h} prints it first). */
    public String version() {
        return version(executable);
    }

    /** The first line {@code mosquitto -h} prints, e.g. "mosquitto version 2.0.11". */
    public static String version(Path executable) {
        try {
            Process p =
                    new ProcessBuilder(executable.toString(), "-h")
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("mosquitto (version unknown)").trim();
        } catch (IOException e) {
            return "mosquitto (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "mosquitto (version unknown)";
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the mosquitto broker on port " + port + " is closed");
        }
    }

    /** Stops the broker: SIGTERM, then SIGKILL after 5 s. Safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "MosquittoBroker[127.0.0.1:" + port + ", starts=" + starts + "]";
    }
}
