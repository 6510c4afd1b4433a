package dev.edgetwin.runtime.cli;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tinylog.provider.ProviderRegistry;

/**
 * Points TinyLog's rolling file at the state directory before the first log line: {@code
 * $EDGETWIN_LOG_DIR}, else {@code $XDG_STATE_HOME/edgetwin/logs}, else {@code
 * ~/.local/state/edgetwin/logs}. The writers themselves are in tinylog.properties.
 */
final class LogSetup {
    static final String LOG_DIR_PROPERTY = "edgetwin.logDir";
    private static final AtomicBoolean SHUT_DOWN = new AtomicBoolean();

    private LogSetup() {}

    static void configure() {
        if (System.getProperty(LOG_DIR_PROPERTY) == null) {
            System.setProperty(LOG_DIR_PROPERTY, logDirectory().toString());
        }
    }

    static Path logDirectory() {
        return UserDirectories.resolve(
                "EDGETWIN_LOG_DIR", "XDG_STATE_HOME", ".local/state", "logs");
    }

    /** Flushes and closes the log writers (auto-shutdown is off so late shutdown logs survive). */
    static void shutdown() {
        if (!SHUT_DOWN.compareAndSet(false, true)) {
            return;
        }
        try {
            ProviderRegistry.getLoggingProvider().shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
