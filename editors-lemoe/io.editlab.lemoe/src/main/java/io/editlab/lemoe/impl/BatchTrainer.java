package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.route.Router;
import io.editlab.editkit.Adam;
import io.editlab.editkit.GuardedSteps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Trains the expert inserted for one edit batch (README, 'What it does'); every earlier expert and the base
 * model stay frozen.
 *
 * <ol>
 *   <li>Router steps (ours): up to {@code routerSteps} Adam steps on the new key and projection alone
 *       (plus the shared projection in {@code shared-trainable} mode) against the {@link
 *       RoutingObjective}, through the bound router service. No language-model pass is needed. They
 *       stop once every edit gives its own expert a routing probability of {@link
 *       RoutingObjective#SETTLED_PROBABILITY} (score gate: once the objective is below {@code
 *       stopLoss}).</li>
 *   <li>Training: a fresh Adam over the new expert, epochs of mini-batches of the teacher-forced NLL
 *       through the whole mixture, until an epoch's mean NLL is below {@code stopLoss} or after {@code
 *       epochs}. After router steps the key and projection stay as they are (the expert is trained
 *       behind the routing it will be used with); with {@code routerSteps = 0} they are trained here
 *       with the expert, on the NLL plus the routing objective.</li>
 *   <li>The batch's NLL is measured again in inference passes (it must be finite), and the expert gets
 *       what its gate tests ({@link GateFit}).</li>
 * </ol>
 */
final class BatchTrainer {

    /** Router-only steps between two checks of {@link RoutingObjective#settled}. */
    static final int SETTLED_EVERY = 10;

    /**
     * What training one batch gave.
     *
     * @param loss the mean NLL of the batch after training, in inference passes
     * @param nll the mean NLL of the last epoch
     * @param epochs the epochs run
     * @param steps the optimisation steps taken on the whole objective
     * @param routerSteps the steps taken on the routing objective alone, before the expert's training
     * @param routingLoss the routing objective at the last router step (NaN without router steps)
     * @param trainingRoutes each edit prompt's top-1 expert in its last training pass
     * @param threshold the new expert's threshold (negative infinity without the score gate)
     * @param leak score gate: the fraction of the batch's negatives (near misses and earlier edits)
     *     whose score reaches the new expert's threshold, NaN otherwise
     * @param radii the anchor gate's radius around each edit prompt (infinite without negatives)
     */
    record Outcome(
            double loss,
            double nll,
            int epochs,
            int steps,
            double stepSeconds,
            int routerSteps,
            double routingLoss,
            Map<String, Integer> trainingRoutes,
            float threshold,
            double leak,
            float[] radii) {}

    private final EditSession session;
    private final ExpertBank bank;
    private final Supplier<NDArray> table;
    private final Supplier<Router> router;
    private final String attribute;

    /** @param router the bound router, read at every step: the routing objective's probabilities are its */
    BatchTrainer(
            EditSession session, ExpertBank bank, Supplier<NDArray> table, Supplier<Router> router, String attribute) {
        this.session = session;
        this.bank = bank;
        this.table = table;
        this.router = router;
        this.attribute = attribute;
    }

    /**
     * Trains {@code fresh}, which the bank already routes to, on {@code batch}, then sets what its
     * gate tests: its threshold, its edit prompts' instance embeddings and their radii.
     *
     * @throws EditException when training diverges; the caller drops the expert
     */
    Outcome train(List<EditRequest> batch, Expert fresh) throws EditException {
        LemoeSettings settings = bank.settings();
        List<Expert> experts = bank.experts();
        int index = experts.size() - 1;
        List<NDArray> parameters = new ArrayList<>(fresh.parameters());
        if (bank.shared() != null) {
            parameters.addAll(bank.shared().parameters());
        }
        List<PromptTokens> positives = batch.stream()
                .map(r -> PromptTokens.of(session.tokenizer(), r.prompt(), r.subject()))
                .toList();
        // a prompt edited again belongs to the new expert: it is not held to its old one
        Set<String> prompts = batch.stream().map(EditRequest::prompt).collect(Collectors.toSet());
        List<Anchor> anchors = bank.anchors().stream()
                .filter(a -> !prompts.contains(a.prompt()))
                .toList();
        List<PromptTokens> earlier = anchors.stream()
                .map(a -> PromptTokens.of(session.tokenizer(), a.prompt(), a.subject()))
                .toList();
        List<PromptTokens> known = new ArrayList<>(earlier);
        known.addAll(positives);
        Random random = new Random(settings.seed() * 31 + index);
        boolean gated = settings.gate() == LemoeSettings.Gate.SCORE && settings.gateLoss() > 0;
        List<int[]> misses = settings.gate() != LemoeSettings.Gate.NONE && settings.negatives() > 0
                ? NearMisses.of(
                        positives,
                        known,
                        settings.negatives(),
                        session.tokenizer().vocabularySize(),
                        random)
                : List.of();
        List<Completion> completions =
                batch.stream().map(r -> new Completion(r.prompt(), r.target())).toList();
        parameters.forEach(p -> p.setRequiresGradient(true));
        try {
            return train(completions, fresh, index, parameters, positives, earlier, anchors, misses, gated);
        } finally {
            parameters.forEach(p -> p.setRequiresGradient(false));
        }
    }

    private Outcome train(
            List<Completion> completions,
            Expert fresh,
            int index,
            List<NDArray> parameters,
            List<PromptTokens> positives,
            List<PromptTokens> earlier,
            List<Anchor> anchors,
            List<int[]> misses,
            boolean gated)
            throws EditException {
        LemoeSettings settings = bank.settings();
        try (NDManager constants = bank.manager().newSubManager()) {
            NDArray ePositive = AnchorRouting.embed(constants, table.get(), ids(positives));
            NDArray eEarlier = earlier.isEmpty() ? null : AnchorRouting.embed(constants, table.get(), ids(earlier));
            List<int[]> negativeIds = new ArrayList<>(misses);
            negativeIds.addAll(ids(earlier));
            NDArray eNegative = negativeIds.isEmpty() ? null : AnchorRouting.embed(constants, table.get(), negativeIds);
            int[] owners = anchors.stream().mapToInt(Anchor::expert).toArray();
            // earlier experts' scores do not change in this batch unless the projection is shared
            NDArray oldPositive = null;
            NDArray oldEarlier = null;
            ExpertBank.Stack stack = bank.view().stack();
            if (bank.shared() == null && stack != null) {
                oldPositive = AnchorRouting.stackScores(constants, ePositive, stack, null)
                        .stopGradient();
                oldEarlier = eEarlier == null
                        ? null
                        : AnchorRouting.stackScores(constants, eEarlier, stack, null)
                                .stopGradient();
            }
            Earlier all = new Earlier(eEarlier, oldEarlier, owners);
            Holding holding = new Holding(
                    constants,
                    fresh,
                    index,
                    ePositive,
                    oldPositive,
                    all,
                    eNegative,
                    gated,
                    new Random(settings.seed() * 1_000_003L + index));
            RoutingObjective objective = holding.next();
            int routerSteps = 0;
            double routingLoss = Double.NaN;
            List<NDArray> trained = parameters;
            boolean twoStage = settings.routerSteps() > 0 && objective.active();
            if (twoStage) {
                List<NDArray> routing = new ArrayList<>(List.of(fresh.key()));
                routing.addAll(bank.projectionOf(fresh).parameters());
                double[] last = {Double.NaN};
                routerSteps = optimise(routing, settings.routerSteps(), index, last, holding);
                routingLoss = last[0];
                // the routing is settled: the expert is trained behind it, as it will be used
                trained = parameters.stream()
                        .filter(p -> routing.stream().noneMatch(r -> r == p))
                        .toList();
                routing.forEach(p -> p.setRequiresGradient(false));
            }
            Map<String, Integer> routes = new HashMap<>();
            double[] epochNll = {Double.NaN};
            int epoch = 0;
            int steps = 0;
            int unreached = 0;
            long stepNanos = 0;
            int stepsRun = 0;
            try (NDManager moments = bank.manager().newSubManager()) {
                Adam adam = new Adam(
                        moments, trained, settings.learningRate(), 0.9f, 0.999f, 1e-8f, settings.weightDecay());
                GuardedSteps guard = new GuardedSteps(List.of(adam));
                while (epoch < settings.epochs()) {
                    epoch++;
                    double nllSum = 0;
                    int counted = 0;
                    for (int from = 0; from < completions.size(); from += settings.miniBatch()) {
                        List<Completion> part =
                                completions.subList(from, Math.min(completions.size(), from + settings.miniBatch()));
                        long stepStart = System.nanoTime();
                        try (NDManager scratch = constants.newSubManager();
                                GradientCollector collector = session.newGradientCollector()) {
                            ForwardResult result = session.forward(scratch, part, ForwardOptions.TRAINING);
                            RoutePass pass = result.context()
                                    .attribute(attribute, RoutePass.class)
                                    .orElseThrow(() ->
                                            new IllegalStateException("LEMoE's mixture did not run: was it unhooked?"));
                            for (int b = 0; b < part.size(); b++) {
                                routes.put(part.get(b).prompt(), pass.selected()[b]);
                            }
                            NDArray nll = result.loss();
                            NDArray routing = twoStage ? null : holding.next().loss(scratch);
                            NDArray loss = routing == null ? nll : nll.add(routing);
                            float value = loss.getFloat();
                            if (!pass.reached(index)) {
                                // no prompt of this mini-batch reached the new expert: nothing to train on
                                unreached += part.size();
                            } else if (guard.step(collector, loss)) {
                                steps++;
                                nllSum += nll.getFloat() * part.size();
                                counted += part.size();
                            } else if (guard.diverged()) {
                                throw diverged(index, value, "epoch " + epoch);
                            }
                        }
                        stepNanos += System.nanoTime() - stepStart;
                        stepsRun++;
                    }
                    epochNll[0] = counted == 0 ? Double.NaN : nllSum / counted;
                    if (epochNll[0] < settings.stopLoss() || counted == 0 && unreached > 0) {
                        break; // done, or nothing reaches the expert: the next epoch would be the same
                    }
                }
            }
            if (steps == 0 && unreached > 0) {
                throw new EditException(LemoeSettings.METHOD + ": no prompt of the batch reached expert " + index
                        + " in training: the router sends them to earlier experts (routing loss "
                        + String.format(java.util.Locale.ROOT, "%.3g", routingLoss) + " after " + routerSteps
                        + " router steps; more routerSteps or a smaller batch may help)");
            }
            double after = lossAfterTraining(completions, settings.miniBatch());
            if (!Double.isFinite(after)) {
                throw new EditException(LemoeSettings.METHOD + ": after training expert " + index + " the loss of its"
                        + " batch is " + after);
            }
            GateFit gate;
            try (NDManager scratch = constants.newSubManager()) {
                gate = GateFit.fit(
                        scratch, bank, fresh, index, Ops.local(scratch, ePositive), Ops.local(scratch, eNegative));
            }
            return new Outcome(
                    after,
                    epochNll[0],
                    epoch,
                    steps,
                    stepsRun == 0 ? Double.NaN : stepNanos / 1e9 / stepsRun,
                    routerSteps,
                    routingLoss,
                    routes,
                    gate.threshold(),
                    gate.leak(),
                    gate.radii());
        }
    }

    /**
     * Earlier edits as the routing objective sees them.
     *
     * @param embeddings their prompts' instance embeddings {@code [A, d]}, or {@code null} when none
     * @param oldScores the frozen experts' scores of them {@code [A, f]}, or {@code null} (shared projection)
     * @param owners the expert of each
     */
    record Earlier(NDArray embeddings, NDArray oldScores, int[] owners) {

        /** The rows (in order) of the at most {@code sample} edits nearest to {@code positives}; all for 0. */
        List<Integer> nearest(NDManager manager, NDArray positives, int sample) {
            int count = owners.length;
            if (sample == 0 || count <= sample) {
                return IntStream.range(0, count).boxed().toList();
            }
            NDArray positivesT = positives.transpose();
            float[] distance = AnchorRouting.squaredDistances(
                            Ops.local(manager, embeddings),
                            positivesT,
                            positives.square().sum(new int[] {1}))
                    .min(new int[] {1})
                    .toFloatArray();
            List<Integer> rows =
                    new ArrayList<>(IntStream.range(0, count).boxed().toList());
            rows.sort(Comparator.comparingDouble((Integer r) -> distance[r]).thenComparingInt(r -> r));
            List<Integer> nearest = new ArrayList<>(rows.subList(0, sample));
            Collections.sort(nearest);
            return nearest;
        }

        /** These edits' rows {@code held}, copied into {@code manager}. */
        Earlier rows(NDManager manager, List<Integer> held) {
            NDArray index =
                    manager.create(held.stream().mapToLong(Integer::longValue).toArray());
            int[] heldOwners = held.stream().mapToInt(r -> owners[r]).toArray();
            return new Earlier(
                    embeddings.get(manager, new NDIndex("{}", index)),
                    oldScores == null ? null : oldScores.get(manager, new NDIndex("{}", index)),
                    heldOwners);
        }
    }

    /** The mean NLL of the batch's targets in inference passes, as the edits will be used. */
    private double lossAfterTraining(List<Completion> completions, int miniBatch) {
        double sum = 0;
        for (int from = 0; from < completions.size(); from += miniBatch) {
            List<Completion> part = completions.subList(from, Math.min(completions.size(), from + miniBatch));
            try (NDManager scratch = bank.manager().newSubManager()) {
                sum += session.forward(scratch, part, ForwardOptions.INFERENCE)
                                .loss()
                                .getFloat()
                        * part.size();
            }
        }
        return sum / completions.size();
    }

    private static EditException diverged(int index, float value, String when) {
        return new EditException(
                LemoeSettings.METHOD + ": the loss of expert " + index + " was not finite (" + value + ") in " + when);
    }

    /**
     * Up to {@code steps} Adam steps on {@code parameters} against the objectives {@code holding}
     * gives (a new sample of earlier edits every {@link #SETTLED_EVERY} steps); returns the steps
     * taken. They stop early when the objective is below {@code stopLoss}, or when the routing is
     * settled: for the sample, then for every earlier edit.
     */
    private int optimise(List<NDArray> parameters, int steps, int index, double[] last, Holding holding)
            throws EditException {
        LemoeSettings settings = bank.settings();
        int taken = 0;
        RoutingObjective objective = holding.current();
        try (NDManager moments = bank.manager().newSubManager()) {
            Adam adam =
                    new Adam(moments, parameters, settings.learningRate(), 0.9f, 0.999f, 1e-8f, settings.weightDecay());
            GuardedSteps guard = new GuardedSteps(List.of(adam));
            for (int step = 1; step <= steps; step++) {
                try (NDManager scratch = bank.manager().newSubManager();
                        GradientCollector collector = session.newGradientCollector()) {
                    NDArray loss = objective.loss(scratch);
                    float value = loss.getFloat();
                    if (guard.step(collector, loss)) {
                        taken++;
                        last[0] = value;
                        if (value < settings.stopLoss()) {
                            break;
                        }
                    } else if (guard.diverged()) {
                        throw diverged(index, value, "router step " + step);
                    }
                }
                if (step % SETTLED_EVERY == 0) {
                    try (NDManager scratch = bank.manager().newSubManager()) {
                        if (objective.settled(scratch) && holding.settledForAll(scratch)) {
                            break;
                        }
                    }
                    objective = holding.next();
                }
            }
        }
        return taken;
    }

    /**
     * Which earlier edits the routing objective holds to their experts: all of them when there are
     * at most {@code anchorSample} (or it is 0); otherwise the half of the sample nearest to the
     * batch's prompts always, and the other half drawn anew from the rest at every {@link #next}, so
     * that over the router steps every earlier edit is held while a step costs the sample, not the
     * stream.
     */
    private final class Holding {

        private final NDManager constants;
        private final Expert fresh;
        private final int index;
        private final NDArray ePositive;
        private final NDArray oldPositive;
        private final Earlier all;
        private final NDArray eNegative;
        private final boolean gated;
        private final Random random;
        private final List<Integer> nearest;
        private final List<Integer> rest;
        private final RoutingObjective everyone;
        private RoutingObjective current;
        private NDManager sampled;

        Holding(
                NDManager constants,
                Expert fresh,
                int index,
                NDArray ePositive,
                NDArray oldPositive,
                Earlier all,
                NDArray eNegative,
                boolean gated,
                Random random) {
            this.constants = constants;
            this.fresh = fresh;
            this.index = index;
            this.ePositive = ePositive;
            this.oldPositive = oldPositive;
            this.all = all;
            this.eNegative = eNegative;
            this.gated = gated;
            this.random = random;
            this.everyone = objective(all);
            int sample = bank.settings().anchorSample();
            int count = all.owners().length;
            if (sample == 0 || count <= sample) {
                nearest = null;
                rest = null;
            } else {
                nearest = sample / 2 == 0 ? List.of() : all.nearest(constants, ePositive, sample / 2);
                Set<Integer> near = new HashSet<>(nearest);
                rest = IntStream.range(0, count)
                        .filter(r -> !near.contains(r))
                        .boxed()
                        .toList();
            }
        }

        /** The objective of the last {@link #next}. */
        RoutingObjective current() {
            return current;
        }

        /** An objective over a new sample (the same one, over all, when all are held). */
        RoutingObjective next() {
            if (nearest == null) {
                current = everyone;
                return current;
            }
            int sample = bank.settings().anchorSample();
            List<Integer> drawn = new ArrayList<>(rest);
            Collections.shuffle(drawn, random);
            List<Integer> held = new ArrayList<>(nearest);
            held.addAll(drawn.subList(0, Math.min(drawn.size(), sample - nearest.size())));
            Collections.sort(held);
            if (sampled != null) {
                sampled.close(); // the previous sample's rows
            }
            sampled = constants.newSubManager();
            current = objective(all.rows(sampled, held));
            return current;
        }

        /** Whether every earlier edit (not just the sample) gives its own expert the settled probability. */
        boolean settledForAll(NDManager scratch) {
            return nearest == null || everyone.settled(scratch);
        }

        private RoutingObjective objective(Earlier earlier) {
            return new RoutingObjective(
                    bank,
                    router,
                    fresh,
                    index,
                    ePositive,
                    earlier.embeddings(),
                    eNegative,
                    earlier.owners(),
                    oldPositive,
                    earlier.oldScores(),
                    gated);
        }
    }

    private static List<int[]> ids(List<PromptTokens> prompts) {
        return prompts.stream().map(PromptTokens::ids).toList();
    }
}
