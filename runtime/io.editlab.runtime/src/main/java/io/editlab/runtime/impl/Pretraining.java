package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.TargetScore;
import io.editlab.api.train.PretrainingReport;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.editkit.Adam;
import io.editlab.editkit.GuardedSteps;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Trains a GPT-2-architecture model from scratch on completions, with a word-level vocabulary made
 * from their words, and writes it in Hugging Face layout.
 */
final class Pretraining {

    /** How Hugging Face's Whitespace pre-tokenizer splits text: runs of word characters or of symbols. */
    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    static final String UNKNOWN = "<unk>";
    private static final int MEASURE_SAMPLE = 2000;
    private static final double MAX_GRADIENT_NORM = 1.0;

    private final NDManager root;
    private final GradientGate gate;

    Pretraining(NDManager root, GradientGate gate) {
        this.root = root;
        this.gate = gate;
    }

    PretrainingReport run(
            PretrainingSpec spec,
            List<Completion> facts,
            List<String> extraWords,
            Path output,
            ProgressListener progress)
            throws ModelException {
        if (facts.isEmpty()) {
            throw new ModelException("nothing to pretrain on: no facts");
        }
        if (Files.exists(output)) {
            throw new ModelException(output + " already exists; choose a new folder");
        }
        long start = System.nanoTime();
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        Path lockFile = output.resolveSibling(output.getFileName() + ".lock");
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new ModelException(output + ": cannot create its folder: " + e.getMessage(), e);
        }
        try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = tryLock(lock);
                NDManager manager = root.newSubManager()) {
            if (held == null) {
                throw new ModelException("another pretraining is writing " + partial + " (it holds " + lockFile
                        + "); wait for it to end or stop it");
            }
            List<String> vocabulary = vocabulary(facts, extraWords);
            String fingerprint = PretrainingResume.fingerprint(spec, vocabulary, facts);
            boolean resuming = PretrainingResume.present(partial, fingerprint);
            if (!resuming) {
                deleteTree(partial);
                Files.createDirectories(partial);
            }
            String tokenizerJson = TextTokenizer.wordLevel(vocabulary, UNKNOWN);
            Files.writeString(partial.resolve(TextTokenizer.JSON), tokenizerJson);
            JsonObject config = config(spec, vocabulary.size(), positions(facts));
            Files.writeString(partial.resolve(Checkpoint.CONFIG), config.toString());
            Architecture architecture = Architecture.of(config, partial.resolve(Checkpoint.CONFIG));
            Map<String, NDArray> weights = initialWeights(architecture, spec, manager);
            try (TextTokenizer tokenizer = TextTokenizer.of(tokenizerJson, partial, vocabulary.size())) {
                Inference model = new Inference(
                        architecture.transformer(),
                        weights,
                        Overlay.NONE,
                        () -> tokenizer,
                        manager::newSubManager,
                        gate::backwards,
                        gate::inferenceOnThisThread);
                Trained trained = train(spec, facts, model, weights, manager, progress, partial, fingerprint, resuming);
                Safetensors.write(partial.resolve(Checkpoint.SINGLE), weights, Map.of("format", "pt"));
                Files.deleteIfExists(partial.resolve(PretrainingResume.FILE));
                Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE);
                Files.delete(lockFile); // still held: no other run can have taken it since
                long parameters =
                        weights.values().stream().mapToLong(NDArray::size).sum();
                return new PretrainingReport(
                        output,
                        parameters,
                        vocabulary.size(),
                        trained.epochs(),
                        trained.exactMatch(),
                        (System.nanoTime() - start) / 1e9);
            }
        } catch (IOException e) {
            throw new ModelException(partial + ": cannot write the model: " + e.getMessage(), e);
        }
    }

    private record Trained(int epochs, double exactMatch) {}

    /** The lock of {@code channel}'s file, or null when another run (of this process or another) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldHere) {
            return null;
        }
    }

    /**
     * Trains {@code weights} on {@code facts}, from the state saved in {@code partial} when {@code
     * resuming}, saving the state there after every epoch.
     */
    private Trained train(
            PretrainingSpec spec,
            List<Completion> facts,
            Inference model,
            Map<String, NDArray> weights,
            NDManager manager,
            ProgressListener progress,
            Path partial,
            String fingerprint,
            boolean resuming)
            throws ModelException, IOException {
        Adam adam = new Adam(manager, List.copyOf(weights.values()), spec.learningRate(), 0.9f, 0.98f, 1e-8f, 0f);
        GuardedSteps guard = new GuardedSteps(List.of(adam));
        int perEpoch = (facts.size() + spec.batchSize() - 1) / spec.batchSize();
        long total = (long) perEpoch * spec.epochs();
        long warmup = Math.max(1, Math.min(200, total / 10));
        PretrainingResume.Point start = resuming
                ? PretrainingResume.load(partial, weights, adam, manager)
                : new PretrainingResume.Point(0, 0, new Random(spec.seed()));
        Random random = start.random();
        long step = start.step();
        int epoch = start.epoch();
        if (resuming) {
            progress.progress(
                    String.format(Locale.ROOT, "resuming after epoch %d/%d", epoch, spec.epochs()), step, total);
        }
        double exactMatch = 0;
        while (epoch < spec.epochs()) {
            epoch++;
            List<Completion> order = new ArrayList<>(facts);
            Collections.shuffle(order, random);
            double lossSum = 0;
            for (int from = 0; from < order.size(); from += spec.batchSize()) {
                step++;
                adam.setLearningRate(schedule(spec.learningRate(), step, warmup, total));
                float loss =
                        trainStep(model, order.subList(from, Math.min(order.size(), from + spec.batchSize())), manager);
                if (!guard.step(loss, MAX_GRADIENT_NORM)) {
                    // PyTorch on this CPU path occasionally yields a non-finite step: skip it, but not forever
                    if (guard.diverged()) {
                        throw new ModelException("pretraining diverged at epoch " + epoch + ", step " + step + " ("
                                + guard.inARow() + " non-finite steps in a row, the last with loss " + loss
                                + "); try a lower learning rate");
                    }
                    continue;
                }
                lossSum += loss;
                progress.progress(
                        String.format(Locale.ROOT, "epoch %d/%d, loss %.4f", epoch, spec.epochs(), loss), step, total);
            }
            exactMatch = exactMatch(model, facts, MEASURE_SAMPLE, random);
            progress.progress(
                    String.format(
                            Locale.ROOT,
                            "epoch %d/%d, mean loss %.4f, exact match %.3f",
                            epoch,
                            spec.epochs(),
                            lossSum / perEpoch,
                            exactMatch),
                    step,
                    total);
            if (exactMatch >= spec.stopAccuracy()) {
                break;
            }
            PretrainingResume.save(
                    partial, fingerprint, weights, adam, new PretrainingResume.Point(epoch, step, random));
        }
        return new Trained(epoch, exactMatch(model, facts, Integer.MAX_VALUE, random));
    }

    private float trainStep(Inference model, List<Completion> batch, NDManager manager) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = gate.open()) {
            NDArray loss = model.forward(step, batch, io.editlab.api.model.ForwardOptions.TRAINING)
                    .loss();
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    /** Linear warm-up to {@code peak}, then cosine decay to a tenth of it. */
    static float schedule(float peak, long step, long warmup, long total) {
        if (step <= warmup) {
            return peak * step / warmup;
        }
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        return (float) (peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
    }

    /** Fraction of (a sample of) the facts whose targets are predicted exactly. */
    static double exactMatch(Inference model, List<Completion> facts, int sample, Random random) {
        List<Completion> measured = facts;
        if (facts.size() > sample) {
            List<Completion> shuffled = new ArrayList<>(facts);
            Collections.shuffle(shuffled, random);
            measured = shuffled.subList(0, sample);
        }
        List<TargetScore> scores = model.score(measured);
        return scores.stream().filter(TargetScore::exactMatch).count() / (double) scores.size();
    }

    /** {@code <unk>}, every word of the completions, then of the extra texts, in order of first appearance. */
    static List<String> vocabulary(List<Completion> facts, List<String> extra) {
        Set<String> words = new LinkedHashSet<>();
        words.add(UNKNOWN);
        for (Completion fact : facts) {
            addWords(fact.prompt(), words);
            addWords(fact.target(), words);
        }
        extra.forEach(text -> addWords(text, words));
        return List.copyOf(words);
    }

    private static void addWords(String text, Set<String> words) {
        Matcher matcher = WORDS.matcher(text);
        while (matcher.find()) {
            words.add(matcher.group());
        }
    }

    /** Room for the longest completion, rounded up to a multiple of 16. */
    private static int positions(List<Completion> facts) {
        int longest = 0;
        for (Completion fact : facts) {
            int n = 0;
            Matcher matcher = WORDS.matcher(fact.prompt() + " " + fact.target());
            while (matcher.find()) {
                n++;
            }
            longest = Math.max(longest, n);
        }
        return (longest + 8 + 15) / 16 * 16;
    }

    private static JsonObject config(PretrainingSpec spec, int vocabulary, int positions) {
        JsonObject config = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add("GPT2LMHeadModel");
        config.add("architectures", architectures);
        config.addProperty("model_type", "gpt2");
        config.addProperty("n_layer", spec.layers());
        config.addProperty("n_embd", spec.hidden());
        config.addProperty("n_head", spec.heads());
        config.addProperty("n_inner", 4 * spec.hidden());
        config.addProperty("vocab_size", vocabulary);
        config.addProperty("n_positions", positions);
        config.addProperty("layer_norm_epsilon", 1e-5);
        config.addProperty("activation_function", "gelu_new");
        config.addProperty("torch_dtype", "float32");
        return config;
    }

    /** GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 layers), norms at 1. */
    private static Map<String, NDArray> initialWeights(
            Architecture architecture, PretrainingSpec spec, NDManager manager) {
        Random random = new Random(spec.seed());
        double residual = 0.02 / Math.sqrt(2.0 * architecture.layers());
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : architecture.parameters().entrySet()) {
            String name = e.getKey();
            float[] values = new float[Math.toIntExact(e.getValue().size())];
            boolean norm = name.contains(".ln_");
            if (norm && name.endsWith(".weight")) {
                java.util.Arrays.fill(values, 1f);
            } else if (!name.endsWith(".bias")) {
                double std = name.endsWith("c_proj.weight") ? residual : 0.02;
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            }
            NDArray weight = manager.create(values, e.getValue());
            weight.setRequiresGradient(true);
            weights.put(name, weight);
        }
        return weights;
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
