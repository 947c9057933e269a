package io.editlab.locate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.Tokenizer;
import io.editlab.editkit.Adam;
import io.editlab.editkit.Copies;
import io.editlab.editkit.GuardedSteps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Target values: for each request, the hidden state at its site (one module's output) that makes the
 * model complete its prompt with its new target. A vector added to that output at the site is
 * optimised with Adam against, per request, the target's mean negative log-likelihood over the
 * prompt behind every context prefix, plus {@code klFactor} times the KL divergence of the model's
 * prediction on "{subject} is a" from the unedited one, plus {@code weightDecay * |delta| / |h|^2};
 * after each step the vector's norm is clamped to {@code clampNormFactor * |h|} (README,
 * "Target values"). A request stops moving once its loss is below 0.05.
 *
 * <p>The requests of a call are optimised together in one forward pass per step, each with its own
 * vector: Adam works element by element and each vector only reaches its own request's rows, so this
 * is the same as optimising them one by one.
 */
public final class TargetValues {

    /** A request whose loss falls below this stops moving (the official code's threshold). */
    static final double CONVERGED = 5e-2;

    /**
     * @param values {@code [requests, width]}: the hidden state each request's site should have
     * @param loss the mean of the requests' last measured losses
     * @param iterations passes run
     * @param stepSeconds the mean wall time of one pass with its step
     */
    public record Result(NDArray values, double loss, int iterations, double stepSeconds) {}

    private TargetValues() {}

    /**
     * @param module the module whose output at each site is optimised (a block, or its MLP)
     * @param prefixes context prefixes, the first of them empty
     * @param into where {@link Result#values()} is allocated
     * @throws EditException when a request has no site (see {@link Site#of}) or the optimisation diverges
     */
    public static Result compute(
            EditSession session,
            List<EditRequest> requests,
            List<String> prefixes,
            String module,
            KeyPosition where,
            ValueSettings settings,
            NDManager into,
            String method)
            throws EditException {
        int n = requests.size();
        int templates = prefixes.size();
        Tokenizer tokenizer = session.tokenizer();
        List<Site> sites = new ArrayList<>();
        for (EditRequest request : requests) {
            for (String prefix : prefixes) {
                sites.add(Site.of(tokenizer, prefix, request, where, method));
            }
        }
        for (EditRequest request : requests) {
            sites.add(Site.description(tokenizer, request, where, method));
        }
        int examples = sites.size();
        int[] owner = new int[examples];
        for (int e = 0; e < examples; e++) {
            owner[e] = e < n * templates ? e / templates : e - n * templates;
        }
        List<Completion> texts = sites.stream().map(Site::text).toList();
        int[] plainRows = new int[n];
        int[] plainPositions = new int[n];
        for (int i = 0; i < n; i++) {
            plainRows[i] = i * templates;
            plainPositions[i] = sites.get(i * templates).position();
        }
        long width = Shapes.residualWidth(session.model());
        try (NDManager work = session.manager().newSubManager()) {
            NDArray delta = work.zeros(new Shape(n, width));
            delta.setRequiresGradient(true);
            Adam adam = new Adam(work, List.of(delta), (float) settings.learningRate());
            GuardedSteps guard = new GuardedSteps(List.of(adam));
            NDArray[] initial = new NDArray[1];
            Selection selection = new Selection(sites, owner, n);
            AdapterRegistration hook = session.addAdapter(module, (context, input, output) -> {
                if (initial[0] == null) {
                    initial[0] = Readout.at(output.stopGradient(), plainRows, plainPositions, context.manager())
                            .duplicate();
                    initial[0].attach(work);
                }
                long sequence = output.getShape().get(1);
                NDArray added = selection
                        .matrix(context.manager(), sequence)
                        .matMul(delta)
                        .reshape(examples, sequence, width);
                return output.add(added);
            });
            try {
                return optimise(
                        session, texts, delta, initial, guard, settings, owner, n, templates, work, into, method);
            } finally {
                hook.close();
                delta.setRequiresGradient(false);
            }
        }
    }

    private static Result optimise(
            EditSession session,
            List<Completion> texts,
            NDArray delta,
            NDArray[] initial,
            GuardedSteps guard,
            ValueSettings settings,
            int[] owner,
            int n,
            int templates,
            NDManager work,
            NDManager into,
            String method)
            throws EditException {
        boolean[] done = new boolean[n];
        double[] last = new double[n];
        NDArray klInitial = null;
        NDArray initialNormsSquared = null;
        int iterations = 0;
        long nanos = 0;
        for (int it = 0; it < settings.steps(); it++) {
            long t0 = System.nanoTime();
            iterations++;
            float[] before = delta.toFloatArray();
            float[] bounds;
            boolean finished = false;
            try (NDManager pass = work.newSubManager();
                    GradientCollector collector = session.newGradientCollector()) {
                ForwardResult result = session.forward(pass, texts, ForwardOptions.TRAINING);
                Rows rows = Rows.of(result.rowExamples(), owner, n, templates);
                NDArray nll = pass.create(rows.weights, new Shape(n, rows.count))
                        .matMul(result.targetLogProbs().reshape(rows.count, 1))
                        .reshape(n)
                        .neg();
                NDArray klLog =
                        result.logits().get(pass.create(rows.description)).logSoftmax(1);
                if (klInitial == null) {
                    klInitial = klLog.stopGradient().duplicate();
                    klInitial.attach(work);
                    initialNormsSquared = initial[0].square().sum(new int[] {1});
                }
                NDArray kl = klLog.exp().mul(klLog.sub(klInitial)).sum(new int[] {1});
                NDArray norms = delta.square().sum(new int[] {1}).add(1e-12f).sqrt();
                NDArray each = nll.add(kl.mul(settings.klFactor()))
                        .add(norms.div(initialNormsSquared).mul(settings.weightDecay()));
                float[] losses = each.toFloatArray();
                float[] active = new float[n];
                for (int i = 0; i < n; i++) {
                    last[i] = losses[i];
                    done[i] |= losses[i] < CONVERGED;
                    active[i] = done[i] ? 0 : 1;
                }
                finished = allTrue(done) || it == settings.steps() - 1;
                if (!finished) {
                    guard.step(collector, each.mul(pass.create(active)).sum());
                }
                bounds = initialNormsSquared
                        .sqrt()
                        .mul(settings.clampNormFactor())
                        .toFloatArray();
            }
            nanos += System.nanoTime() - t0;
            if (finished) {
                break;
            }
            if (guard.diverged()) {
                throw new EditException(method + ": the target-value optimisation diverged: " + guard.inARow()
                        + " steps in a row had a non-finite loss or gradient; lower learningRate (now "
                        + settings.learningRate() + ")");
            }
            try (NDManager pass = work.newSubManager()) {
                constrain(delta, before, done, bounds, pass);
            }
        }
        NDArray values = initial[0].add(delta.stopGradient());
        values.attach(into);
        return new Result(
                values, Arrays.stream(last).average().orElse(Double.NaN), iterations, nanos / 1e9 / iterations);
    }

    /**
     * Puts the rows of requests already converged back to {@code before}, and scales every row whose
     * norm exceeds its bound down onto it.
     */
    private static void constrain(NDArray delta, float[] before, boolean[] done, float[] bounds, NDManager pass) {
        float[] values = delta.toFloatArray();
        int width = values.length / done.length;
        for (int i = 0; i < done.length; i++) {
            if (done[i]) {
                System.arraycopy(before, i * width, values, i * width, width);
                continue;
            }
            double norm = 0;
            for (int j = i * width; j < (i + 1) * width; j++) {
                norm += (double) values[j] * values[j];
            }
            norm = Math.sqrt(norm);
            if (norm > bounds[i]) {
                for (int j = i * width; j < (i + 1) * width; j++) {
                    values[j] *= (float) (bounds[i] / norm);
                }
            }
        }
        Copies.assign(delta, pass.create(values, delta.getShape()));
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean flag : flags) {
            if (!flag) {
                return false;
            }
        }
        return true;
    }

    /**
     * The forward pass's rows, seen per request: {@code weights} ({@code [requests, rows]}, row-major)
     * averages a request's target rows over all its prompts (the description rows weigh nothing), and
     * {@code description} is the first row of each request's "{subject} is a" text.
     */
    private record Rows(float[] weights, long[] description, int count) {

        static Rows of(int[] rowExamples, int[] owner, int n, int templates) {
            int count = rowExamples.length;
            int[] perRequest = new int[n];
            long[] description = new long[n];
            Arrays.fill(description, -1);
            for (int r = 0; r < count; r++) {
                int example = rowExamples[r];
                if (example < n * templates) {
                    perRequest[owner[example]]++;
                } else if (description[owner[example]] < 0) {
                    description[owner[example]] = r;
                }
            }
            float[] weights = new float[n * count];
            for (int r = 0; r < count; r++) {
                int example = rowExamples[r];
                if (example < n * templates) {
                    weights[owner[example] * count + r] = 1f / perRequest[owner[example]];
                }
            }
            return new Rows(weights, description, count);
        }
    }

    /**
     * The {@code [examples * sequence, requests]} matrix that puts each request's vector at its sites:
     * row {@code e * sequence + position(e)} holds a one in the column of example {@code e}'s request.
     */
    private static final class Selection {

        private final int[] positions;
        private final int[] owner;
        private final int requests;
        private float[] cached = new float[0];
        private long cachedSequence = -1;

        Selection(List<Site> sites, int[] owner, int requests) {
            this.positions = sites.stream().mapToInt(Site::position).toArray();
            this.owner = owner;
            this.requests = requests;
        }

        NDArray matrix(NDManager manager, long sequence) {
            if (sequence != cachedSequence) {
                cached = new float[Math.toIntExact(positions.length * sequence * requests)];
                for (int e = 0; e < positions.length; e++) {
                    cached[Math.toIntExact((e * sequence + positions[e]) * requests + owner[e])] = 1;
                }
                cachedSequence = sequence;
            }
            return manager.create(cached, new Shape(positions.length * sequence, requests));
        }
    }
}
