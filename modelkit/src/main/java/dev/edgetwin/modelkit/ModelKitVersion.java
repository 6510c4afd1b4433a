package dev.edgetwin.modelkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project version this module was built as, stamped into model provenance. */
public final class ModelKitVersion {
    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = load();

    private ModelKitVersion() {}

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = ModelKitVersion.class.getResourceAsStream("modelkit.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "modelkit.properties is missing from the classpath: build with Maven");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read modelkit.properties", e);
        }
        String v = p.getProperty("version", "");
        // An unfiltered resource would silently stamp "${project.version}" into every model.
        if (v.isEmpty() || v.contains("${")) {
            throw new IllegalStateException(
                    "modelkit.properties holds no project version (got '" + v + "')");
        }
        return v;
    }
}
