package dev.edgetwin.runtime.twin;

/**
 * What carries out the robot's {@code goal} and {@code stop} commands (the planner, later); the
 * publisher handles {@code rebirth} itself and answers every command on the response topic.
 *
 * <p>Threads: called on the MQTT client's callback thread, one command at a time; must be quick
 * (hand the command over, do not plan here) and must not throw (a throw is answered {@code
 * unavailable} and logged).
 */
@FunctionalInterface
public interface CommandListener {

    /** Whether the command was taken. */
    CommandVerdict onCommand(RobotCommand command);

    /**
     * The daemon's listener while nothing that moves the robot is wired to it: {@code goal} and
     * {@code stop} are answered {@code unavailable}, saying so, rather than accepted and ignored.
     */
    CommandListener UNWIRED =
            command ->
                    CommandVerdict.unavailable(
                            "no planner is wired to this daemon: "
                                    + command.name()
                                    + " cannot be carried out");
}
