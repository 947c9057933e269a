package io.editlab.host.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void readsKnownKeysWithDefaults() {
        Args args = Args.parse(List.of("--out", "m", "--epochs", "7"), Set.of("out", "epochs", "lr"));
        assertEquals("m", args.require("out"));
        assertEquals(7, args.integer("epochs", 1));
        assertEquals(0.5f, args.decimal("lr", 0.5f));
    }

    @Test
    void namesWhatIsWrong() {
        Set<String> keys = Set.of("out", "epochs");
        assertEquals(
                "unexpected argument '--oops'",
                assertThrows(Args.UsageException.class, () -> Args.parse(List.of("--oops", "1"), keys))
                        .getMessage());
        assertEquals(
                "--out needs a value",
                assertThrows(Args.UsageException.class, () -> Args.parse(List.of("--out"), keys))
                        .getMessage());
        assertEquals(
                "--out given twice",
                assertThrows(Args.UsageException.class, () -> Args.parse(List.of("--out", "a", "--out", "b"), keys))
                        .getMessage());
        Args args = Args.parse(List.of("--epochs", "many"), keys);
        assertEquals(
                "--epochs must be a whole number, not 'many'",
                assertThrows(Args.UsageException.class, () -> args.integer("epochs", 1))
                        .getMessage());
        assertEquals(
                "--out is required",
                assertThrows(Args.UsageException.class, () -> args.require("out"))
                        .getMessage());
    }
}
