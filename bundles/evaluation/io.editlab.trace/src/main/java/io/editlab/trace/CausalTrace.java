package io.editlab.trace;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Causal tracing (Meng et al., "Locating and Editing Factual Associations in GPT", NeurIPS 2022):
 * for each fact, the subject's token embeddings are corrupted with Gaussian noise, and one hidden
 * state (a block's output), one MLP output or one attention output at one token of one block is
 * restored to its clean value; the probability the model then gives the true object's first token
 * says how much that state carries the fact. The results are averaged over facts and noise samples
 * and grouped by token: the subject's first token, its last token, the tokens between the subject
 * and the last token, and the last token.
 *
 * <p>It runs through an ordinary session of the model with adapters at its hook points, so it works
 * on any model the runtime loads. The noise's standard deviation is {@code noiseScale} times the
 * standard deviation of the subjects' token embeddings (ROME uses 3).
 */
public final class CausalTrace {

    /** What is restored. */
    public enum Component {
        /** The residual stream after a block. */
        HIDDEN("hidden", ModuleRole.BLOCK),
        /** A block's MLP output. */
        MLP("mlp", ModuleRole.MLP),
        /** A block's attention output. */
        ATTN("attn", ModuleRole.ATTENTION);

        public final String key;
        final ModuleRole role;

        Component(String key, ModuleRole role) {
            this.key = key;
            this.role = role;
        }
    }

    /** Where it is restored. */
    public enum Group {
        SUBJECT_FIRST("subject_first"),
        SUBJECT_LAST("subject_last"),
        AFTER_SUBJECT("after_subject"),
        LAST("last");

        public final String key;

        Group(String key) {
            this.key = key;
        }
    }

    /**
     * @param facts how many facts to trace (the first ones that name their subject in the prompt)
     * @param samples noise samples per fact
     * @param noiseScale the noise's standard deviation in units of the subject embeddings' one
     * @param seed the noise's seed
     */
    public record Settings(int facts, int samples, double noiseScale, long seed) {
        public Settings {
            if (facts < 1 || samples < 1 || !(noiseScale >= 0) || Double.isInfinite(noiseScale)) {
                throw new IllegalArgumentException(
                        "facts and samples must be at least 1, the noise scale finite and" + " not negative");
            }
        }
    }

    private final ModelHandle model;
    private final Settings settings;

    public CausalTrace(ModelHandle model, Settings settings) {
        this.model = model;
        this.settings = settings;
    }

    /** One traceable fact: its tokens, the subject's token span and the true object's first token. */
    private record Fact(String prompt, String answer, int length, int subjectStart, int subjectEnd) {}

    /**
     * Traces the facts of {@code requests} (prompt, subject and true answer of each; requests
     * without subject or true answer, or whose prompt does not contain the subject, are skipped).
     *
     * @throws IllegalArgumentException when no request can be traced
     */
    public TraceResult run(List<EditRequest> requests, ProgressListener progress) {
        List<Fact> facts = new ArrayList<>();
        int skipped = select(requests, facts);
        if (facts.isEmpty()) {
            throw new IllegalArgumentException("none of the " + requests.size() + " records names its subject inside"
                    + " its prompt with a true answer: nothing to trace");
        }
        int layers = model.layers();
        double[][][] sums = new double[Component.values().length][layers][Group.values().length];
        int[][][] counts = new int[Component.values().length][layers][Group.values().length];
        double clean = 0;
        double corrupted = 0;
        Random random = new Random(settings.seed());
        try (EditSession session = model.openSession("causal-trace")) {
            double sigma = settings.noiseScale() * subjectEmbeddingStd(session, facts);
            for (int f = 0; f < facts.size(); f++) {
                Fact fact = facts.get(f);
                float[][][] cleanOutputs = new float[Component.values().length][layers][];
                clean += cleanRun(session, fact, cleanOutputs);
                for (int s = 0; s < settings.samples(); s++) {
                    float[] noise = gaussian(random, (fact.subjectEnd() - fact.subjectStart()) * hidden(), sigma);
                    for (Component component : Component.values()) {
                        double[] p = restoredRun(session, fact, component, cleanOutputs[component.ordinal()], noise);
                        corrupted += p[p.length - 1] / Component.values().length;
                        accumulate(fact, p, sums[component.ordinal()], counts[component.ordinal()], layers);
                    }
                }
                progress.progress("tracing facts", f + 1, facts.size());
            }
        }
        int n = facts.size();
        double[][][] means = new double[sums.length][layers][Group.values().length];
        for (int c = 0; c < sums.length; c++) {
            for (int l = 0; l < layers; l++) {
                for (int g = 0; g < Group.values().length; g++) {
                    means[c][l][g] = counts[c][l][g] == 0 ? Double.NaN : sums[c][l][g] / counts[c][l][g];
                }
            }
        }
        return new TraceResult(
                model.info().id(), n, skipped, settings, clean / n, corrupted / (n * settings.samples()), means);
    }

    /** Adds the first traceable facts to {@code facts}; returns how many records before them were not. */
    private int select(List<EditRequest> requests, List<Fact> facts) {
        int skipped = 0;
        for (EditRequest request : requests) {
            if (facts.size() == settings.facts()) {
                break;
            }
            Fact fact = fact(request);
            if (fact == null) {
                skipped++;
            } else {
                facts.add(fact);
            }
        }
        return skipped;
    }

    /** The request as a fact to trace, or null without subject in its prompt, true answer or room in the context. */
    private Fact fact(EditRequest request) {
        Tokenizer tokenizer = model.tokenizer();
        String subject = request.subject();
        String answer = request.groundTruth();
        int at = subject == null || subject.isBlank() ? -1 : request.prompt().indexOf(subject);
        if (at < 0 || answer == null || answer.isBlank()) {
            return null;
        }
        int length = tokenizer.encode(request.prompt()).length;
        int start = tokenizer.encode(request.prompt().substring(0, at)).length;
        int end = tokenizer.encode(request.prompt().substring(0, at + subject.length())).length;
        boolean fits = length + tokenizer.encodeContinuation(answer).length - 1 <= model.contextLength();
        return end > start && end <= length && fits ? new Fact(request.prompt(), answer, length, start, end) : null;
    }

    private int hidden() {
        return (int) model.parameterInfo(embedding() + ".weight")
                .orElseThrow()
                .shape()
                .get(1);
    }

    private String embedding() {
        return model.modules().get(0);
    }

    /** The standard deviation of the token embeddings of every traced subject token. */
    private double subjectEmbeddingStd(EditSession session, List<Fact> facts) {
        Tokenizer tokenizer = model.tokenizer();
        List<Long> ids = new ArrayList<>();
        for (Fact fact : facts) {
            int[] tokens = tokenizer.encode(fact.prompt());
            for (int i = fact.subjectStart(); i < fact.subjectEnd(); i++) {
                ids.add((long) tokens[i]);
            }
        }
        try (NDManager manager = session.manager().newSubManager()) {
            NDArray rows = model.parameter(embedding() + ".weight")
                    .get(
                            manager,
                            new NDIndex(
                                    "{}",
                                    manager.create(ids.stream()
                                            .mapToLong(Long::longValue)
                                            .toArray())));
            float[] values =
                    rows.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            double mean = 0;
            for (float v : values) {
                mean += v;
            }
            mean /= values.length;
            double square = 0;
            for (float v : values) {
                square += (v - mean) * (v - mean);
            }
            return Math.sqrt(square / Math.max(1, values.length - 1));
        }
    }

    private static float[] gaussian(Random random, int size, double sigma) {
        float[] noise = new float[size];
        for (int i = 0; i < size; i++) {
            noise[i] = (float) (random.nextGaussian() * sigma);
        }
        return noise;
    }

    /** The clean probability of the object's first token; the clean outputs of every traced module. */
    private double cleanRun(EditSession session, Fact fact, float[][][] outputs) {
        List<AdapterRegistration> hooks = new ArrayList<>();
        try {
            for (Component component : Component.values()) {
                for (int layer = 0; layer < model.layers(); layer++) {
                    float[][] into = outputs[component.ordinal()];
                    int l = layer;
                    hooks.add(session.addAdapter(model.module(layer, component.role), (context, input, output) -> {
                        into[l] = output.get(new NDIndex("0, :{}", fact.length()))
                                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                                .toFloatArray();
                        return output;
                    }));
                }
            }
            return firstTokenProbabilities(session, fact, 1)[0];
        } finally {
            hooks.forEach(AdapterRegistration::close);
        }
    }

    /**
     * One batch for one component: a row per (layer, position) restoring that state, and a last row
     * restoring nothing (the corrupted run). Returns each row's probability of the object's first token.
     */
    private double[] restoredRun(EditSession session, Fact fact, Component component, float[][] clean, float[] noise) {
        int layers = model.layers();
        int positions = fact.length();
        int rows = layers * positions + 1;
        int width = hidden();
        List<AdapterRegistration> hooks = new ArrayList<>();
        try {
            hooks.add(session.addAdapter(embedding(), (context, input, output) -> {
                int sequence = (int) output.getShape().get(1);
                float[] added = new float[sequence * width];
                System.arraycopy(noise, 0, added, fact.subjectStart() * width, noise.length);
                NDArray delta = context.manager()
                        .create(added, new Shape(1, sequence, width))
                        .toType(output.getDataType(), false);
                return output.add(delta);
            }));
            for (int layer = 0; layer < layers; layer++) {
                int l = layer;
                hooks.add(session.addAdapter(model.module(layer, component.role), (context, input, output) -> {
                    int sequence = (int) output.getShape().get(1);
                    float[] mask = new float[rows * sequence];
                    for (int pos = 0; pos < positions; pos++) {
                        mask[(l * positions + pos) * sequence + pos] = 1;
                    }
                    float[] values = Arrays.copyOf(clean[l], sequence * width);
                    NDManager m = context.manager();
                    NDArray keep = m.create(mask, new Shape(rows, sequence, 1)).toType(output.getDataType(), false);
                    NDArray restored =
                            m.create(values, new Shape(1, sequence, width)).toType(output.getDataType(), false);
                    return output.mul(keep.neg().add(1)).add(restored.mul(keep));
                }));
            }
            return firstTokenProbabilities(session, fact, rows);
        } finally {
            hooks.forEach(AdapterRegistration::close);
        }
    }

    /** The probability of the object's first token in each of {@code rows} copies of the fact. */
    private double[] firstTokenProbabilities(EditSession session, Fact fact, int rows) {
        List<Completion> batch = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            batch.add(new Completion(fact.prompt(), fact.answer()));
        }
        try (NDManager manager = session.manager().newSubManager()) {
            ForwardResult result = session.forward(manager, batch, ForwardOptions.INFERENCE);
            float[] logProbs = result.targetLogProbs().toFloatArray();
            int[] examples = result.rowExamples();
            double[] p = new double[rows];
            Arrays.fill(p, Double.NaN);
            for (int row = 0; row < examples.length; row++) {
                if (Double.isNaN(p[examples[row]])) {
                    p[examples[row]] = Math.exp(logProbs[row]);
                }
            }
            return p;
        }
    }

    /**
     * Adds one restored batch's probabilities to the sums of each (layer, token group): the fact's
     * mean over the group's positions, so that every fact weighs the same.
     */
    private static void accumulate(Fact fact, double[] p, double[][] sums, int[][] counts, int layers) {
        int positions = fact.length();
        for (int l = 0; l < layers; l++) {
            double[] total = new double[Group.values().length];
            int[] n = new int[Group.values().length];
            for (int pos = 0; pos < positions; pos++) {
                for (Group group : groups(fact, pos)) {
                    total[group.ordinal()] += p[l * positions + pos];
                    n[group.ordinal()]++;
                }
            }
            for (int g = 0; g < total.length; g++) {
                if (n[g] > 0) {
                    sums[l][g] += total[g] / n[g];
                    counts[l][g]++;
                }
            }
        }
    }

    /** The token groups position {@code pos} belongs to (the subject's last token may also be the last). */
    private static List<Group> groups(Fact fact, int pos) {
        List<Group> groups = new ArrayList<>();
        if (pos == fact.subjectStart()) {
            groups.add(Group.SUBJECT_FIRST);
        }
        if (pos == fact.subjectEnd() - 1) {
            groups.add(Group.SUBJECT_LAST);
        }
        if (pos >= fact.subjectEnd() && pos < fact.length() - 1) {
            groups.add(Group.AFTER_SUBJECT);
        }
        if (pos == fact.length() - 1) {
            groups.add(Group.LAST);
        }
        return groups;
    }
}
