package dev.edgetwin.runtime;

/** The daemon could not start. */
public final class DaemonException extends Exception {

    /** Which part failed, so the CLI can say what to do about it. */
    public enum Code {
        /** The embedded broker's port is taken. */
        BROKER_PORT_IN_USE,
        /** The embedded broker failed to start for another reason. */
        BROKER_FAILED,
        /** The model could not be generated, found or loaded. */
        MODEL_FAILED,
        /** The MQTT client could not be created (bad URI). */
        MQTT_FAILED
    }

    private final Code code;

    public DaemonException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
