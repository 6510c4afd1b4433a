package dev.edgetwin.runtime.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import org.tinylog.Logger;

/**
 * A model loaded and warmed up on its execution provider: the one owner of its ONNX Runtime
 * session. {@link #close()} may be called twice; {@link #session()} after close throws {@link
 * IllegalStateException}.
 */
public final class LoadedModel implements AutoCloseable {
    private final Path path;
    private final OrtSession session;
    private final ExecutionReport report;
    private volatile boolean closed;

    LoadedModel(Path path, OrtSession session, ExecutionReport report) {
        this.path = path;
        this.session = session;
        this.report = report;
    }

    public OrtSession session() {
        if (closed) {
            throw new IllegalStateException("model " + path.getFileName() + " is closed");
        }
        return session;
    }

    public Path path() {
        return path;
    }

    public ExecutionReport report() {
        return report;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            Logger.warn(e, "Closing the session of {} failed", path.getFileName());
        }
    }

    @Override
    public String toString() {
        return "LoadedModel[" + path.getFileName() + " on " + report.used().id() + "]";
    }
}
