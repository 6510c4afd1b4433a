package dev.edgetwin.runtime.twin;

import java.util.regex.Pattern;

/**
 * The MQTT topics one robot publishes under {@code edgetwin/<site>/<robot>/}.
 *
 * @param site the factory site, one topic level
 * @param robotId the robot, one topic level
 */
public record TwinTopics(String site, String robotId) {
    public static final String ROOT = "edgetwin";
    private static final Pattern LEVEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public TwinTopics {
        requireLevel("site", site);
        requireLevel("robot id", robotId);
    }

    /** Retained: the robot's latest state. */
    public String state() {
        return ROOT + "/" + site + "/" + robotId + "/twin/state";
    }

    /** Not retained: events, each delivered at least once. */
    public String event() {
        return ROOT + "/" + site + "/" + robotId + "/twin/event";
    }

    /**
     * Not retained: the model lifecycle (installed, activated, probation, rolled back, refused),
     * each delivered at least once.
     */
    public String modelEvent() {
        return ROOT + "/" + site + "/" + robotId + "/model/event";
    }

    /**
     * Model commands to the robot (install, bundle-chunk, activate, rollback); it subscribes. Apart
     * from {@link #command()} so that a broker's ACLs can tell who may deploy models from who may
     * drive, and so that the driving commands keep their small size bound.
     */
    public String modelCommand() {
        return ROOT + "/" + site + "/" + robotId + "/model/command";
    }

    /** Not retained: the robot's answer to each model command, valid or not. */
    public String modelCommandResponse() {
        return ROOT + "/" + site + "/" + robotId + "/model/command/response";
    }

    /** Retained: online, or offline (also the Last Will). */
    public String status() {
        return ROOT + "/" + site + "/" + robotId + "/status";
    }

    /** Commands to the robot ({@code goal}, {@code stop}, {@code rebirth}); it subscribes. */
    public String command() {
        return ROOT + "/" + site + "/" + robotId + "/command";
    }

    /** Not retained: the robot's answer to each command, valid or not. */
    public String commandResponse() {
        return ROOT + "/" + site + "/" + robotId + "/command/response";
    }

    private static void requireLevel(String what, String value) {
        if (value == null || !LEVEL.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    what
                            + " must be 1-64 letters, digits, '_', '.' or '-' (no '/', '+', '#'),"
                            + " starting with a letter or digit; got '"
                            + value
                            + "'");
        }
    }
}
