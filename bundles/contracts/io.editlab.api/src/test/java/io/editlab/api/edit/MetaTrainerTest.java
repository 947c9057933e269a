package io.editlab.api.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetaTrainerTest {

    /** A trainer that only implements the original method: it returns its output folder. */
    private static final MetaTrainer PLAIN = (model, training, validation, output, progress) -> output;

    @Test
    void withoutOverridesTheDefaultDelegatesToTheOriginalMethod() throws EditException {
        Path out = Path.of("out");
        assertEquals(out, PLAIN.train(null, List.of(), List.of(), out, Map.of(), (s, d, t) -> {}));
    }

    @Test
    void overridesAreRefusedByATrainerThatTakesNone() {
        EditException e = assertThrows(
                EditException.class,
                () -> PLAIN.train(null, List.of(), List.of(), Path.of("out"), Map.of("rank", 8), (s, d, t) -> {}));
        assertTrue(e.getMessage().contains("[rank]"), e.getMessage());
    }
}
