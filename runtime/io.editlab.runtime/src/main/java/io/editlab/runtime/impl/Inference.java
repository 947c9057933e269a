package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.model.Capture;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ForwardContext;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.Generation;
import io.editlab.api.model.TargetScore;
import io.editlab.api.model.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Scoring, generation and differentiable forward passes of one model view (the base, or a session
 * with its overlay). Sequences are right-padded: with a causal mask, padding after a sequence never
 * affects its real positions, so batched results equal unbatched ones.
 */
final class Inference {

    static final int BATCH = 32;

    private final Transformer transformer;
    private final Map<String, NDArray> base;
    private final Overlay overlay;
    private final Supplier<Tokenizer> tokenizer;
    private final Supplier<NDManager> scratch;
    private final LongSupplier backwards;
    private final Runnable inferenceMode;

    /**
     * @param scratch a new manager for internal passes; each is closed after use
     * @param backwards the number of backward passes run so far
     * @param inferenceMode puts the calling thread out of gradient mode unless it is training
     */
    Inference(
            Transformer transformer,
            Map<String, NDArray> base,
            Overlay overlay,
            Supplier<Tokenizer> tokenizer,
            Supplier<NDManager> scratch,
            LongSupplier backwards,
            Runnable inferenceMode) {
        this.transformer = transformer;
        this.base = base;
        this.overlay = overlay;
        this.tokenizer = tokenizer;
        this.scratch = scratch;
        this.backwards = backwards;
        this.inferenceMode = inferenceMode;
    }

    /** A completion as tokens: the input fed to the model and the targets it should predict. */
    record Encoded(int[] prompt, int[] target) {
        int[] input() {
            int[] input = Arrays.copyOf(prompt, prompt.length + target.length - 1);
            System.arraycopy(target, 0, input, prompt.length, target.length - 1);
            return input;
        }
    }

    Encoded encode(Completion completion) {
        Tokenizer t = tokenizer.get();
        int[] prompt = t.encode(completion.prompt());
        int[] target = t.encodeContinuation(completion.target());
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt " + shown(completion.prompt()) + " has no tokens");
        }
        if (target.length == 0) {
            throw new IllegalArgumentException("the target " + shown(completion.target()) + " has no tokens");
        }
        if (prompt.length + target.length - 1 > transformer.maxPositions()) {
            throw new IllegalArgumentException("prompt and target have " + (prompt.length + target.length - 1)
                    + " tokens; the model takes at most " + transformer.maxPositions());
        }
        return new Encoded(prompt, target);
    }

    /** A text for an error message: quoted, its start only when it is long. */
    private static String shown(String text) {
        return text.length() <= 60
                ? "'" + text + "'"
                : "'" + text.substring(0, 60) + "...' (" + text.length() + " characters)";
    }

    List<TargetScore> score(List<Completion> items) {
        inferenceMode.run();
        List<Encoded> encoded = items.stream().map(this::encode).toList();
        TargetScore[] scores = new TargetScore[encoded.size()];
        for (List<Integer> batch :
                batches(encoded.stream().map(e -> e.input().length).toList())) {
            try (NDManager manager = scratch.get()) {
                List<Encoded> part = batch.stream().map(encoded::get).toList();
                Teacher teacher = teacher(manager, part, false, Set.of(), ForwardOptions.CaptureTokens.TARGET);
                float[] logProbs = teacher.targetLogProbs().toFloatArray();
                long[] predicted = teacher.logits.argMax(1).toLongArray();
                int row = 0;
                for (int i = 0; i < part.size(); i++) {
                    int[] target = part.get(i).target();
                    int[] argmax = new int[target.length];
                    float[] lp = new float[target.length];
                    for (int j = 0; j < target.length; j++, row++) {
                        argmax[j] = (int) predicted[row];
                        lp[j] = logProbs[row];
                    }
                    scores[batch.get(i)] = new TargetScore(target, argmax, lp);
                }
            }
        }
        return List.of(scores);
    }

    List<Generation> generate(List<String> prompts, int maxNewTokens) {
        inferenceMode.run();
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must not be negative");
        }
        Tokenizer t = tokenizer.get();
        List<int[]> encoded = new ArrayList<>();
        for (String prompt : prompts) {
            int[] ids = t.encode(prompt);
            if (ids.length == 0 || ids.length >= transformer.maxPositions()) {
                throw new IllegalArgumentException("the prompt " + shown(prompt) + " has " + ids.length
                        + " tokens; it needs 1 to " + (transformer.maxPositions() - 1));
            }
            encoded.add(ids);
        }
        Generation[] out = new Generation[prompts.size()];
        for (List<Integer> batch : batches(encoded.stream().map(e -> e.length).toList())) {
            int[][] prompt = batch.stream().map(encoded::get).toArray(int[][]::new);
            int[][] generated = continueGreedily(prompt, maxNewTokens);
            for (int i = 0; i < batch.size(); i++) {
                out[batch.get(i)] = new Generation(prompts.get(batch.get(i)), generated[i], t.decode(generated[i]));
            }
        }
        return List.of(out);
    }

    /**
     * Greedy continuations of prompts of any lengths in one batch: right-padded, each row's next
     * token read at its own last position (padding after a row is never seen by it).
     */
    private int[][] continueGreedily(int[][] prompts, int maxNewTokens) {
        int[][] sequences = Arrays.stream(prompts).map(int[]::clone).toArray(int[][]::new);
        int[] queries = Arrays.stream(prompts).mapToInt(p -> p.length - 1).toArray();
        int[] steps = Arrays.stream(prompts)
                .mapToInt(p -> Math.min(maxNewTokens, transformer.maxPositions() - p.length))
                .toArray();
        int longest = Arrays.stream(steps).max().orElse(0);
        for (int step = 0; step < longest; step++) {
            int[] last = Arrays.stream(sequences).mapToInt(q -> q.length - 1).toArray();
            int[] next;
            try (NDManager manager = scratch.get()) {
                int length =
                        Arrays.stream(sequences).mapToInt(q -> q.length).max().orElseThrow();
                Pass pass = new Pass(
                        manager,
                        Ops.ids(manager, sequences, length),
                        queries,
                        false,
                        base,
                        overlay,
                        Set.of(),
                        null,
                        backwards);
                NDArray hidden = transformer.hidden(pass);
                long[] rows = new long[sequences.length];
                for (int b = 0; b < rows.length; b++) {
                    rows[b] = (long) b * length + last[b];
                }
                NDArray selected = hidden.reshape(-1, hidden.getShape().get(2))
                        .get(manager, new NDIndex("{}", manager.create(rows)));
                next = Arrays.stream(
                                transformer.logits(pass, selected).argMax(1).toLongArray())
                        .mapToInt(Math::toIntExact)
                        .toArray();
            }
            for (int b = 0; b < sequences.length; b++) {
                if (step < steps[b]) {
                    sequences[b] = Arrays.copyOf(sequences[b], sequences[b].length + 1);
                    sequences[b][sequences[b].length - 1] = next[b];
                }
            }
        }
        int[][] generated = new int[prompts.length][];
        for (int b = 0; b < prompts.length; b++) {
            generated[b] = Arrays.copyOfRange(sequences[b], prompts[b].length, sequences[b].length);
        }
        return generated;
    }

    float[] nextTokenLogits(int[] tokenIds) {
        inferenceMode.run();
        if (tokenIds.length == 0 || tokenIds.length > transformer.maxPositions()) {
            throw new IllegalArgumentException(
                    "need 1 to " + transformer.maxPositions() + " token ids, got " + tokenIds.length);
        }
        try (NDManager manager = scratch.get()) {
            return lastLogits(manager, new int[][] {tokenIds}, tokenIds.length - 1)
                    .toFloatArray();
        }
    }

    /** Logits {@code [batch, vocabulary]} after the last token of equally long sequences. */
    private NDArray lastLogits(NDManager manager, int[][] sequences, int queryPosition) {
        int length = sequences[0].length;
        int[] queries = new int[sequences.length];
        Arrays.fill(queries, queryPosition);
        Pass pass = new Pass(
                manager, Ops.ids(manager, sequences, length), queries, false, base, overlay, Set.of(), null, backwards);
        NDArray hidden = transformer.hidden(pass);
        NDArray last = hidden.get(manager, new NDIndex(":, {}, :", length - 1));
        return transformer.logits(pass, last);
    }

    ForwardResult forward(NDManager manager, List<Completion> batch, ForwardOptions options) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("the batch is empty");
        }
        inferenceMode.run(); // a no-op inside a collector: training passes keep their graph
        return teacher(
                manager,
                batch.stream().map(this::encode).toList(),
                options.training(),
                options.capture(),
                options.captureTokens());
    }

    private Teacher teacher(
            NDManager manager,
            List<Encoded> batch,
            boolean training,
            Set<String> capture,
            ForwardOptions.CaptureTokens captureTokens) {
        int length = batch.stream().mapToInt(e -> e.input().length).max().orElseThrow();
        int[][] inputs = batch.stream().map(Encoded::input).toArray(int[][]::new);
        int[] queries = batch.stream().mapToInt(e -> e.prompt().length - 1).toArray();
        List<Long> targetRows = new ArrayList<>();
        List<Long> allRows = new ArrayList<>();
        List<Long> targetIds = new ArrayList<>();
        List<Integer> examples = new ArrayList<>();
        for (int b = 0; b < batch.size(); b++) {
            Encoded e = batch.get(b);
            for (int j = 0; j < e.target().length; j++) {
                targetRows.add((long) b * length + e.prompt().length - 1 + j);
                targetIds.add((long) e.target()[j]);
                examples.add(b);
            }
            for (int t = 0; t < e.input().length; t++) {
                allRows.add((long) b * length + t);
            }
        }
        NDArray rows =
                manager.create(targetRows.stream().mapToLong(Long::longValue).toArray());
        NDArray captureRows = captureTokens == ForwardOptions.CaptureTokens.ALL
                ? manager.create(allRows.stream().mapToLong(Long::longValue).toArray())
                : rows;
        Pass pass = new Pass(
                manager,
                Ops.ids(manager, inputs, length),
                queries,
                training,
                base,
                overlay,
                capture,
                captureRows,
                backwards);
        NDArray hidden = transformer.hidden(pass);
        Shape shape = hidden.getShape();
        NDArray selected = hidden.reshape(-1, shape.get(2)).get(manager, new NDIndex("{}", rows));
        NDArray logits = transformer.logits(pass, selected);
        NDArray targets =
                manager.create(targetIds.stream().mapToLong(Long::longValue).toArray());
        return new Teacher(
                logits, targets, examples.stream().mapToInt(Integer::intValue).toArray(), pass);
    }

    /** Batches of indices of similar length, at most {@link #BATCH} each, longest first. */
    static List<List<Integer>> batches(List<Integer> lengths) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < lengths.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> lengths.get(i)).reversed());
        List<List<Integer>> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += BATCH) {
            batches.add(order.subList(from, Math.min(order.size(), from + BATCH)));
        }
        return batches;
    }

    /** A teacher-forced pass's results. */
    private static final class Teacher implements ForwardResult {
        private final NDArray logits;
        private final NDArray targets;
        private final int[] examples;
        private final Pass pass;
        private NDArray targetLogProbs;

        Teacher(NDArray logits, NDArray targets, int[] examples, Pass pass) {
            this.logits = logits;
            this.targets = targets;
            this.examples = examples;
            this.pass = pass;
        }

        @Override
        public NDArray logits() {
            return logits;
        }

        @Override
        public NDArray targets() {
            return targets;
        }

        @Override
        public int[] rowExamples() {
            return examples.clone();
        }

        @Override
        public synchronized NDArray targetLogProbs() {
            if (targetLogProbs == null) {
                targetLogProbs =
                        logits.logSoftmax(1).gather(targets.reshape(-1, 1), 1).reshape(-1);
            }
            return targetLogProbs;
        }

        @Override
        public NDArray loss() {
            return targetLogProbs().mean().neg();
        }

        @Override
        public ForwardContext context() {
            return pass;
        }

        @Override
        public Optional<Capture> capture(String module) {
            return pass.capture(module);
        }
    }
}
