package io.editlab.api.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EditorStateTest {

    @Test
    void tensorsAndMetadataAreCheckedNamingTheMethod() throws EditException {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            EditorState state = new EditorState(Map.of("w", manager.zeros(new Shape(2, 3))), Map.of("format", "2"));
            assertEquals(
                    new Shape(2, 3), state.tensor("m", "w", new Shape(2, 3)).getShape());
            assertEquals(new Shape(2, 3), state.tensor("m", "w", null).getShape());
            state.expect("m", "format", "2");
            assertEquals(
                    "m: the state to restore has no tensor 'v'",
                    assertThrows(EditException.class, () -> state.tensor("m", "v", null))
                            .getMessage());
            assertEquals(
                    "m: the state to restore has w of shape (2, 3); expected (3, 2)",
                    assertThrows(EditException.class, () -> state.tensor("m", "w", new Shape(3, 2)))
                            .getMessage());
            assertEquals(
                    "m: the state to restore has format '2'; this editor needs '3'",
                    assertThrows(EditException.class, () -> state.expect("m", "format", "3"))
                            .getMessage());
            assertEquals(
                    "m: the state to restore has rank 'null'; this editor needs '8'",
                    assertThrows(EditException.class, () -> state.expect("m", "rank", "8"))
                            .getMessage());
        }
    }
}
