package dev.edgetwin.runtime.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The published JSON Schemas of the twin's payloads (docs/schemas), for tests: every payload the
 * runtime publishes is checked against the schema of its topic.
 */
public enum TwinSchemas {
    STATE("twin-state-3.schema.json"),
    STATUS("status-1.schema.json"),
    EVENT("twin-event-2.schema.json"),
    COMMAND("command-1.schema.json"),
    COMMAND_RESPONSE("command-response-1.schema.json"),
    MODEL_EVENT("model-event-1.schema.json"),
    MODEL_COMMAND("model-command-1.schema.json"),
    MODEL_COMMAND_RESPONSE("model-command-response-1.schema.json");

    /** Where the schemas live, from the runtime module's directory (Maven runs tests there). */
    static final Path DIRECTORY = Path.of("../docs/schemas");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private volatile Schema schema;

    TwinSchemas(String file) {
        this.file = file;
    }

    private Schema schema() {
        Schema s = schema;
        if (s == null) {
            try {
                String text = Files.readString(DIRECTORY.resolve(file));
                s =
                        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                                .getSchema(text, InputFormat.JSON);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema " + file, e);
            }
            schema = s;
        }
        return s;
    }

    /** The violations of {@code payload}, one line each; empty when it conforms. */
    public List<String> violations(JsonNode payload) {
        return schema().validate(payload).stream()
                .map(Error::toString)
                .collect(Collectors.toList());
    }

    /** As {@link #violations(JsonNode)}, for a payload received as text. */
    public List<String> violations(String payload) {
        return violations(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** As {@link #violations(JsonNode)}, for raw bytes as sent on the wire. */
    public List<String> violations(byte[] payload) {
        try {
            return violations(JSON.readTree(payload));
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }
}
