package io.editlab.host.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.data.ScalableCorpus;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorldsTest {

    /** A world that is as large as asked: one fact and one edit per subject. */
    private record Sized(int subjects) implements ScalableCorpus {
        @Override
        public int maxSubjects() {
            return 5_000;
        }

        @Override
        public KnowledgeCorpus withSubjects(int n) {
            return new Sized(n);
        }

        @Override
        public List<Completion> facts() {
            return List.of();
        }

        @Override
        public List<Completion> paraphrases() {
            return List.of();
        }

        @Override
        public List<EditRequest> edits() {
            return java.util.stream.IntStream.range(0, subjects)
                    .mapToObj(i -> new EditRequest("" + i, "p" + i, "t", null, null, List.of(), List.of(), List.of()))
                    .toList();
        }
    }

    private static final Sized CONFIGURED = new Sized(200);

    @Test
    void builtinIsTheConfiguredWorldAndBuiltinNTheWorldOfNSubjects() {
        assertSame(CONFIGURED, Worlds.of(CONFIGURED, "builtin"));
        assertEquals(3_400, Worlds.of(CONFIGURED, "builtin:3400").edits().size());
        assertEquals(3_400, Worlds.of(CONFIGURED, "builtin:3_400").edits().size());
        assertTrue(Worlds.names("builtin:12"));
        assertFalse(Worlds.names("builtins.json"));
        assertEquals("builtin", Worlds.modelId("builtin"));
        assertEquals("builtin-3400", Worlds.modelId("builtin:3400"));
    }

    @Test
    void badSizesAndFixedWorldsAreRefusedNamingTheSpec() {
        assertEquals(
                "builtin:many: N must be a whole number of subjects, as in builtin:3400",
                assertThrows(IllegalArgumentException.class, () -> Worlds.of(CONFIGURED, "builtin:many"))
                        .getMessage());
        assertEquals(
                "builtin:9000: N must be from 2 to 5000 subjects, not 9000",
                assertThrows(IllegalArgumentException.class, () -> Worlds.of(CONFIGURED, "builtin:9000"))
                        .getMessage());
        KnowledgeCorpus fixed = (KnowledgeCorpus) Proxy.newProxyInstance( // the same world, of a fixed size
                KnowledgeCorpus.class.getClassLoader(),
                new Class<?>[] {KnowledgeCorpus.class},
                (proxy, method, arguments) -> method.invoke(CONFIGURED, arguments));
        assertEquals(
                "builtin:300: the installed built-in world has a fixed size; use builtin",
                assertThrows(IllegalArgumentException.class, () -> Worlds.of(fixed, "builtin:300"))
                        .getMessage());
    }
}
