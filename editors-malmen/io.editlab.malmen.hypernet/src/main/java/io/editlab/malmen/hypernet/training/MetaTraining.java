package io.editlab.malmen.hypernet.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.ModelHandle;
import io.editlab.editkit.Adam;
import io.editlab.editkit.Copies;
import io.editlab.editkit.GuardedSteps;
import io.editlab.malmen.hypernet.EditedModule;
import io.editlab.malmen.hypernet.HyperNetwork;
import io.editlab.malmen.hypernet.HypernetCheckpoint;
import io.editlab.malmen.hypernet.HypernetConfig;
import io.editlab.malmen.hypernet.KeyTracer;
import io.editlab.malmen.hypernet.Layouts;
import io.editlab.malmen.hypernet.MetaGradients;
import io.editlab.malmen.hypernet.NormalEquation;
import io.editlab.malmen.hypernet.ShiftAggregator;
import io.editlab.malmen.hypernet.Variant;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * One meta-training run (README, 'Meta-training'). Per meta-step, for a chunk of {@code editsPerStep} facts:
 *
 * <ol>
 *   <li>trace the edit tuples: keys and value gradients at the edited modules, in LM mini-batches;
 *       update the normaliser;
 *   <li>predict each module's shift S with the hyper-network (no gradient);
 *   <li>set the session's deltas to S; back-propagate the generalisation loss (mean target NLL of
 *       the rephrasings, per mini-batch) and {@code locCoef} times the locality loss (KL of the
 *       unedited model's distribution to the edited one's at the unrelated prompts' answer
 *       positions); read {@code G = dL/dW} from the deltas and set them back to zero;
 *   <li>back-propagate through the aggregation into the hyper-network, chunk by chunk: MALMEN's
 *       surrogate {@code sum_j <dL/dd_j, d_j>} with {@code dL/dD = U (U^T U + lambda I)^-1 G} and the
 *       explicit {@code dL/d ell}; MEND's {@code <G, S>}; clip the global norm and take an Adam step.
 * </ol>
 *
 * The language model and the hyper-network meet only through the cached keys and gradients, the
 * shifts and {@code G}. The base model is never changed: all work happens in a private session.
 * After every epoch the hyper-network edits the validation facts in chunks of the same size (with
 * the model reverted after each chunk) and is scored; the best by validation meta-loss is written
 * to the output folder, and training stops after {@code patience} epochs without improvement.
 */
final class MetaTraining {

    private static final System.Logger LOG = System.getLogger(MetaTraining.class.getName());
    private static final NDIndex ALL = new NDIndex("...");

    private final ModelHandle model;
    private final TrainerSettings settings;
    private final ProgressListener progress;
    private final Variant variant;

    MetaTraining(ModelHandle model, TrainerSettings settings, ProgressListener progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
        this.variant = settings.variant();
    }

    /** A fact with the tuples of the meta-loss. */
    record Fact(String id, Completion edit, List<Completion> equivalents, List<Completion> unrelated) {}

    /** Validation scores: the meta-loss and teacher-forced token accuracies. */
    record Scores(
            double loss,
            double generalizationLoss,
            double localityLoss,
            double editSuccess,
            double generalization,
            double locality) {}

    Path run(List<EditRequest> training, List<EditRequest> validation, Path output) throws EditException {
        try {
            return train(training, validation, output);
        } catch (EditException e) {
            String culprit = e.getCause() instanceof IllegalArgumentException ? culprit(training, validation) : "";
            if (culprit.isEmpty()) {
                throw e;
            }
            String prefix = variant.id() + " meta-trainer: ";
            String message =
                    e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
            throw new EditException(prefix + culprit + message, e);
        }
    }

    /** "record ID: " for the first record with a tuple the model cannot take (too long, no tokens), or "". */
    private String culprit(List<EditRequest> training, List<EditRequest> validation) {
        List<Fact> all = new ArrayList<>(facts(training));
        all.addAll(facts(validation));
        for (Fact fact : all) {
            List<Completion> tuples = new ArrayList<>(List.of(fact.edit()));
            tuples.addAll(fact.equivalents());
            tuples.addAll(fact.unrelated());
            for (Completion tuple : tuples) {
                try {
                    model.score(List.of(tuple));
                } catch (IllegalArgumentException e) {
                    return "record " + fact.id() + ": ";
                }
            }
        }
        return "";
    }

    private Path train(List<EditRequest> training, List<EditRequest> validation, Path output) throws EditException {
        if (training.isEmpty()) {
            throw new EditException(variant.id() + " meta-trainer: the training split is empty");
        }
        long started = System.nanoTime();
        List<Fact> train = facts(training);
        List<Fact> valid = facts(validation);
        HypernetConfig config;
        try {
            config = HypernetConfig.of(
                    model,
                    variant,
                    settings.modules(model),
                    settings.options().rank(),
                    settings.options().blocks(),
                    settings.tokens(),
                    settings.options().lmBatchSize());
        } catch (IllegalArgumentException e) {
            throw new EditException(variant.id() + " meta-trainer: " + e.getMessage(), e);
        }
        int chunk = Math.min(settings.options().editsPerStep(), train.size());
        int stepsPerEpoch = train.size() / chunk;
        try (EditSession session = model.openSession("train-hypernet:" + variant.id());
                HyperNetwork network = HyperNetwork.create(
                        config,
                        settings.options().initialLr(),
                        settings.options().seed(),
                        session.manager());
                NDManager state = session.manager().newSubManager()) {
            network.setTrainable(true);
            Adam adam = new Adam(
                    state, network.parameters(), (float) settings.options().metaLr());
            Random random = new Random(settings.options().seed());
            Trainer trainer = new Trainer(session, network, adam);
            double best = Double.POSITIVE_INFINITY;
            int bestEpoch = 0;
            int epochsRun = 0;
            Scores bestScores = null;
            double lastTrainLoss = Double.NaN;
            int sinceBest = 0;
            for (int epoch = 1; epoch <= settings.options().epochs(); epoch++) {
                epochsRun = epoch;
                String label = "epoch " + epoch + "/" + settings.options().epochs();
                List<Fact> order = new ArrayList<>(train);
                Collections.shuffle(order, random);
                double lossSum = 0;
                int finite = 0;
                progress.progress(label + " meta-training", 0, stepsPerEpoch);
                for (int s = 0; s < stepsPerEpoch; s++) {
                    double loss = trainer.step(order.subList(s * chunk, (s + 1) * chunk));
                    if (Double.isFinite(loss)) {
                        lossSum += loss;
                        finite++;
                    }
                    progress.progress(
                            String.format(
                                    Locale.ROOT, "%s meta-training, loss %.4f", label, lossSum / Math.max(1, finite)),
                            s + 1,
                            stepsPerEpoch);
                }
                lastTrainLoss = finite == 0 ? Double.NaN : lossSum / finite;
                Scores scores = valid.isEmpty() ? null : trainer.evaluate(valid, chunk, label);
                double criterion = scores == null ? lastTrainLoss : scores.loss();
                if (scores != null) {
                    progress.progress(
                            String.format(
                                    Locale.ROOT,
                                    "%s validation: loss %.4f (gen %.4f, loc %.4f)" + " ES %.3f GS %.3f LS %.3f",
                                    label,
                                    scores.loss(),
                                    scores.generalizationLoss(),
                                    scores.localityLoss(),
                                    scores.editSuccess(),
                                    scores.generalization(),
                                    scores.locality()),
                            1,
                            1);
                }
                if (criterion < best) {
                    best = criterion;
                    bestEpoch = epoch;
                    bestScores = scores;
                    sinceBest = 0;
                    save(
                            network,
                            output,
                            record(
                                    epoch,
                                    epochsRun,
                                    bestEpoch,
                                    lastTrainLoss,
                                    bestScores,
                                    trainer,
                                    train.size(),
                                    valid.size(),
                                    started));
                } else if (++sinceBest >= settings.options().patience()) {
                    break;
                }
            }
            if (bestEpoch == 0) {
                throw new EditException(variant.id() + " meta-trainer: no epoch ended with a finite loss; lower"
                        + " metaLr (now " + settings.options().metaLr() + ")");
            }
            // the checkpoint holds the best epoch's parameters; update its record with the whole run
            try (HyperNetwork saved = HypernetCheckpoint.load(output, state)) {
                save(
                        saved,
                        output,
                        record(
                                bestEpoch,
                                epochsRun,
                                bestEpoch,
                                lastTrainLoss,
                                bestScores,
                                trainer,
                                train.size(),
                                valid.size(),
                                started));
            }
            return output;
        }
    }

    private void save(HyperNetwork network, Path output, Map<String, String> record) throws EditException {
        try {
            HypernetCheckpoint.save(network, output, record);
        } catch (IOException e) {
            throw new EditException(variant.id() + " meta-trainer: cannot write " + output + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> record(
            int epoch,
            int epochsRun,
            int bestEpoch,
            double trainLoss,
            Scores scores,
            Trainer trainer,
            int trainFacts,
            int validFacts,
            long started) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("epochs_run", Integer.toString(epochsRun));
        r.put("best_epoch", Integer.toString(bestEpoch));
        r.put("train_loss", Double.toString(trainLoss));
        if (scores != null) {
            r.put("val_loss", Double.toString(scores.loss()));
            r.put("val_generalization_loss", Double.toString(scores.generalizationLoss()));
            r.put("val_locality_loss", Double.toString(scores.localityLoss()));
            r.put("val_edit_success", Double.toString(scores.editSuccess()));
            r.put("val_generalization", Double.toString(scores.generalization()));
            r.put("val_locality", Double.toString(scores.locality()));
        }
        r.put("meta_steps", Integer.toString(trainer.guard.taken()));
        r.put("seconds_lm", String.format(Locale.ROOT, "%.1f", trainer.lmSeconds));
        r.put("seconds_hypernet", String.format(Locale.ROOT, "%.1f", trainer.hypernetSeconds));
        r.put("skipped_steps", Integer.toString(trainer.guard.skipped()));
        r.put("training_facts", Integer.toString(trainFacts));
        r.put("validation_facts", Integer.toString(validFacts));
        r.put("seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        for (EditedModule m : trainer.network.config().modules()) {
            r.put("eta." + m.module(), Double.toString(trainer.network.eta(m)));
            if (variant == Variant.MALMEN) {
                r.put("lambda." + m.module(), Double.toString(trainer.network.lambda(m)));
            }
        }
        settings.describe().forEach((k, v) -> r.put("setting." + k, v));
        return r;
    }

    List<Fact> facts(List<EditRequest> requests) {
        List<Fact> facts = new ArrayList<>();
        for (EditRequest r : requests) {
            List<String> rephrases = r.rephrases().isEmpty() ? List.of(r.prompt()) : r.rephrases();
            int count = settings.options().rephrases() < 0
                    ? rephrases.size()
                    : Math.min(settings.options().rephrases(), rephrases.size());
            List<Completion> equivalents = rephrases.subList(0, count).stream()
                    .map(p -> new Completion(p, r.target()))
                    .toList();
            List<Completion> unrelated = new ArrayList<>();
            for (Probe probe : r.locality()) {
                if (!probe.answer().isBlank()) {
                    unrelated.add(new Completion(probe.prompt(), probe.answer()));
                }
            }
            facts.add(new Fact(r.id(), new Completion(r.prompt(), r.target()), equivalents, unrelated));
        }
        return facts;
    }

    /** The training state of one run: the session it edits, the network and its optimiser. */
    final class Trainer {
        private final EditSession session;
        private final HyperNetwork network;
        private final List<EditedModule> modules;
        /** Steps taken and skipped as non-finite. */
        final GuardedSteps guard;
        /** Seconds spent in language-model work (tracing, losses) and in hyper-network work (prediction, meta-gradients). */
        double lmSeconds;

        double hypernetSeconds;

        Trainer(EditSession session, HyperNetwork network, Adam adam) {
            this.session = session;
            this.network = network;
            this.modules = network.config().modules();
            this.guard = new GuardedSteps(List.of(adam));
            modules.forEach(m -> session.delta(m.weight()));
        }

        /** One meta-step on {@code chunk}; returns its meta-loss (generalisation + locCoef * locality). */
        double step(List<Fact> chunk) throws EditException {
            double[] losses = metaGradients(chunk);
            double loss = losses[0] + settings.options().locCoef() * losses[1];
            long t0 = System.nanoTime();
            boolean moved = guard.step(loss, settings.options().maxGradNorm()); // clips, then steps or skips
            hypernetSeconds += (System.nanoTime() - t0) / 1e9;
            if (!moved) {
                if (guard.diverged()) {
                    throw new EditException(String.format(
                            Locale.ROOT,
                            "%s meta-trainer: meta-training diverged:"
                                    + " %d steps in a row had a non-finite loss or gradient (last loss %s); lower metaLr"
                                    + " (now %s) or initialLr (now %s)",
                            variant.id(),
                            GuardedSteps.TOLERATED_IN_A_ROW + 1,
                            loss,
                            settings.options().metaLr(),
                            settings.options().initialLr()));
                }
                LOG.log(System.Logger.Level.WARNING, "skipped a meta-step: loss {0}", loss);
                return Double.NaN;
            }
            return loss;
        }

        /**
         * Steps 1-6 of a meta-step on {@code chunk}: leaves the meta-gradients in the network's
         * parameters (not clipped) and returns the meta-loss's terms {generalisation, locality}.
         */
        double[] metaGradients(List<Fact> chunk) throws EditException {
            try (NDManager step = session.manager().newSubManager()) {
                long t0 = System.nanoTime();
                Cache cache = cache(step, chunk);
                long t1 = System.nanoTime();
                Map<EditedModule, NDArray> shifts = new LinkedHashMap<>();
                Map<EditedModule, NormalEquation.Solution> solutions = new LinkedHashMap<>();
                predict(step, cache, shifts, solutions);
                long t2 = System.nanoTime();
                double[] losses;
                Map<EditedModule, NDArray> gradients = new LinkedHashMap<>();
                try {
                    setDeltas(shifts, step, true);
                    losses = lossGradients(step, chunk);
                    for (EditedModule m : modules) {
                        NDArray delta = session.delta(m.weight());
                        try (NDArray g = delta.getGradient()) {
                            gradients.put(m, Layouts.keyValue(g, m.layout(), step));
                            g.set(ALL, 0f);
                        }
                    }
                } finally {
                    resetDeltas();
                }
                long t3 = System.nanoTime();
                backward(step, cache, solutions, gradients);
                session.delta(modules.get(0).weight()); // out of gradient mode: Adam updates in place
                long t4 = System.nanoTime();
                lmSeconds += (t1 - t0 + t3 - t2) / 1e9;
                hypernetSeconds += (t2 - t1 + t4 - t3) / 1e9;
                solutions.values().forEach(NormalEquation.Solution::close);
                return losses;
            }
        }

        /** Step 1: keys and value gradients of the chunk's edit tuples, per module, stacked. */
        Cache cache(NDManager step, List<Fact> chunk) throws EditException {
            Map<EditedModule, List<NDArray>> keys = new LinkedHashMap<>();
            Map<EditedModule, List<NDArray>> grads = new LinkedHashMap<>();
            modules.forEach(m -> {
                keys.put(m, new ArrayList<>());
                grads.put(m, new ArrayList<>());
            });
            List<Completion> edits = chunk.stream().map(Fact::edit).toList();
            for (List<Completion> batch : KeyTracer.batches(
                    session.tokenizer(), edits, settings.options().lmBatchSize())) {
                try (NDManager scratch = step.newSubManager()) {
                    KeyTracer.trace(
                            session,
                            scratch,
                            batch,
                            modules,
                            network.config().tokens(),
                            settings.options().lmBatchSize(),
                            (m, u, g) -> {
                                network.observe(m, u, g);
                                keys.get(m).add(Copies.into(step, u));
                                grads.get(m).add(Copies.into(step, g));
                            });
                }
            }
            Map<EditedModule, NDArray> u = new LinkedHashMap<>();
            Map<EditedModule, NDArray> d = new LinkedHashMap<>();
            for (EditedModule m : modules) {
                u.put(m, NDArrays.concat(new NDList(keys.get(m)), 0));
                d.put(m, NDArrays.concat(new NDList(grads.get(m)), 0));
            }
            return new Cache(u, d);
        }

        /** Step 2: each module's shift, without recording gradients; MALMEN's solutions are kept for step 6. */
        void predict(
                NDManager step,
                Cache cache,
                Map<EditedModule, NDArray> shifts,
                Map<EditedModule, NormalEquation.Solution> solutions) {
            network.setTrainable(false);
            try {
                for (EditedModule m : modules) {
                    try (ShiftAggregator aggregator = new ShiftAggregator(network, m, step)) {
                        forChunks(step, cache, m, aggregator::add);
                        if (aggregator.equation() != null) {
                            NormalEquation.Solution solution =
                                    aggregator.equation().solve(network.lambda(m), step);
                            solutions.put(m, solution);
                            shifts.put(m, solution.shift(step));
                        } else {
                            shifts.put(m, aggregator.shift(step));
                        }
                    }
                }
            } finally {
                network.setTrainable(true);
            }
        }

        /**
         * Step 3-5 with the deltas set to the shifts: back-propagates the generalisation and locality
         * losses into the deltas. Returns their per-mini-batch means.
         */
        double[] lossGradients(NDManager step, List<Fact> chunk) throws EditException {
            List<Completion> equivalents =
                    chunk.stream().flatMap(f -> f.equivalents().stream()).toList();
            List<Completion> unrelated =
                    chunk.stream().flatMap(f -> f.unrelated().stream()).toList();
            double gen = 0;
            int genBatches = 0;
            for (List<Completion> batch : KeyTracer.batches(
                    session.tokenizer(), equivalents, settings.options().lmBatchSize())) {
                try (NDManager scratch = step.newSubManager();
                        GradientCollector collector = session.newGradientCollector()) {
                    NDArray loss = session.forward(scratch, batch, ForwardOptions.INFERENCE)
                            .loss();
                    gen += loss.getFloat();
                    genBatches++;
                    collector.backward(loss);
                } catch (IllegalArgumentException e) {
                    throw new EditException(variant.id() + " meta-trainer: " + e.getMessage(), e);
                }
            }
            double loc = 0;
            int locBatches = 0;
            if (settings.options().locCoef() > 0) {
                for (List<Completion> batch : KeyTracer.batches(
                        session.tokenizer(), unrelated, settings.options().lmBatchSize())) {
                    try (NDManager scratch = step.newSubManager()) {
                        NDArray before = model.forward(scratch, batch, ForwardOptions.INFERENCE)
                                .logits()
                                .logSoftmax(1);
                        try (GradientCollector collector = session.newGradientCollector()) {
                            NDArray after = session.forward(scratch, batch, ForwardOptions.INFERENCE)
                                    .logits()
                                    .logSoftmax(1);
                            NDArray kl = before.exp()
                                    .mul(before.sub(after))
                                    .sum()
                                    .div(before.getShape().get(0));
                            loc += kl.getFloat();
                            locBatches++;
                            collector.backward(kl.mul(settings.options().locCoef()));
                        }
                    } catch (IllegalArgumentException e) {
                        throw new EditException(variant.id() + " meta-trainer: " + e.getMessage(), e);
                    }
                }
            }
            return new double[] {gen / Math.max(1, genBatches), loc / Math.max(1, locBatches)};
        }

        /** Step 6: meta-gradients into the hyper-network's parameters, chunk by chunk. */
        void backward(
                NDManager step,
                Cache cache,
                Map<EditedModule, NormalEquation.Solution> solutions,
                Map<EditedModule, NDArray> gradients) {
            Map<EditedModule, Double> ellGradients = new LinkedHashMap<>();
            try (GradientCollector collector = session.newGradientCollector()) {
                for (EditedModule m : modules) {
                    NDArray g = gradients.get(m);
                    if (variant == Variant.MALMEN) {
                        NormalEquation.Backward back = solutions.get(m).backward(g, step);
                        ellGradients.put(m, back.ellGradient());
                        forChunks(
                                step,
                                cache,
                                m,
                                (u, d) -> collector.backward(MetaGradients.malmen(network, m, u, d, back)));
                    } else {
                        forChunks(
                                step, cache, m, (u, d) -> collector.backward(MetaGradients.mend(network, m, u, d, g)));
                    }
                }
                if (variant == Variant.MALMEN) {
                    for (int group = 0; group < network.config().groups(); group++) {
                        try (NDManager scratch = step.newSubManager()) {
                            collector.backward(MetaGradients.ell(
                                    network, network.config().modulesOf(group), ellGradients, scratch));
                        }
                    }
                }
            }
        }

        /** Validation: edits {@code facts} chunk by chunk (reverting after each) and scores the edited model. */
        Scores evaluate(List<Fact> facts, int chunk, String label) throws EditException {
            double gen = 0;
            double loc = 0;
            int genBatches = 0;
            int locBatches = 0;
            long[] es = new long[2];
            long[] gs = new long[2];
            long[] ls = new long[2];
            int chunks = (facts.size() + chunk - 1) / chunk;
            for (int c = 0; c < chunks; c++) {
                List<Fact> part = facts.subList(c * chunk, Math.min(facts.size(), (c + 1) * chunk));
                try (NDManager step = session.manager().newSubManager()) {
                    Cache cache = cache(step, part);
                    Map<EditedModule, NDArray> shifts = new LinkedHashMap<>();
                    Map<EditedModule, NormalEquation.Solution> solutions = new LinkedHashMap<>();
                    predict(step, cache, shifts, solutions);
                    solutions.values().forEach(NormalEquation.Solution::close);
                    try {
                        setDeltas(shifts, step, false);
                        List<Completion> edits = part.stream().map(Fact::edit).toList();
                        List<Completion> equivalents = part.stream()
                                .flatMap(f -> f.equivalents().stream())
                                .toList();
                        List<Completion> unrelated = part.stream()
                                .flatMap(f -> f.unrelated().stream())
                                .toList();
                        for (List<Completion> b : KeyTracer.batches(
                                session.tokenizer(), edits, settings.options().lmBatchSize())) {
                            try (NDManager scratch = step.newSubManager()) {
                                count(session.forward(scratch, b, ForwardOptions.INFERENCE), null, es);
                            }
                        }
                        for (List<Completion> b : KeyTracer.batches(
                                session.tokenizer(),
                                equivalents,
                                settings.options().lmBatchSize())) {
                            try (NDManager scratch = step.newSubManager()) {
                                ForwardResult r = session.forward(scratch, b, ForwardOptions.INFERENCE);
                                gen += r.loss().getFloat();
                                genBatches++;
                                count(r, null, gs);
                            }
                        }
                        for (List<Completion> b : KeyTracer.batches(
                                session.tokenizer(),
                                unrelated,
                                settings.options().lmBatchSize())) {
                            try (NDManager scratch = step.newSubManager()) {
                                NDArray before = model.forward(scratch, b, ForwardOptions.INFERENCE)
                                        .logits()
                                        .logSoftmax(1);
                                NDArray after = session.forward(scratch, b, ForwardOptions.INFERENCE)
                                        .logits()
                                        .logSoftmax(1);
                                loc += before.exp().mul(before.sub(after)).sum().getFloat()
                                        / before.getShape().get(0);
                                locBatches++;
                                count(null, new NDArray[] {before, after}, ls);
                            }
                        }
                    } catch (IllegalArgumentException e) {
                        throw new EditException(variant.id() + " meta-trainer: " + e.getMessage(), e);
                    } finally {
                        resetDeltas();
                    }
                }
                progress.progress(label + " validation", c + 1, chunks);
            }
            double genLoss = gen / Math.max(1, genBatches);
            double locLoss = loc / Math.max(1, locBatches);
            return new Scores(
                    genLoss + settings.options().locCoef() * locLoss,
                    genLoss,
                    locLoss,
                    ratio(es),
                    ratio(gs),
                    ratio(ls));
        }

        /** Adds correct and total target tokens: argmax against targets, or post- against pre-edit argmax. */
        private void count(ForwardResult result, NDArray[] beforeAfter, long[] tally) {
            NDArray predicted = result != null ? result.logits().argMax(1) : beforeAfter[1].argMax(1);
            NDArray reference = result != null ? result.targets() : beforeAfter[0].argMax(1);
            NDArray equal = predicted.eq(reference).toType(DataType.INT64, false);
            tally[0] += equal.sum().getLong();
            tally[1] += equal.getShape().get(0);
        }

        private double ratio(long[] tally) {
            return tally[1] == 0 ? Double.NaN : tally[0] / (double) tally[1];
        }

        /** Sets each module's delta to its shift (in the stored layout), trainable or not. */
        private void setDeltas(Map<EditedModule, NDArray> shifts, NDManager step, boolean trainable) {
            for (EditedModule m : modules) {
                NDArray delta = session.delta(m.weight());
                delta.setRequiresGradient(false);
                delta.set(ALL, Layouts.stored(shifts.get(m), m.layout(), step).toType(delta.getDataType(), false));
                delta.setRequiresGradient(trainable);
            }
        }

        private void resetDeltas() {
            for (EditedModule m : modules) {
                NDArray delta = session.delta(m.weight());
                delta.setRequiresGradient(false);
                delta.set(ALL, 0f);
            }
        }

        /** Calls {@code body} on the module's cached rows in chunks of {@code tokenChunk}, each in its own manager. */
        private void forChunks(NDManager step, Cache cache, EditedModule m, ChunkBody body) {
            NDArray u = cache.keys.get(m);
            NDArray d = cache.gradients.get(m);
            long rows = u.getShape().get(0);
            for (long from = 0; from < rows; from += settings.options().tokenChunk()) {
                long to = Math.min(rows, from + settings.options().tokenChunk());
                try (NDManager scratch = step.newSubManager()) {
                    body.accept(
                            u.get(scratch, new NDIndex("{}:{}", from, to)),
                            d.get(scratch, new NDIndex("{}:{}", from, to)));
                }
            }
        }
    }

    @FunctionalInterface
    private interface ChunkBody {
        void accept(NDArray keys, NDArray gradients);
    }

    /** A chunk's stacked keys and value gradients per module. */
    private record Cache(Map<EditedModule, NDArray> keys, Map<EditedModule, NDArray> gradients) {}
}
