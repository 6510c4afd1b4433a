package dev.edgetwin.runtime.twin;

import java.util.Arrays;
import java.util.Locale;

/** How the daemon encodes the twin on the wire (docs/twin-protocol.md). */
public enum TwinCodec {
    /** JSON on {@code edgetwin/<site>/<robot>/...}, through the durable outbox; with events. */
    JSON,
    /** Sparkplug B (Eclipse Tahu) on {@code spBv1.0/<site>/...}; events are not published. */
    SPARKPLUG;

    /** The name used in options and config files: {@code json}, {@code sparkplug}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The codec named {@code id} (case-insensitive). */
    public static TwinCodec fromId(String id) {
        for (TwinCodec c : values()) {
            if (c.id().equalsIgnoreCase(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "twin codec must be one of "
                        + Arrays.stream(values()).map(TwinCodec::id).toList()
                        + ", got '"
                        + id
                        + "'");
    }
}
