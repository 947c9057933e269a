package io.editlab.locate;

import static io.editlab.runtime.impl.ReferenceFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.EditSession;
import io.editlab.runtime.impl.ReferenceFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The target-value search against the Python reference ({@code tools/reference/target_values.py},
 * written from ROME's {@code compute_v} and MEMIT's {@code compute_z} with this kit's choices), on
 * the fixture model: three requests optimised together at the subject's last token of block 0's
 * MLP output, with the KL term, weight decay and the norm clamp. The values, the last losses' mean
 * and the passes run equal the reference's. Skipped without fixtures.
 */
class TargetValuesReferenceTest {

    /** After up to seven Adam steps at learning rate 0.5, float32. */
    static final double TRAINED = 1e-4;

    @Test
    void theValuesAreTheReferences() throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("target-values");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("locate/target_values.json");
            JsonObject s = spec.getAsJsonObject("settings");
            List<EditRequest> requests = ReferenceFixtures.requests(spec.getAsJsonArray("requests"));
            TargetValues.Result result = TargetValues.compute(
                    session,
                    requests,
                    List.of(""),
                    s.get("module").getAsString(),
                    KeyPosition.SUBJECT_LAST,
                    new ValueSettings(
                            s.get("steps").getAsInt(),
                            s.get("learningRate").getAsDouble(),
                            s.get("clampNormFactor").getAsDouble(),
                            s.get("klFactor").getAsDouble(),
                            s.get("weightDecay").getAsDouble()),
                    manager,
                    "reference");
            assertEquals(spec.get("passes").getAsInt(), result.iterations(), "passes run");
            assertClose(
                    new double[] {spec.get("loss").getAsDouble()},
                    new double[] {result.loss()},
                    TRAINED,
                    "the last losses' mean");
            assertClose(
                    fixtures.tensors(manager, "locate/target_values.safetensors")
                            .get("values")
                            .toFloatArray(),
                    result.values().toFloatArray(),
                    TRAINED,
                    "values");
        }
    }
}
