package io.editlab.locate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.editlab.runtime.impl.ReferenceFixtures;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The family's closed forms against the Python reference ({@code tools/reference/closed_forms.py},
 * each written as the official MEMIT, AlphaEdit and ROME code computes it), in float64 on random
 * keys, residuals and a second moment with a four-dimensional null space: within 1e-9 of the largest
 * element. Skipped without fixtures.
 */
class ClosedFormsReferenceTest {

    static final double RELATIVE = 1e-9;

    static ReferenceFixtures fixtures;
    static JsonObject spec;

    @BeforeAll
    static void open() throws Exception {
        fixtures = ReferenceFixtures.open();
        spec = fixtures.json("locate/closed_forms.json");
    }

    @AfterAll
    static void close() {
        if (fixtures != null) {
            fixtures.close();
        }
    }

    /** The fixture's tensors in {@code manager}, the test's own. */
    static Map<String, NDArray> tensors(NDManager manager) throws Exception {
        return fixtures.tensors(manager, "locate/closed_forms.safetensors");
    }

    static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double scale = 0;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < e.length; i++) {
            assertTrue(
                    Math.abs(e[i] - a[i]) <= RELATIVE * scale,
                    what + "[" + i + "]: " + a[i] + ", the reference " + e[i] + " (largest " + scale + ")");
        }
    }

    @Test
    void memitSolvesAsTheOfficialCodeDoes() throws Exception {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Map<String, NDArray> t = tensors(manager);
            NDArray update = ClosedForms.memit(
                    t.get("keys"),
                    t.get("residuals"),
                    t.get("moment"),
                    spec.get("memit_weight").getAsDouble());
            assertClose(t.get("memit"), update, "MEMIT's update");
        }
    }

    @Test
    void theNullSpaceProjectorAndAlphaEditsUpdateAreTheOfficialOnes() throws Exception {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Map<String, NDArray> t = tensors(manager);
            NDArray moment = t.get("moment");
            int width = Math.toIntExact(moment.getShape().get(0));
            NDArray projector = ClosedForms.nullSpaceProjector(
                    moment.toDoubleArray(), width, spec.get("threshold").getAsDouble(), manager);
            assertClose(t.get("projector"), projector, "the projector");
            double[] p = projector.toDoubleArray();
            double trace = 0;
            for (int i = 0; i < width; i++) {
                trace += p[i * width + i];
            }
            assertEquals(4, Math.round(trace), "the null space is four-dimensional");
            NDArray update = ClosedForms.alphaEdit(
                    t.get("keys"),
                    t.get("residuals"),
                    t.get("projector"),
                    t.get("earlier"),
                    spec.get("l2").getAsDouble());
            assertClose(t.get("alphaedit"), update, "AlphaEdit's update");
        }
    }

    @Test
    void romesRankOneUpdateIsTheOfficialOne() throws Exception {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Map<String, NDArray> t = tensors(manager);
            NDArray update =
                    ClosedForms.rome(t.get("keys").get(0), t.get("residuals").get(0), t.get("rome_inverse"));
            assertClose(t.get("rome"), update, "ROME's update");
        }
    }
}
