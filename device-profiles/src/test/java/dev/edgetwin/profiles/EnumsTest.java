package dev.edgetwin.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnumsTest {

    @Test
    void idsAreTheDocumentedNames() {
        assertEquals(
                List.of("tensorrt", "cuda", "cpu"),
                List.of(ExecutionProvider.values()).stream().map(ExecutionProvider::id).toList());
        assertEquals(
                List.of("int8", "fp16", "fp32"),
                List.of(Precision.values()).stream().map(Precision::id).toList());
        assertEquals(
                List.of("detector", "trajectory_scorer"),
                List.of(ModelRole.values()).stream().map(ModelRole::id).toList());
    }

    @Test
    void parseTakesTheIdInAnyCaseWithBlanksAround() {
        for (ExecutionProvider p : ExecutionProvider.values()) {
            assertEquals(p, ExecutionProvider.parse(p.id()));
            assertEquals(p, ExecutionProvider.parse(" " + p.id().toUpperCase() + " "));
        }
        for (Precision p : Precision.values()) {
            assertEquals(p, Precision.parse(p.id()));
            assertEquals(p, Precision.parse(p.id().toUpperCase()));
        }
        for (ModelRole r : ModelRole.values()) {
            assertEquals(r, ModelRole.parse(r.id()));
        }
        assertEquals(ExecutionProvider.TENSORRT, ExecutionProvider.parse("TensorRT"));
    }

    @Test
    void parseNamesTheBadValueAndTheAcceptedOnes() {
        assertEquals(
                "'int4' is not one of int8, fp16, fp32",
                assertThrows(IllegalArgumentException.class, () -> Precision.parse("int4"))
                        .getMessage());
        assertEquals(
                "'opencl' is not one of tensorrt, cuda, cpu",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ExecutionProvider.parse("opencl"))
                        .getMessage());
        assertEquals(
                "'planner' is not one of detector, trajectory_scorer",
                assertThrows(IllegalArgumentException.class, () -> ModelRole.parse("planner"))
                        .getMessage());
        assertEquals(
                "'null' is not one of int8, fp16, fp32",
                assertThrows(IllegalArgumentException.class, () -> Precision.parse(null))
                        .getMessage());
    }
}
