package dev.edgetwin.profiles;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as mappings, lists and scalars that keep their text as written and their line.
 * Jackson's own tree turns {@code yes}, {@code no}, {@code on} and {@code off} into booleans (YAML
 * 1.1), so {@code description: no} would read as "false" and {@code spinning: yes} would pass as
 * true; here every scalar is the written text and each field decides what it accepts.
 */
final class YamlTree {
    private YamlTree() {}

    sealed interface Node permits Scalar, Mapping, Sequence {
        int line();
    }

    /** {@code text} is null for YAML null ({@code ~}, {@code null} or nothing). */
    record Scalar(String text, int line) implements Node {}

    record Mapping(Map<String, Node> entries, int line) implements Node {}

    record Sequence(List<Node> items, int line) implements Node {}

    /** A document that is not YAML, with the line and column where reading stopped. */
    static final class YamlException extends Exception {
        YamlException(String message) {
            super(message);
        }
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    /** The document's root, or null for an empty document. */
    static Node parse(String yaml) throws YamlException {
        try (JsonParser p = FACTORY.createParser(yaml)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            Node root = read(p);
            if (p.nextToken() != null) {
                throw new YamlException(
                        "line " + line(p) + ": more than one YAML document; a profile is one");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new YamlException(describe(e));
        } catch (IOException e) {
            // Reading from a String does no I/O; this is the parser's checked signature.
            throw new YamlException(e.toString());
        }
    }

    private static Node read(JsonParser p) throws IOException, YamlException {
        int line = line(p);
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> entries = new LinkedHashMap<>();
            Map<String, Integer> lines = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = line(p);
                p.nextToken();
                Node value = read(p);
                Integer first = lines.putIfAbsent(key, keyLine);
                if (first != null) {
                    // The second value would silently win: almost always a copy-paste slip.
                    throw new YamlException(
                            "line "
                                    + keyLine
                                    + ": '"
                                    + key
                                    + "' is given twice (first on line "
                                    + first
                                    + ")");
                }
                entries.put(key, value);
            }
            return new Mapping(Collections.unmodifiableMap(entries), line);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                items.add(read(p));
            }
            return new Sequence(List.copyOf(items), line);
        }
        if (t == JsonToken.VALUE_NULL) {
            return new Scalar(null, line);
        }
        return new Scalar(p.getText(), line);
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    /** SnakeYAML's multi-line message (context, source excerpt, caret) on one line. */
    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where =
                at == null || at.getLineNr() < 1
                        ? ""
                        : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        List<String> parts = new ArrayList<>();
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        for (String line : original.split("\n")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.trim());
            }
        }
        return where + (parts.isEmpty() ? "not YAML" : String.join(": ", parts));
    }
}
