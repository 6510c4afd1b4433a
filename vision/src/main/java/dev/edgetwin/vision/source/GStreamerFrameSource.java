package dev.edgetwin.vision.source;

import dev.edgetwin.vision.Frame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * A {@code gst-launch-1.0 -q} child process whose pipeline ends in raw RGB on stdout ({@link
 * SourceConfig.GStreamer#SINK}). GStreamer pads each RGB row to a multiple of 4 bytes; the padding
 * is removed. Capture time: the wall clock when the frame's last byte was read from the pipe, so it
 * includes the pipeline's and the pipe's latency (a few ms for a camera; fdsink does not pass the
 * buffer timestamps on).
 *
 * <p>The child's stderr goes to the log at warn level, from a daemon thread per child. {@link
 * #close()} terminates the child ({@link Process#destroy()}), forcibly after {@link
 * #CLOSE_TIMEOUT_MS} if it does not exit, and waits for it, so no zombie is left. The end of the
 * pipeline ({@code num-buffers}, end of a file) is {@link FrameSourceException.Code#STREAM_ENDED};
 * a failing child is {@link FrameSourceException.Code#PROCESS_FAILED} with its last stderr lines.
 */
final class GStreamerFrameSource implements FrameSource {
    static final long CLOSE_TIMEOUT_MS = 2000;
    private static final int STDERR_LINES_KEPT = 5;

    private final SourceConfig.GStreamer config;
    private final SourceClock clock;
    private final Process process;
    private final InputStream stdout;
    private final Thread stderrPump;
    private final Deque<String> lastStderr = new ArrayDeque<>();
    private final int rowBytes;
    private final int stride;
    private final byte[] padded;
    private volatile boolean closed;
    private volatile long frames;

    private GStreamerFrameSource(
            SourceConfig.GStreamer config, SourceClock clock, Process process) {
        this.config = config;
        this.clock = clock;
        this.process = process;
        this.stdout = process.getInputStream();
        this.rowBytes = 3 * config.width();
        this.stride = (rowBytes + 3) & ~3;
        this.padded = stride == rowBytes ? null : new byte[stride * config.height()];
        this.stderrPump = new Thread(this::pumpStderr, "gst-stderr-" + config.cameraId());
        stderrPump.setDaemon(true);
        stderrPump.start();
    }

    static GStreamerFrameSource open(SourceConfig.GStreamer config, SourceClock clock)
            throws FrameSourceException {
        List<String> command = new ArrayList<>(List.of(config.gstLaunch(), "-q"));
        command.addAll(splitLikeAShell(config.fullPipeline()));
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new FrameSourceException(
                    FrameSourceException.Code.OPEN_FAILED,
                    "camera '"
                            + config.cameraId()
                            + "': cannot start "
                            + config.gstLaunch()
                            + " (on Debian: apt-get install gstreamer1.0-tools"
                            + " gstreamer1.0-plugins-base): "
                            + e.getMessage(),
                    e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The child does not read stdin; a failure to close our end changes nothing.
        }
        Logger.info(
                "camera '{}': started {} (pid {}): {}",
                config.cameraId(),
                config.gstLaunch(),
                process.pid(),
                config.fullPipeline());
        return new GStreamerFrameSource(config, clock, process);
    }

    /**
     * Splits a pipeline into arguments as a shell would, without running one: whitespace separates,
     * single and double quotes group and are removed, a backslash outside single quotes escapes the
     * next character. gst-launch-1.0 parses each argument as one token, so {@code location="a
     * b.mp4"} arrives as {@code location=a b.mp4}, as from a shell.
     */
    static List<String> splitLikeAShell(String pipeline) {
        List<String> args = new ArrayList<>();
        StringBuilder arg = new StringBuilder();
        boolean inArg = false;
        char quote = 0;
        for (int i = 0; i < pipeline.length(); i++) {
            char c = pipeline.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    arg.append(c);
                }
            } else if (c == '\\' && i + 1 < pipeline.length()) {
                arg.append(pipeline.charAt(++i));
                inArg = true;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else {
                    arg.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) {
                    args.add(arg.toString());
                    arg.setLength(0);
                    inArg = false;
                }
            } else {
                arg.append(c);
                inArg = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException(
                    "gstreamer source pipeline: unbalanced " + quote + " in " + pipeline);
        }
        if (inArg) {
            args.add(arg.toString());
        }
        return args;
    }

    @Override
    public Frame next() throws FrameSourceException, InterruptedException {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
        int frameBytes = stride * config.height();
        byte[] rgb = new byte[rowBytes * config.height()];
        byte[] target = padded == null ? rgb : padded;
        int read;
        try {
            read = stdout.readNBytes(target, 0, frameBytes);
        } catch (IOException e) {
            if (closed) {
                throw closedException();
            }
            throw new FrameSourceException(
                    FrameSourceException.Code.PROCESS_FAILED,
                    "camera '" + config.cameraId() + "': reading from gst-launch failed: " + e,
                    e);
        }
        if (closed) {
            throw closedException();
        }
        if (read < frameBytes) {
            throw ended(read, frameBytes);
        }
        long captureTime = clock.epochNanos();
        if (padded != null) {
            for (int y = 0; y < config.height(); y++) {
                System.arraycopy(padded, y * stride, rgb, y * rowBytes, rowBytes);
            }
        }
        frames++;
        return new Frame(config.cameraId(), captureTime, config.width(), config.height(), rgb);
    }

    private FrameSourceException ended(int read, int frameBytes) throws InterruptedException {
        Integer exit = null;
        if (process.waitFor(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            exit = process.exitValue();
        }
        try {
            // The last stderr lines explain most failures; wait for the pump to log them.
            stderrPump.join(CLOSE_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closed) {
            return closedException();
        }
        if (read == 0 && exit != null && exit == 0) {
            Logger.info(
                    "camera '{}': GStreamer pipeline ended after {} frames",
                    config.cameraId(),
                    frames);
            return new FrameSourceException(
                    FrameSourceException.Code.STREAM_ENDED,
                    "camera '"
                            + config.cameraId()
                            + "': GStreamer pipeline ended after "
                            + frames
                            + " frames");
        }
        String what =
                read == 0
                        ? "stopped sending frames"
                        : "sent a short frame (" + read + " of " + frameBytes + " bytes)";
        return new FrameSourceException(
                FrameSourceException.Code.PROCESS_FAILED,
                "camera '"
                        + config.cameraId()
                        + "': "
                        + config.gstLaunch()
                        + " "
                        + what
                        + " after "
                        + frames
                        + " frames, "
                        + (exit == null ? "still running" : "exit code " + exit)
                        + "; stderr: "
                        + lastStderrLines());
    }

    private void pumpStderr() {
        try (BufferedReader err =
                new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Logger.warn("camera '{}': gst-launch: {}", config.cameraId(), line);
                synchronized (lastStderr) {
                    if (lastStderr.size() == STDERR_LINES_KEPT) {
                        lastStderr.removeFirst();
                    }
                    lastStderr.addLast(line);
                }
            }
        } catch (IOException e) {
            // The child is gone and its stderr with it.
        }
    }

    private String lastStderrLines() {
        synchronized (lastStderr) {
            return lastStderr.isEmpty() ? "(nothing)" : String.join(" | ", lastStderr);
        }
    }

    private FrameSourceException closedException() {
        return new FrameSourceException(
                FrameSourceException.Code.CLOSED, describe() + " was closed");
    }

    /** The child process, for tests that check it is gone after close. */
    ProcessHandle processHandle() {
        return process.toHandle();
    }

    @Override
    public String cameraId() {
        return config.cameraId();
    }

    @Override
    public String describe() {
        return "GStreamer pipeline "
                + config.width()
                + "x"
                + config.height()
                + " '"
                + config.pipeline()
                + "' (camera '"
                + config.cameraId()
                + "')";
    }

    /**
     * Terminates the child and waits for it to exit, at most about twice {@link #CLOSE_TIMEOUT_MS}.
     * A blocked {@link #next()} sees the end of the pipe and throws {@link
     * FrameSourceException.Code#CLOSED}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean interrupted = false;
        process.destroy();
        try {
            if (!process.waitFor(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                Logger.warn(
                        "camera '{}': gst-launch (pid {}) did not exit within {} ms; killing it",
                        config.cameraId(),
                        process.pid(),
                        CLOSE_TIMEOUT_MS);
                process.destroyForcibly();
                process.waitFor(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
        }
        try {
            stdout.close();
        } catch (IOException e) {
            // The child is gone; nothing more to release.
        }
        if (process.isAlive()) {
            Logger.error(
                    "camera '{}': gst-launch (pid {}) is still running after SIGKILL",
                    config.cameraId(),
                    process.pid());
        } else {
            Logger.info(
                    "camera '{}': stopped gst-launch (pid {}) after {} frames",
                    config.cameraId(),
                    process.pid(),
                    frames);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
