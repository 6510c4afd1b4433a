package dev.edgetwin.sim.firmware;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * A pseudo-terminal pair joined by socat, standing in for a serial cable between the daemon and the
 * MCU: {@code socat -d -d pty,raw,echo=0,link=DIR/mcu pty,raw,echo=0,link=DIR/host}. Each end is a
 * real tty that {@code SerialTransport} opens by path. {@link #pull()} kills socat with SIGKILL as
 * a pulled cable would cut the line (both ends then fail with EIO, their links dangle); {@link
 * #restart()} plugs it back in (new ptys behind the same link paths).
 *
 * <p>Owns the socat process; {@link #close()} kills it and removes the links.
 */
public final class SocatPtyPair implements AutoCloseable {
    private static final String READY_LINE = "starting data transfer loop";

    private final Path mcuEnd;
    private final Path hostEnd;
    private final Duration startTimeout;
    private Process socat;

    private SocatPtyPair(Path dir, Duration startTimeout) {
        this.mcuEnd = dir.resolve("mcu");
        this.hostEnd = dir.resolve("host");
        this.startTimeout = startTimeout;
    }

    /**
     * Starts socat and waits until both ptys exist.
     *
     * @param dir where the two links are made (an existing directory)
     * @throws IOException if socat is missing, exits, or is not ready within {@code startTimeout}
     */
    public static SocatPtyPair start(Path dir, Duration startTimeout) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (!Files.isDirectory(dir)) {
            throw new IOException("expected a directory for the pty links, found none at " + dir);
        }
        SocatPtyPair pair = new SocatPtyPair(dir, startTimeout);
        pair.launch();
        return pair;
    }

    /** Whether a {@code socat} binary can be started (Debian: {@code apt-get install socat}). */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("socat", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The first line of {@code socat -V} ("socat version 1.7.4.4 on ..."), or why there is none.
     */
    public static String version() {
        try {
            Process p = new ProcessBuilder("socat", "-V").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return text.lines()
                    .filter(l -> l.startsWith("socat version"))
                    .findFirst()
                    .orElse("socat (version not reported)");
        } catch (IOException e) {
            return "socat not found: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "socat (interrupted)";
        }
    }

    /** The MCU's end (the simulated firmware opens it). */
    public Path mcuEnd() {
        return mcuEnd;
    }

    /** The daemon's end. */
    public Path hostEnd() {
        return hostEnd;
    }

    /** Whether socat is running (the cable is in). */
    public synchronized boolean connected() {
        return socat != null && socat.isAlive();
    }

    /** Cuts the line: SIGKILL to socat, waited for (bounded). Idempotent. */
    public synchronized void pull() {
        if (socat == null) {
            return;
        }
        socat.destroyForcibly();
        try {
            if (!socat.waitFor(5, TimeUnit.SECONDS)) {
                Logger.warn("socat (pid {}) did not exit within 5 s of SIGKILL", socat.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socat = null;
    }

    /** Plugs the line back in: a new socat behind the same link paths. */
    public synchronized void restart() throws IOException {
        pull();
        launch();
    }

    private synchronized void launch() throws IOException {
        // a killed socat leaves its links dangling; socat would refuse to replace them
        Files.deleteIfExists(mcuEnd);
        Files.deleteIfExists(hostEnd);
        Process p;
        try {
            p =
                    new ProcessBuilder(
                                    "socat",
                                    "-d",
                                    "-d",
                                    "pty,raw,echo=0,link=" + mcuEnd,
                                    "pty,raw,echo=0,link=" + hostEnd)
                            .redirectErrorStream(true)
                            .start();
        } catch (IOException e) {
            throw new IOException(
                    "could not start socat (Debian: apt-get install socat): " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        CountDownLatch ready = new CountDownLatch(1);
        StringBuilder log = new StringBuilder();
        Thread drain =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getInputStream(), StandardCharsets.UTF_8))) {
                                for (String line; (line = r.readLine()) != null; ) {
                                    if (ready.getCount() > 0) {
                                        synchronized (log) {
                                            log.append(line).append('\n');
                                        }
                                    }
                                    if (line.contains(READY_LINE)) {
                                        ready.countDown();
                                    }
                                }
                            } catch (IOException e) {
                                // socat gone: its output ends here
                            }
                        },
                        "socat-output " + p.pid());
        drain.setDaemon(true);
        drain.start();
        try {
            if (!ready.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                String text;
                synchronized (log) {
                    text = log.toString();
                }
                throw new IOException(
                        "expected socat to report '"
                                + READY_LINE
                                + "' within "
                                + startTimeout
                                + (p.isAlive() ? "" : " (it exited)")
                                + "; its output: "
                                + text.strip(),
                        new TimeoutException());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting socat", e);
        }
        socat = p;
    }

    @Override
    public synchronized void close() {
        pull();
        try {
            Files.deleteIfExists(mcuEnd);
            Files.deleteIfExists(hostEnd);
        } catch (IOException e) {
            Logger.debug(e, "Removing pty links");
        }
    }

    @Override
    public synchronized String toString() {
        return "SocatPtyPair[" + mcuEnd + " <-> " + hostEnd + (connected() ? "" : ", pulled") + "]";
    }
}
