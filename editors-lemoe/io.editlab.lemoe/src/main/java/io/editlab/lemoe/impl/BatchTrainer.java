package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

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
        List<Anchor> anchors = bank.anchors();
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
            RoutingObjective objective = new RoutingObjective(
                    bank, router, fresh, index, ePositive, eEarlier, eNegative, owners, oldPositive, oldEarlier, gated);
            int routerSteps = 0;
            double routingLoss = Double.NaN;
            List<NDArray> trained = parameters;
            boolean twoStage = settings.routerSteps() > 0 && objective.active();
            if (twoStage) {
                List<NDArray> routing = new ArrayList<>(List.of(fresh.key()));
                routing.addAll(bank.projectionOf(fresh).parameters());
                double[] last = {Double.NaN};
                routerSteps = optimise(routing, settings.routerSteps(), index, last, objective);
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
                            NDArray routing = twoStage ? null : objective.loss(scratch);
                            NDArray loss = routing == null ? nll : nll.add(routing);
                            float value = loss.getFloat();
                            if (guard.step(collector, loss)) {
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
                    if (epochNll[0] < settings.stopLoss()) {
                        break;
                    }
                }
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

    /** Up to {@code steps} Adam steps on {@code parameters} against {@code objective}; returns the steps taken. */
    private int optimise(List<NDArray> parameters, int steps, int index, double[] last, RoutingObjective objective)
            throws EditException {
        LemoeSettings settings = bank.settings();
        int taken = 0;
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
                        if (objective.settled(scratch)) {
                            break;
                        }
                    }
                }
            }
        }
        return taken;
    }

    private static List<int[]> ids(List<PromptTokens> prompts) {
        return prompts.stream().map(PromptTokens::ids).toList();
    }
}
