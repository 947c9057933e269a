package io.editlab.harness.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.model.Completion;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void probesThatTheStreamEditsAreNotUnrelated() {
        EditRequest a = new EditRequest(
                "a",
                "Ana lives in",
                "Rome",
                "Ana",
                "Oslo",
                List.of("The home of Ana is"),
                List.of(new Probe("Bo lives in", "Lima"), new Probe("Cyr lives in", "Kyiv")),
                List.of());
        EditRequest b = new EditRequest(
                "b",
                "Bo lives in",
                "Oslo",
                "Bo",
                "Lima",
                List.of(),
                List.of(new Probe("The home of Ana is", "Oslo"), new Probe("Dag lives in", "Rome")),
                List.of());
        Evaluation evaluation = new Evaluation(null, null, List.of(a, b), null, List.of(), false, null, -1);
        assertEquals(
                List.of(new Completion("Cyr lives in", "Kyiv"), new Completion("Dag lives in", "Rome")),
                evaluation.unrelatedProbes());
        Evaluation ofOneBatch =
                new Evaluation(null, null, List.of(a), Evaluation.prompts(List.of(a, b)), List.of(), false, null, -1);
        assertEquals(
                List.of(new Completion("Cyr lives in", "Kyiv")),
                ofOneBatch.unrelatedProbes(),
                "a probe that another batch edited is not unrelated, though this evaluation scores one batch");
    }
}
