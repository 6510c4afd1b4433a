package dev.edgetwin.runtime.twin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a command from the robot's command topic and checks it against the rules of {@code
 * docs/schemas/command-1.schema.json} (the tests hold the two to the same verdicts): a JSON object
 * of at most {@link #MAX_BYTES} bytes with {@code id}, {@code command} ({@code goal}, {@code stop},
 * {@code rebirth}), {@code goal} ({@code x}, {@code y}, optional {@code yaw}) for a goal only, and
 * optionally {@code schema}; nothing else. Anything else is refused with an {@link
 * InvalidCommandException} that names what was wrong, never a crash.
 *
 * <p>Pure and thread-safe.
 */
public final class CommandParser {
    /** The command payload's schema name ({@code schema}, optional in commands). */
    public static final String SCHEMA = "edgetwin/command/1";

    /** Largest payload read, bytes. */
    public static final int MAX_BYTES = 4096;

    /** The commands, in the order messages list them. */
    public static final List<String> NAMES = List.of("goal", "stop", "rebirth");

    private static final Set<String> FIELDS = Set.of("schema", "id", "command", "goal");
    private static final Set<String> GOAL_FIELDS = Set.of("x", "y", "yaw");
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CommandParser() {}

    /** A payload that is not a valid command, with what could be read of it for the response. */
    public static final class InvalidCommandException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String id;
        private final String command;

        InvalidCommandException(String id, String command, String message) {
            super(message);
            this.id = id;
            this.command = command;
        }

        /** The sender's id if it was readable and valid, else null. */
        public String id() {
            return id;
        }

        /** The command's name if it was one of {@link #NAMES}, else null. */
        public String command() {
            return command;
        }
    }

    /** Parses and validates one command payload. */
    public static RobotCommand parse(byte[] payload) throws InvalidCommandException {
        if (payload == null || payload.length == 0) {
            throw new InvalidCommandException(null, null, "empty payload: expected a JSON object");
        }
        if (payload.length > MAX_BYTES) {
            throw new InvalidCommandException(
                    null,
                    null,
                    "a command is at most " + MAX_BYTES + " bytes, got " + payload.length);
        }
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(payload))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidCommandException(null, null, "not UTF-8 text: expected a JSON object");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidCommandException(
                    null, null, "not JSON: " + clip(e.getOriginalMessage(), 160));
        } catch (IOException e) {
            throw new InvalidCommandException(null, null, "not JSON: " + clip(e.getMessage(), 160));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidCommandException(
                    null,
                    null,
                    "expected a JSON object, got "
                            + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()));
        }
        JsonNode idNode = root.get("id");
        String id =
                idNode != null
                                && idNode.isTextual()
                                && RobotCommand.ID.matcher(idNode.asText()).matches()
                        ? idNode.asText()
                        : null;
        JsonNode commandNode = root.get("command");
        String command =
                commandNode != null
                                && commandNode.isTextual()
                                && NAMES.contains(commandNode.asText())
                        ? commandNode.asText()
                        : null;

        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new InvalidCommandException(
                        id,
                        command,
                        "unknown field '"
                                + clip(f, 64)
                                + "'; a command has only schema, id, command and goal");
            }
        }
        JsonNode schema = root.get("schema");
        if (schema != null && !(schema.isTextual() && schema.asText().equals(SCHEMA))) {
            throw new InvalidCommandException(
                    id,
                    command,
                    "'schema' must be '" + SCHEMA + "' if given, got " + quote(schema));
        }
        if (idNode == null) {
            throw new InvalidCommandException(
                    null,
                    command,
                    "missing 'id': 1-64 letters, digits, '_', '.', ':' or '-', echoed in the"
                            + " response");
        }
        if (id == null) {
            throw new InvalidCommandException(
                    null,
                    command,
                    "'id' must be 1-64 letters, digits, '_', '.', ':' or '-', got "
                            + quote(idNode));
        }
        if (commandNode == null) {
            throw new InvalidCommandException(
                    id, null, "missing 'command': one of " + String.join(", ", NAMES));
        }
        if (command == null) {
            throw new InvalidCommandException(
                    id,
                    null,
                    "unknown command "
                            + quote(commandNode)
                            + "; known: "
                            + String.join(", ", NAMES));
        }
        JsonNode goal = root.get("goal");
        if (!command.equals("goal")) {
            if (goal != null) {
                throw new InvalidCommandException(
                        id, command, "'goal' is only for the goal command, not " + command);
            }
            return command.equals("stop")
                    ? new RobotCommand.Stop(id)
                    : new RobotCommand.Rebirth(id);
        }
        if (goal == null) {
            throw new InvalidCommandException(
                    id,
                    command,
                    "missing 'goal': {\"x\": metres, \"y\": metres, \"yaw\": radians}");
        }
        if (!goal.isObject()) {
            throw new InvalidCommandException(
                    id, command, "'goal' must be an object with x, y and yaw, got " + quote(goal));
        }
        for (Iterator<String> it = goal.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!GOAL_FIELDS.contains(f)) {
                throw new InvalidCommandException(
                        id,
                        command,
                        "unknown field 'goal." + clip(f, 64) + "'; a goal has only x, y and yaw");
            }
        }
        double x = number(goal, "x", true, id, command);
        double y = number(goal, "y", true, id, command);
        double yaw = number(goal, "yaw", false, id, command);
        try {
            return new RobotCommand.Goal(id, x, y, yaw);
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException(id, command, e.getMessage());
        }
    }

    private static double number(
            JsonNode goal, String field, boolean required, String id, String command)
            throws InvalidCommandException {
        JsonNode n = goal.get(field);
        if (n == null) {
            if (required) {
                throw new InvalidCommandException(
                        id, command, "missing 'goal." + field + "': a number");
            }
            return Double.NaN;
        }
        if (!n.isNumber()) {
            throw new InvalidCommandException(
                    id, command, "'goal." + field + "' must be a number, got " + quote(n));
        }
        return n.asDouble();
    }

    private static String quote(JsonNode n) {
        return clip(n.toString(), 64);
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
