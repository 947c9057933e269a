package io.editlab.api.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigOverridesTest {

    @Test
    void readsStringsAndNumbersWithFallbacks() throws Exception {
        ConfigOverrides config = new ConfigOverrides(
                "grace", Map.of("layer", "3", "lr", 0.5, "replace", "TRUE"), Set.of("layer", "lr", "replace", "steps"));
        assertEquals(3, config.integer("layer", 0));
        assertEquals(0.5, config.decimal("lr", 1));
        assertTrue(config.bool("replace", false));
        assertEquals(100, config.integer("steps", 100));
        assertEquals("x", config.text("steps", "x"));
    }

    @Test
    void namesUnknownKeysAndBadValues() throws Exception {
        EditException unknown = assertThrows(
                EditException.class, () -> new ConfigOverrides("ft-l", Map.of("lr", "1", "lrr", "2"), Set.of("lr")));
        assertEquals("ft-l: unknown configuration [lrr]; known: [lr]", unknown.getMessage());
        ConfigOverrides config =
                new ConfigOverrides("ft-l", Map.of("steps", "many", "on", "yes"), Set.of("steps", "on"));
        assertEquals(
                "ft-l: steps must be a whole number, not 'many'",
                assertThrows(EditException.class, () -> config.integer("steps", 1))
                        .getMessage());
        assertEquals(
                "ft-l: on must be true or false, not 'yes'",
                assertThrows(EditException.class, () -> config.bool("on", false))
                        .getMessage());
    }

    @Test
    void rangeChecksNameTheKeyAndTheRange() throws Exception {
        ConfigOverrides config = new ConfigOverrides(
                "elder", Map.of("lr", "-1", "steps", "0", "rank", "8"), Set.of("lr", "steps", "rank", "gamma"));
        assertEquals(
                "elder: lr must be a positive finite number, not '-1.0'",
                assertThrows(EditException.class, () -> config.positive("lr", 1e-4))
                        .getMessage());
        assertEquals(
                "elder: steps must be at least 1, not '0'",
                assertThrows(EditException.class, () -> config.atLeast("steps", 50, 1))
                        .getMessage());
        assertEquals(8, config.atLeast("rank", 4, 1));
        assertEquals(0.5, config.positive("gamma", 0.5));
    }
}
