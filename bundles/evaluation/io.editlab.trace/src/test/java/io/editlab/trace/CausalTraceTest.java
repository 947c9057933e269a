package io.editlab.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.editlab.api.edit.EditRequest;
import io.editlab.runtime.testing.TinyModel;
import io.editlab.trace.CausalTrace.Component;
import io.editlab.trace.CausalTrace.Group;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Causal tracing of a real tiny model: the identities a trace must satisfy, and its report. */
class CausalTraceTest {

    @TempDir
    static Path dir;

    static TinyModel tiny;

    @BeforeAll
    static void pretrain() throws Exception {
        tiny = TinyModel.pretrain(dir.resolve("model"), 2);
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    /** "Ana lives in" -> her city, with the subject named. */
    private static List<EditRequest> facts() {
        List<EditRequest> facts = new ArrayList<>();
        for (int i = 0; i < TinyModel.PEOPLE.length; i++) {
            facts.add(new EditRequest(
                    "p" + i,
                    TinyModel.PEOPLE[i] + " lives in",
                    TinyModel.otherCity(i),
                    TinyModel.PEOPLE[i],
                    TinyModel.city(i),
                    List.of(),
                    List.of(),
                    List.of()));
        }
        return facts;
    }

    private static TraceResult trace(double noise) {
        return new CausalTrace(tiny.model, new CausalTrace.Settings(8, 2, noise, 1)).run(facts(), (s, d, t) -> {});
    }

    @Test
    void restoringTheLastBlockAtTheLastTokenGivesTheCleanProbability() {
        TraceResult result = trace(3);
        assertEquals(8, result.facts());
        assertTrue(result.corrupted() < result.clean(), result.table());
        int last = tiny.model.layers() - 1;
        assertEquals(result.clean(), result.mean(Component.HIDDEN, last, Group.LAST), 1e-4, result.table());
    }

    @Test
    void withoutNoiseEveryRestorationIsTheCleanRun() {
        TraceResult result = trace(0);
        assertEquals(result.clean(), result.corrupted(), 1e-5);
        for (Component component : Component.values()) {
            for (int layer = 0; layer < tiny.model.layers(); layer++) {
                for (Group group : List.of(Group.SUBJECT_FIRST, Group.SUBJECT_LAST, Group.LAST)) {
                    assertEquals(
                            result.clean(),
                            result.mean(component, layer, group),
                            1e-5,
                            component + " " + layer + " " + group);
                }
            }
        }
    }

    @Test
    void theReportHoldsEveryComponentLayerAndGroup() throws Exception {
        TraceResult result = trace(3);
        result.write(dir.resolve("out"));
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("out/trace.json")))
                .getAsJsonObject();
        assertEquals(result.clean(), json.get("clean").getAsDouble(), 1e-12);
        for (Component component : Component.values()) {
            var layers = json.getAsJsonObject("components").getAsJsonArray(component.key);
            assertEquals(tiny.model.layers(), layers.size());
            assertTrue(layers.get(0).getAsJsonObject().has("subject_last"));
            assertTrue(
                    layers.get(0).getAsJsonObject().get("after_subject").isJsonPrimitive(), "'lives' is after 'Ana'");
        }
        String html = Files.readString(dir.resolve("out/trace.html"));
        assertTrue(html.contains("<h2>mlp</h2>") && html.contains("subject_last"), html);
        assertTrue(result.table().contains("clean p(true)"), result.table());
    }

    @Test
    void recordsWithoutTheirSubjectInThePromptAreSkipped() {
        List<EditRequest> facts = new ArrayList<>(facts());
        facts.add(0, new EditRequest("x", "Nobody lives in", "Oslo", "Zed", "Rome", List.of(), List.of(), List.of()));
        facts.add(0, EditRequest.of("y", "Ana lives in", "Oslo"));
        TraceResult result =
                new CausalTrace(tiny.model, new CausalTrace.Settings(3, 1, 3, 1)).run(facts, (s, d, t) -> {});
        assertEquals(3, result.facts());
        assertEquals(2, result.skipped(), "the two records before the first three traceable ones");
        IllegalArgumentException none = assertThrows(
                IllegalArgumentException.class, () -> new CausalTrace(tiny.model, new CausalTrace.Settings(3, 1, 3, 1))
                        .run(facts.subList(0, 2), (s, d, t) -> {}));
        assertTrue(none.getMessage().contains("nothing to trace"), none.getMessage());
    }
}
