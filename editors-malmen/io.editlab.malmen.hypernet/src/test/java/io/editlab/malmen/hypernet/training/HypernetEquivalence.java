package io.editlab.malmen.hypernet.training;

import static io.editlab.runtime.impl.ReferenceFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.editkit.Adam;
import io.editlab.editkit.OptionsReader;
import io.editlab.malmen.hypernet.EditedModule;
import io.editlab.malmen.hypernet.HyperNetwork;
import io.editlab.malmen.hypernet.HypernetCheckpoint;
import io.editlab.malmen.hypernet.HypernetConfig;
import io.editlab.malmen.hypernet.KeyTracer;
import io.editlab.malmen.hypernet.ShiftAggregator;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.EditorConfig;
import io.editlab.malmen.hypernet.config.TrainerConfig;
import io.editlab.malmen.hypernet.editor.HypernetEditor;
import io.editlab.malmen.hypernet.editor.HypernetOptions;
import io.editlab.runtime.impl.ReferenceFixtures;
import io.editlab.runtime.testing.Configs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MALMEN and MEND equivalence tests' common run against the Python reference ({@code
 * tools/reference/malmen.py}, written from the official ChenmienTan/malmen code with this bundle's
 * choices), on the fixture model, two modules of one shape (both blocks' MLP output projections),
 * mini-batches of three (so that one is partial) and hyper-network chunks of five rows:
 *
 * <ol>
 *   <li>the edit tuples of the first meta-step traced: keys and value gradients per module;
 *   <li>from the reference's initial network with those rows in its statistics: the network's outputs
 *       per row, MALMEN's value differences, each module's shift (MALMEN's ridge solve, MEND's summed
 *       rank-one shifts);
 *   <li>the first meta-step: the meta-loss's two terms and every parameter's meta-gradient before clipping; the
 *       parameters and statistics after its clipped Adam step and after a second meta-step;
 *   <li>the trained network as a checkpoint in an editor: the deltas after each of two sequential
 *       calls, then three probes' log-probabilities.
 * </ol>
 *
 * Skipped without fixtures.
 */
abstract class HypernetEquivalence {

    /** One forward and backward pass, float32. */
    static final double PASS = 1e-5;

    /** After a solve or an optimiser step on float32 inputs. */
    static final double TRAINED = 1e-4;

    private final Variant variant;

    HypernetEquivalence(Variant variant) {
        this.variant = variant;
    }

    void run(Path dir) throws Exception {
        String id = variant.id();
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession(id + "-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("malmen/" + id + ".json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "malmen/" + id + ".safetensors");
            TrainerOptions options = new OptionsReader<>(
                            id, TrainerOptions.class, TrainerConfig.class, Configs.defaults(TrainerConfig.class))
                    .read(ReferenceFixtures.options(spec.getAsJsonObject("options")));
            TrainerSettings settings = TrainerSettings.of(variant, options);
            MetaTraining training = new MetaTraining(fixtures.model, settings, (s, d, t) -> {});
            HypernetConfig config = HypernetConfig.of(
                    fixtures.model,
                    variant,
                    settings.modules(fixtures.model),
                    options.rank(),
                    options.blocks(),
                    settings.tokens(),
                    options.lmBatchSize());
            Map<String, NDArray> initial = prefixed(expected, "initial.");
            JsonArray steps = spec.getAsJsonArray("steps");
            try (HyperNetwork network = HyperNetwork.create(config, 1e-2, 1, manager)) {
                network.restore(initial);
                List<MetaTraining.Fact> first = training.facts(ReferenceFixtures.requests(
                        steps.get(0).getAsJsonObject().getAsJsonArray("facts")));
                Map<EditedModule, NDArray[]> rows = trace(session, manager, network, config, options, first);
                for (EditedModule m : config.modules()) {
                    String prefix = "step0." + m.module() + ".";
                    assertClose(
                            expected.get(prefix + "keys").toFloatArray(),
                            rows.get(m)[0].toFloatArray(),
                            PASS,
                            m.module() + ": keys");
                    assertClose(
                            expected.get(prefix + "grads").toFloatArray(),
                            rows.get(m)[1].toFloatArray(),
                            PASS,
                            m.module() + ": value gradients");
                    HyperNetwork.Transformed out = network.transform(m, rows.get(m)[0], rows.get(m)[1]);
                    assertClose(
                            expected.get(prefix + "out_keys").toFloatArray(),
                            out.keys().toFloatArray(),
                            PASS,
                            m.module() + ": the network's key outputs");
                    assertClose(
                            expected.get(prefix + "out_grads").toFloatArray(),
                            out.gradients().toFloatArray(),
                            PASS,
                            m.module() + ": the network's gradient outputs");
                    if (variant == Variant.MALMEN) {
                        assertClose(
                                expected.get(prefix + "differences").toFloatArray(),
                                network.valueDifferences(m, rows.get(m)[0], out).toFloatArray(),
                                TRAINED, // <u, u~> sums 128 float32 products, some of them much larger than it
                                m.module() + ": value differences");
                    }
                    assertClose(
                            expected.get(prefix + "shifts").toFloatArray(),
                            shift(network, m, rows.get(m), options.tokenChunk(), manager)
                                    .toFloatArray(),
                            TRAINED,
                            m.module() + ": shift");
                }

                network.restore(initial);
                network.setTrainable(true);
                MetaTraining.Trainer trainer = training
                .new Trainer(session, network, new Adam(manager, network.parameters(), (float) options.metaLr()));
                JsonObject step0 = steps.get(0).getAsJsonObject();
                double[] losses = trainer.metaGradients(first);
                assertClose(
                        new double[] {
                            step0.get("gen").getAsDouble(), step0.get("loc").getAsDouble()
                        },
                        losses,
                        PASS,
                        "the meta-loss's generalisation and locality terms");
                int compared = 0;
                for (Map.Entry<String, NDArray> p : network.tensors().entrySet()) {
                    NDArray gradient = expected.get("step0.gradient." + p.getKey());
                    if (gradient != null) {
                        try (NDArray mine = p.getValue().getGradient()) {
                            assertClose(
                                    gradient.toFloatArray(), mine.toFloatArray(), PASS, p.getKey() + ": meta-gradient");
                        }
                        compared++;
                    }
                }
                assertEquals(network.parameters().size(), compared, "every parameter's meta-gradient compared");
                trainer.guard.step(losses[0] + options.locCoef() * losses[1], options.maxGradNorm());
                assertNetwork(expected, "step0.", network, "after the first meta-step");
                List<MetaTraining.Fact> second = training.facts(ReferenceFixtures.requests(
                        steps.get(1).getAsJsonObject().getAsJsonArray("facts")));
                trainer.step(second);
                assertNetwork(expected, "step1.", network, "after the second meta-step");
                network.setTrainable(false);
                HypernetCheckpoint.save(network, dir, Map.of());
            }
            edit(fixtures, spec, expected, dir, options);
        }
    }

    /** Two sequential editor calls with the trained network, in a fresh session, then the probes. */
    private void edit(
            ReferenceFixtures fixtures,
            JsonObject spec,
            Map<String, NDArray> expected,
            Path dir,
            TrainerOptions options)
            throws Exception {
        try (EditSession session = fixtures.model.openSession(variant.id() + "-editor");
                NDManager manager = session.manager().newSubManager()) {
            Editor editor = HypernetEditor.create(
                    session,
                    variant,
                    HypernetOptions.reader(variant, Configs.defaults(EditorConfig.class))
                            .read(Map.of(
                                    "hypernet", dir.toString(),
                                    "lmBatchSize", options.lmBatchSize(),
                                    "tokenChunk", options.tokenChunk())));
            ReferenceFixtures.assertCalls(session, editor, spec, expected, TRAINED);
            ReferenceFixtures.assertProbes(session, manager, spec.getAsJsonArray("probes"), expected, TRAINED);
            editor.close();
        }
    }

    /** The facts' edit tuples traced mini-batch by mini-batch, each mini-batch's rows observed: keys and gradients. */
    private static Map<EditedModule, NDArray[]> trace(
            EditSession session,
            NDManager manager,
            HyperNetwork network,
            HypernetConfig config,
            TrainerOptions options,
            List<MetaTraining.Fact> facts)
            throws Exception {
        Map<EditedModule, List<NDArray>> keys = new LinkedHashMap<>();
        Map<EditedModule, List<NDArray>> gradients = new LinkedHashMap<>();
        config.modules().forEach(m -> {
            keys.put(m, new ArrayList<>());
            gradients.put(m, new ArrayList<>());
        });
        List<Completion> edits = facts.stream().map(MetaTraining.Fact::edit).toList();
        for (List<Completion> batch : KeyTracer.batches(session.tokenizer(), edits, options.lmBatchSize())) {
            KeyTracer.trace(
                    session, manager, batch, config.modules(), config.tokens(), options.lmBatchSize(), (m, u, g) -> {
                        network.observe(m, u, g);
                        keys.get(m).add(u);
                        gradients.get(m).add(g);
                    });
        }
        Map<EditedModule, NDArray[]> rows = new LinkedHashMap<>();
        for (EditedModule m : config.modules()) {
            rows.put(m, new NDArray[] {
                NDArrays.concat(new NDList(keys.get(m)), 0), NDArrays.concat(new NDList(gradients.get(m)), 0)
            });
        }
        return rows;
    }

    /** A module's shift from its rows, aggregated {@code chunk} rows at a time. */
    private static NDArray shift(HyperNetwork network, EditedModule m, NDArray[] rows, int chunk, NDManager manager) {
        try (ShiftAggregator aggregator = new ShiftAggregator(network, m, manager)) {
            long n = rows[0].getShape().get(0);
            for (long from = 0; from < n; from += chunk) {
                NDIndex part = new NDIndex("{}:{}", from, Math.min(n, from + chunk));
                aggregator.add(rows[0].get(part), rows[1].get(part));
            }
            return aggregator.shift(manager);
        }
    }

    /** Every tensor of the network (statistics included) against the reference's with {@code prefix}. */
    private static void assertNetwork(Map<String, NDArray> expected, String prefix, HyperNetwork network, String when) {
        for (Map.Entry<String, NDArray> t : network.tensors().entrySet()) {
            assertClose(
                    expected.get(prefix + t.getKey())
                            .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                            .toDoubleArray(),
                    t.getValue()
                            .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                            .toDoubleArray(),
                    TRAINED,
                    t.getKey() + " " + when);
        }
    }

    private static Map<String, NDArray> prefixed(Map<String, NDArray> tensors, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), tensor);
            }
        });
        return out;
    }
}
