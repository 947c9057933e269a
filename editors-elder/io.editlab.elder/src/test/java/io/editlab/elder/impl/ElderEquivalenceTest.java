package io.editlab.elder.impl;

import static io.editlab.runtime.impl.ReferenceFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.editkit.StateLists;
import io.editlab.runtime.impl.ReferenceFixtures;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ELDER against the Python reference ({@code tools/reference/elder.py}, written from the official
 * {@code Gate}, {@code ElderLinear} and {@code ElderGraceLinear} with this editor's choices), on the
 * fixture model: two mixture layers of four LoRAs with router biases, restored from the reference's
 * initial state (its LoRAs, routers, two recorded codes and three label allocations), then two
 * batches of twelve steps with StepLR. After each batch every parameter, the code memory and the last
 * step's loss equal the reference's; then so do the probes' codes, Hamming deferral (one probe at
 * exactly the threshold, so outside the edit scope) and log-probabilities. Skipped without fixtures.
 */
class ElderEquivalenceTest {

    /** After twelve Adam steps, float32. */
    static final double TRAINED = 1e-4;

    @Test
    void twoBatchesTrainAndDeferAsTheReferenceDoes() throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("elder-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("elder/elder.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "elder/elder.safetensors");
            Map<String, String> options = ReferenceFixtures.options(spec.getAsJsonObject("options"));
            ElderEditor editor = (ElderEditor) ElderEditorTest.method().create(session, options);
            editor.restore(initialState(editor, manager, spec, expected));
            int layers = Integer.parseInt(options.get("layers"));
            int i = 0;
            for (JsonElement b : spec.getAsJsonArray("batches")) {
                List<EditRequest> batch = ReferenceFixtures.requests(b.getAsJsonArray());
                EditResult result = editor.apply(batch);
                float[] losses = expected.get(i + ".losses").toFloatArray();
                assertClose(
                        new float[] {losses[losses.length - 1]},
                        new float[] {result.stats().get("final_loss").floatValue()},
                        TRAINED,
                        "batch " + i + ": the last step's loss");
                EditorState state = editor.state(manager);
                for (int l = 0; l < layers; l++) {
                    for (String part : List.of("a", "b", "router", "bias")) {
                        String name = "layer" + l + "." + part;
                        assertClose(
                                expected.get(i + "." + name).toFloatArray(),
                                state.tensors().get(name).toFloatArray(),
                                TRAINED,
                                "batch " + i + ": " + name);
                    }
                }
                assertEquals(
                        expected.get(i + ".codes").getShape(),
                        state.tensors().get(StateCodec.CODES).getShape(),
                        "batch " + i + ": the codes recorded");
                assertClose(
                        expected.get(i + ".codes").toFloatArray(),
                        state.tensors().get(StateCodec.CODES).toFloatArray(),
                        TRAINED,
                        "batch " + i + ": codes");
                i++;
            }
            int j = 0;
            for (JsonElement p : spec.getAsJsonArray("probes")) {
                JsonObject probe = p.getAsJsonObject();
                Completion completion = new Completion(
                        probe.get("prompt").getAsString(), probe.get("target").getAsString());
                BitSet code = editor.codesOf(List.of(completion)).get(0);
                float[] bits = expected.get("probe." + j + ".code").toFloatArray();
                for (int bit = 0; bit < bits.length; bit++) {
                    assertEquals(bits[bit] != 0, code.get(bit), completion + ": code bit " + bit);
                }
                float distance = expected.get("probe." + j + ".distance").getFloat();
                assertEquals(
                        distance < Integer.parseInt(options.get("threshold")),
                        editor.applies(code),
                        completion + ": in the edit scope at Hamming distance " + distance);
                j++;
            }
            ReferenceFixtures.assertProbes(session, manager, spec.getAsJsonArray("probes"), expected, TRAINED);
            editor.close();
        }
    }

    /** The reference's initial state in this editor's state format (its metadata, their tensors). */
    static EditorState initialState(
            ElderEditor editor, NDManager manager, JsonObject spec, Map<String, NDArray> expected) {
        EditorState fresh = editor.state(manager);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        expected.forEach((name, array) -> {
            if (name.startsWith("initial.")) {
                tensors.put(name.substring("initial.".length()), array);
            }
        });
        JsonObject allocations = spec.getAsJsonObject("allocations");
        List<String> labels = new ArrayList<>(allocations.keySet());
        List<Integer> indices = new ArrayList<>();
        int layers = 0;
        int k = 0;
        for (String label : labels) {
            JsonArray perLayer = allocations.getAsJsonArray(label);
            layers = perLayer.size();
            for (JsonElement experts : perLayer) {
                k = experts.getAsJsonArray().size();
                experts.getAsJsonArray().forEach(e -> indices.add(e.getAsInt()));
            }
        }
        tensors.put(
                StateCodec.ALLOCATIONS,
                manager.create(
                                indices.stream().mapToInt(Integer::intValue).toArray(),
                                new Shape(labels.size(), layers, k))
                        .toType(DataType.INT32, false));
        Map<String, String> metadata = new LinkedHashMap<>(fresh.metadata());
        metadata.putAll(StateLists.entries("labels", labels));
        return new EditorState(tensors, metadata);
    }
}
