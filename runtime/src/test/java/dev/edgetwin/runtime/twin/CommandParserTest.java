package dev.edgetwin.runtime.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Commands from the wire: the parser and docs/schemas/command-1.schema.json give the same verdict
 * on every payload here, and each refusal names what was wrong.
 */
class CommandParserTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static RobotCommand valid(String json) throws Exception {
        assertEquals(List.of(), TwinSchemas.COMMAND.violations(json), json);
        return CommandParser.parse(utf8(json));
    }

    @Test
    void validCommandsParseAndValidate() throws Exception {
        RobotCommand.Goal goal =
                assertInstanceOf(
                        RobotCommand.Goal.class,
                        valid(
                                "{\"schema\":\"edgetwin/command/1\",\"id\":\"op-1\",\"command\":\"goal\","
                                        + "\"goal\":{\"x\":12.5,\"y\":-3,\"yaw\":1.5707963}}"));
        assertEquals("op-1", goal.id());
        assertEquals(12.5, goal.x());
        assertEquals(-3.0, goal.y());
        assertEquals(1.5707963, goal.yaw());
        assertTrue(goal.hasYaw());

        RobotCommand.Goal anyHeading =
                assertInstanceOf(
                        RobotCommand.Goal.class,
                        valid(
                                "{\"id\":\"a:b.c_d-2\",\"command\":\"goal\",\"goal\":{\"x\":0,\"y\":0}}"));
        assertFalse(anyHeading.hasYaw());

        assertEquals(new RobotCommand.Stop("s1"), valid("{\"id\":\"s1\",\"command\":\"stop\"}"));
        assertEquals(
                new RobotCommand.Rebirth("r1"),
                valid("{\"command\":\"rebirth\",\"id\":\"r1\",\"schema\":\"edgetwin/command/1\"}"));
    }

    /** A payload the schema and the parser both refuse, and what the refusal must say. */
    private record Bad(String json, String says, String id, String command) {}

    @Test
    void invalidCommandsAreRefusedByBothNamingWhatWasWrong() {
        List<Bad> cases =
                List.of(
                        new Bad("[1,2]", "expected a JSON object, got array", null, null),
                        new Bad("\"stop\"", "expected a JSON object, got string", null, null),
                        new Bad("{\"command\":\"stop\"}", "missing 'id'", null, "stop"),
                        new Bad("{\"id\":7,\"command\":\"stop\"}", "'id' must be", null, "stop"),
                        new Bad(
                                "{\"id\":\"has space\",\"command\":\"stop\"}",
                                "'id' must be",
                                null,
                                "stop"),
                        new Bad(
                                "{\"id\":\"" + "x".repeat(65) + "\",\"command\":\"stop\"}",
                                "'id' must be",
                                null,
                                "stop"),
                        new Bad("{\"id\":\"c1\"}", "missing 'command'", "c1", null),
                        new Bad(
                                "{\"id\":\"c1\",\"command\":\"dance\"}",
                                "unknown command \"dance\"; known: goal, stop, rebirth",
                                "c1",
                                null),
                        new Bad(
                                "{\"id\":\"c1\",\"command\":\"STOP\"}",
                                "unknown command",
                                "c1",
                                null),
                        new Bad(
                                "{\"id\":\"c1\",\"command\":\"stop\",\"speed\":3}",
                                "unknown field 'speed'",
                                "c1",
                                "stop"),
                        new Bad(
                                "{\"id\":\"c1\",\"command\":\"stop\",\"schema\":\"edgetwin/command/2\"}",
                                "'schema' must be 'edgetwin/command/1'",
                                "c1",
                                "stop"),
                        new Bad(
                                "{\"id\":\"c1\",\"command\":\"stop\",\"goal\":{\"x\":1,\"y\":2}}",
                                "'goal' is only for the goal command",
                                "c1",
                                "stop"),
                        new Bad(
                                "{\"id\":\"g\",\"command\":\"goal\"}",
                                "missing 'goal'",
                                "g",
                                "goal"),
                        new Bad(
                                "{\"id\":\"g\",\"command\":\"goal\",\"goal\":[1,2]}",
                                "'goal' must be an object",
                                "g",
                                "goal"),
                        new Bad(
                                "{\"id\":\"g\",\"command\":\"goal\",\"goal\":{\"x\":1}}",
                                "missing 'goal.y'",
                                "g",
                                "goal"),
                        new Bad(
                                "{\"id\":\"g\",\"command\":\"goal\",\"goal\":{\"x\":\"1\",\"y\":2}}",
                                "'goal.x' must be a number",
                                "g",
                                "goal"),
                        new Bad(
                                "{\"id\":\"g\",\"command\":\"goal\",\"goal\":{\"x\":1,\"y\":2,\"z\":0}}",
                                "unknown field 'goal.z'",
                                "g",
                                "goal"),
                        new Bad(
                                "{\"id\":\"g\",\"command\":\"goal\",\"goal\":{\"x\":10000.5,\"y\":2}}",
                                "goal x and y must be finite metres within",
                                "g",
                                "goal"),
                        new Bad(
                                "{\"id\":\"g\",\"command\":\"goal\",\"goal\":{\"x\":1,\"y\":2,\"yaw\":3.2}}",
                                "goal yaw must be radians in [-pi, pi], got 3.2",
                                "g",
                                "goal"),
                        new Bad(
                                "{\"id\":\"g\",\"command\":\"goal\",\"goal\":{\"x\":1,\"y\":2,\"yaw\":null}}",
                                "'goal.yaw' must be a number, got null",
                                "g",
                                "goal"));
        for (Bad c : cases) {
            assertFalse(TwinSchemas.COMMAND.violations(c.json()).isEmpty(), "schema: " + c.json());
            CommandParser.InvalidCommandException e =
                    assertThrows(
                            CommandParser.InvalidCommandException.class,
                            () -> CommandParser.parse(utf8(c.json())),
                            c.json());
            assertTrue(
                    e.getMessage().contains(c.says()),
                    c.json() + " -> '" + e.getMessage() + "', expected to say '" + c.says() + "'");
            assertEquals(c.id(), e.id(), "id of " + c.json());
            assertEquals(c.command(), e.command(), "command of " + c.json());
        }
    }

    @Test
    void bytesThatAreNotAJsonObjectAreRefusedNotThrown() {
        byte[][] payloads = {
            {},
            utf8("{\"id\":\"c1\",\"command\":\"stop\""),
            utf8("{\"id\":\"c1\",\"command\":\"stop\"} trailing"),
            utf8("{\"id\":\"c1\",\"id\":\"c2\",\"command\":\"stop\"}"),
            {(byte) 0xff, (byte) 0xfe, '{', '}'},
            utf8("{\"id\":\"c1\",\"command\":\"stop\"}" + " ".repeat(CommandParser.MAX_BYTES)),
        };
        String[] says = {
            "empty payload",
            "not JSON",
            "not JSON",
            "not JSON: Duplicate field 'id'",
            "not UTF-8",
            "at most 4096 bytes, got 4124"
        };
        for (int i = 0; i < payloads.length; i++) {
            int k = i;
            CommandParser.InvalidCommandException e =
                    assertThrows(
                            CommandParser.InvalidCommandException.class,
                            () -> CommandParser.parse(payloads[k]));
            assertTrue(e.getMessage().contains(says[i]), e.getMessage());
            assertNull(e.id());
        }
    }

    @Test
    void responsesOfEveryKindValidate() {
        MessageStamp stamp = new MessageStamp(3, 41, 40);
        List<byte[]> responses =
                List.of(
                        TwinJson.encodeCommandResponse(
                                "demo",
                                "r-1",
                                "op-1",
                                "goal",
                                CommandVerdict.accepted(),
                                0L,
                                stamp),
                        TwinJson.encodeCommandResponse(
                                "demo",
                                "r-1",
                                null,
                                null,
                                CommandVerdict.rejected("not JSON: x"),
                                1_795_000_000_000L,
                                stamp),
                        TwinJson.encodeCommandResponse(
                                "demo",
                                "r-1",
                                "s",
                                "stop",
                                CommandVerdict.unavailable("no planner"),
                                1L,
                                stamp));
        for (byte[] r : responses) {
            assertEquals(List.of(), TwinSchemas.COMMAND_RESPONSE.violations(r), new String(r));
        }
        // An accepted response with an error, or a refusal without one, breaks the contract.
        assertFalse(
                TwinSchemas.COMMAND_RESPONSE
                        .violations(
                                new String(responses.get(0), StandardCharsets.UTF_8)
                                        .replace(
                                                "\"status\":\"accepted\"",
                                                "\"status\":\"rejected\""))
                        .isEmpty());
        assertThrows(
                IllegalArgumentException.class,
                () -> new CommandVerdict(CommandVerdict.Status.ACCEPTED, "x"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new CommandVerdict(CommandVerdict.Status.REJECTED, null));
    }
}
