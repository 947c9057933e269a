package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.Probe;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The fixtures {@code tools/reference/make_fixtures.py} writes (the Python references' inputs and
 * expected tensors) with the tiny random model they were computed on, loaded in a standalone
 * runtime. Tests of any module reach them through this module's test jar; without fixtures (no
 * {@code python3-torch} on the machine) {@link #open} skips the calling test, saying how to make
 * them.
 */
public final class ReferenceFixtures implements AutoCloseable {

    /** System property naming the fixture folder; by default {@code tools/reference/out} of the checkout. */
    public static final String PROPERTY = "editlab.reference.dir";

    /** Environment variable that makes missing fixtures an error instead of a skip (set by .ci/run). */
    public static final String REQUIRE = "EDITLAB_REQUIRE_REFERENCE";

    public final DjlRuntime runtime;
    public final ModelHandle model;
    private final Path folder;

    private ReferenceFixtures(DjlRuntime runtime, ModelHandle model, Path folder) {
        this.runtime = runtime;
        this.model = model;
        this.folder = folder;
    }

    /** Loads the fixture model, or skips the test when there are no fixtures. */
    public static ReferenceFixtures open() throws ModelException {
        Path folder = folder();
        if ("1".equals(System.getenv(REQUIRE)) && !Files.isRegularFile(folder.resolve("model/model.safetensors"))) {
            throw new IllegalStateException("no reference fixtures in " + folder + ", and " + REQUIRE + "=1 says they"
                    + " must be there: run 'bash tools/reference/run'");
        }
        Assumptions.assumeTrue(
                Files.isRegularFile(folder.resolve("model/model.safetensors")),
                () -> "no reference fixtures in " + folder + ": 'bash tools/reference/run' writes them"
                        + " (it installs Debian's python3-torch; .ci/run does it before the tests)");
        DjlRuntime runtime = DjlRuntime.standalone("cpu");
        try {
            return new ReferenceFixtures(runtime, runtime.load("reference", folder.resolve("model")), folder);
        } catch (ModelException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /** The fixture folder: the system property, else {@code tools/reference/out} above the working directory. */
    static Path folder() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("tools/reference"))) {
                return dir.resolve("tools/reference/out");
            }
        }
        return Path.of("tools/reference/out").toAbsolutePath();
    }

    /**
     * Every tensor of a fixture file ({@code "gpt2/forward.safetensors"}), in {@code manager}, by name;
     * float64 tensors stay float64, other floating-point ones are float32.
     */
    public Map<String, NDArray> tensors(NDManager manager, String file) throws ModelException {
        Safetensors tensors = Safetensors.open(folder.resolve(file));
        Map<String, NDArray> loaded = new LinkedHashMap<>();
        for (Safetensors.Entry entry : tensors.entries()) {
            DataType type = entry.dataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
            loaded.put(entry.name(), tensors.load(manager, entry, type));
        }
        return loaded;
    }

    /** A file of the fixtures ({@code "locate/corpus.txt"}). */
    public Path file(String name) {
        return folder.resolve(name);
    }

    /** A fixture's JSON file ({@code "gpt2/forward.json"}). */
    public JsonObject json(String file) throws IOException {
        return JsonParser.parseString(Files.readString(folder.resolve(file))).getAsJsonObject();
    }

    /**
     * The edit requests of a fixture's list of {@code {"prompt", "target"[, "subject"][, "rephrases":
     * [...]][, "locality": [{"prompt", "answer"}...]]}} objects, with ids {@code r0, r1, ...}.
     */
    public static List<EditRequest> requests(JsonArray edits) {
        List<EditRequest> requests = new ArrayList<>();
        for (JsonElement e : edits) {
            JsonObject edit = e.getAsJsonObject();
            List<String> rephrases = new ArrayList<>();
            if (edit.has("rephrases")) {
                edit.getAsJsonArray("rephrases").forEach(r -> rephrases.add(r.getAsString()));
            }
            List<Probe> locality = new ArrayList<>();
            if (edit.has("locality")) {
                edit.getAsJsonArray("locality")
                        .forEach(l -> locality.add(new Probe(
                                l.getAsJsonObject().get("prompt").getAsString(),
                                l.getAsJsonObject().get("answer").getAsString())));
            }
            requests.add(new EditRequest(
                    "r" + requests.size(),
                    edit.get("prompt").getAsString(),
                    edit.get("target").getAsString(),
                    edit.has("subject") ? edit.get("subject").getAsString() : null,
                    null,
                    rephrases,
                    locality,
                    List.of()));
        }
        return requests;
    }

    /** A fixture's options object as the overrides an editing method takes (every value as a string). */
    public static Map<String, String> options(JsonObject options) {
        Map<String, String> overrides = new HashMap<>();
        options.entrySet().forEach(e -> overrides.put(e.getKey(), e.getValue().getAsString()));
        return overrides;
    }

    /**
     * Asserts that every element is within {@code tolerance} times the larger of 1 and both values'
     * magnitudes, naming {@code what} and the element that is not.
     */
    public static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        Assertions.assertEquals(expected.length, actual.length, what + ": number of values");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
            Assertions.assertTrue(
                    Math.abs(expected[i] - actual[i]) <= tolerance * scale,
                    what + "[" + i + "]: " + actual[i] + ", the reference " + expected[i]);
        }
    }

    /** {@link #assertClose(double[], double[], double, String)} for float32 values. */
    public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertClose(widen(expected), widen(actual), tolerance, what);
    }

    /**
     * Applies a fixture's calls ({@code "calls": [{"edits": [...], "stats": {name: value}}]}) one by one
     * with {@code editor} and asserts after each that every weight of {@code "weights"} has the delta
     * {@code call<i>.<weight>} and every listed stat of the result its value, within {@code tolerance}.
     */
    public static void assertCalls(
            EditSession session, Editor editor, JsonObject spec, Map<String, NDArray> expected, double tolerance)
            throws EditException {
        int i = 0;
        for (JsonElement c : spec.getAsJsonArray("calls")) {
            JsonObject call = c.getAsJsonObject();
            EditResult result = editor.apply(requests(call.getAsJsonArray("edits")));
            for (Map.Entry<String, JsonElement> stat :
                    call.getAsJsonObject("stats").entrySet()) {
                assertClose(
                        new double[] {stat.getValue().getAsDouble()},
                        new double[] {result.stats().get(stat.getKey())},
                        tolerance,
                        "call " + i + ": " + stat.getKey());
            }
            for (JsonElement w : spec.getAsJsonArray("weights")) {
                String weight = w.getAsString();
                assertClose(
                        expected.get("call" + i + "." + weight).toFloatArray(),
                        session.delta(weight).toFloatArray(),
                        tolerance,
                        "call " + i + ": the delta of " + weight);
            }
            i++;
        }
    }

    /**
     * Asserts that each of a fixture's probes ({@code {"prompt", "target"}}, the j-th with its expected
     * {@code probe.j.log_probs}) has those target log-probabilities in {@code session} now.
     */
    public static void assertProbes(
            EditSession session, NDManager manager, JsonArray probes, Map<String, NDArray> expected, double tolerance) {
        int j = 0;
        for (JsonElement p : probes) {
            JsonObject probe = p.getAsJsonObject();
            Completion completion = new Completion(
                    probe.get("prompt").getAsString(), probe.get("target").getAsString());
            assertClose(
                    expected.get("probe." + j + ".log_probs").toFloatArray(),
                    session.forward(manager, List.of(completion), ForwardOptions.INFERENCE)
                            .targetLogProbs()
                            .toFloatArray(),
                    tolerance,
                    completion + ": log-probabilities");
            j++;
        }
    }

    private static double[] widen(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return wide;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
