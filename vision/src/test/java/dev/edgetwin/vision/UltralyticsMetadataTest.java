package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UltralyticsMetadataTest {

    @Test
    void parsesTheDictUltralyticsWrites() {
        assertEquals(
                List.of("person", "bicycle", "traffic light", "it's"),
                UltralyticsMetadata.parseNames(
                        "{0: 'person', 1: 'bicycle', 2: 'traffic light', 3: \"it's\"}"));
    }

    @Test
    void rejectsGapsDuplicatesAndNonsenseByName() {
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> UltralyticsMetadata.parseNames("{0: 'a', 2: 'b'}"))
                        .getMessage()
                        .contains("missing 1"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> UltralyticsMetadata.parseNames("{0: 'a', 0: 'b'}"))
                        .getMessage()
                        .contains("appears twice"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> UltralyticsMetadata.parseNames("['a', 'b']"))
                        .getMessage()
                        .contains("dict literal"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> UltralyticsMetadata.parseNames("{0: a}"))
                        .getMessage()
                        .contains("not quoted"));
    }
}
