package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.TargetScore;
import io.editlab.api.train.PretrainingReport;
import io.editlab.api.train.PretrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainingTest {

    @TempDir
    Path dir;

    DjlRuntime runtime;

    @BeforeEach
    void start() {
        runtime = DjlRuntime.standalone("cpu");
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    /** Each of 12 people has a city and a colour, asked two ways. */
    static List<Completion> facts() {
        String[] people = {"Ana", "Bo", "Cyr", "Dag", "Eli", "Fen", "Gus", "Hal", "Ivo", "Jun", "Kai", "Lia"};
        String[] cities = {"Oslo", "Lima", "Rome", "Kyiv"};
        String[] colours = {"red", "blue", "green"};
        List<Completion> facts = new ArrayList<>();
        for (int i = 0; i < people.length; i++) {
            facts.add(new Completion(people[i] + " lives in", cities[(i * 7) % 4]));
            facts.add(new Completion("The home of " + people[i] + " is", cities[(i * 7) % 4]));
            facts.add(new Completion(people[i] + " likes the colour", colours[(i * 5) % 3]));
            facts.add(new Completion("The favourite colour of " + people[i] + " is", colours[(i * 5) % 3]));
        }
        return facts;
    }

    @Test
    void learnsItsFactsAndWritesALoadableModel() throws Exception {
        List<String> progress = new ArrayList<>();
        PretrainingSpec spec = new PretrainingSpec(2, 32, 2, 150, 16, 3e-3f, 1.0, 1);
        Path out = dir.resolve("not").resolve("there").resolve("model"); // folders made as needed
        PretrainingReport report =
                runtime.pretrain(spec, facts(), List.of(), out, (stage, done, total) -> progress.add(stage));
        assertEquals(1.0, report.exactMatch(), "every fact is known");
        assertTrue(report.epochs() < 150, "stopped early once known: " + report.epochs());
        // <unk>; 12 names; lives in The home of is likes the colour favourite; 4 cities; 3 colours
        assertEquals(1 + 12 + 10 + 4 + 3, report.vocabulary());
        assertFalse(progress.isEmpty());
        assertFalse(Files.exists(out.resolveSibling("model.partial")), "nothing half-written is left");
        assertFalse(Files.exists(out.resolveSibling("model.lock")));

        ModelHandle model = runtime.load("trained", out);
        List<TargetScore> scores = model.score(facts());
        assertTrue(scores.stream().allMatch(TargetScore::exactMatch), "the saved model answers like the trained one");
        assertEquals("Rome", model.generate(List.of("Cyr lives in"), 1).get(0).text());
        assertEquals(report.parameters(), model.info().parameterCount());
    }

    @Test
    void anExistingFolderIsNeverOverwritten() throws Exception {
        Path out = Files.createDirectories(dir.resolve("taken"));
        ModelException error = assertThrows(
                ModelException.class,
                () -> runtime.pretrain(
                        new PretrainingSpec(1, 8, 1, 1, 4, 1e-3f, 1.0, 1), facts(), List.of(), out, (s, d, t) -> {}));
        assertTrue(error.getMessage().contains("already exists"), error.getMessage());
    }

    @Test
    void extraWordsJoinTheVocabularyWithoutBeingTrainedOn() {
        List<String> vocabulary = Pretraining.vocabulary(
                List.of(new Completion("Ana lives in", "Oslo")), List.of("Reykjavik", "New Oslo"));
        assertEquals(List.of("<unk>", "Ana", "lives", "in", "Oslo", "Reykjavik", "New"), vocabulary);
    }

    @Test
    void theScheduleWarmsUpThenDecaysToATenth() {
        assertEquals(0.5f, Pretraining.schedule(1f, 5, 10, 100), 1e-6f);
        assertEquals(1f, Pretraining.schedule(1f, 10, 10, 100), 1e-6f);
        assertEquals(0.1f, Pretraining.schedule(1f, 100, 10, 100), 1e-6f);
    }

    /** Thrown by a progress listener to stop a run the way a kill would, between two steps. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed");
        }
    }

    @Test
    void aStoppedRunGoesOnFromItsLastFinishedEpoch() throws Exception {
        // a learning rate too small to know every fact within 6 epochs: no early stop
        PretrainingSpec spec = new PretrainingSpec(2, 32, 2, 6, 16, 1e-3f, 1.0, 1);
        List<String> wholeStages = new ArrayList<>();
        PretrainingReport whole = runtime.pretrain(
                spec, facts(), List.of(), dir.resolve("whole"), (stage, done, total) -> wholeStages.add(stage));
        assertEquals(6, whole.epochs());

        Path out = dir.resolve("stopped");
        assertThrows(
                Killed.class,
                () -> runtime.pretrain(spec, facts(), List.of(), out, (stage, done, total) -> {
                    if (stage.startsWith("epoch 4/6")) {
                        throw new Killed();
                    }
                }));
        assertFalse(Files.exists(out), "nothing is written to the output until the run ends");
        assertTrue(Files.exists(dir.resolve("stopped.partial").resolve(PretrainingResume.FILE)));

        List<String> stages = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        PretrainingReport resumed =
                freshThread(() -> runtime.pretrain(spec, facts(), List.of(), out, (stage, done, t) -> {
                    stages.add(stage);
                    steps.add(done);
                }));
        assertEquals("resuming after epoch 3/6", stages.get(0));
        // the first step after resuming starts from the weights of epoch 3, not from new ones
        double first = firstLoss(wholeStages, "epoch 1/6");
        double atFour = firstLoss(wholeStages, "epoch 4/6");
        assertEquals(atFour, firstLoss(stages, "epoch 4/6"), Math.abs(first - atFour) / 10, "resumed where it stopped");
        assertTrue(stages.stream().noneMatch(stage -> stage.startsWith("epoch 3/6")), "finished epochs are not redone");
        assertEquals(3 * 3 + 1, steps.get(1), "the step count goes on (3 steps an epoch)");
        assertEquals(6, resumed.epochs());
        assertFalse(Files.exists(dir.resolve("stopped.partial")), "nothing half-written is left");

        ModelHandle a = runtime.load("whole", dir.resolve("whole"));
        ModelHandle b = runtime.load("resumed", out);
        // Not bit for bit: a new thread may run PyTorch's kernels with another thread count, and
        // float sums then round differently; the runs agree to a few hundredths of a nat.
        assertEquals(meanLogProb(a.score(facts())), meanLogProb(b.score(facts())), 0.05, "where the whole run ended");
    }

    /** The loss of the first step of an epoch, from its progress line ("epoch 4/6, loss 1.2345"). */
    private static double firstLoss(List<String> stages, String epoch) {
        String line = stages.stream()
                .filter(stage -> stage.startsWith(epoch + ", loss "))
                .findFirst()
                .orElseThrow();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static double meanLogProb(List<TargetScore> scores) {
        double sum = 0;
        int tokens = 0;
        for (TargetScore score : scores) {
            for (float logProb : score.logProbs()) {
                sum += logProb;
                tokens++;
            }
        }
        return sum / tokens;
    }

    /**
     * Runs {@code call} on a new thread, as a restarted process would: PyTorch's gradient mode is per
     * thread and on in a new one (a test thread that trained before has it off).
     */
    private static <T> T freshThread(java.util.concurrent.Callable<T> call) throws Exception {
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            return thread.submit(call).get();
        } finally {
            thread.shutdown();
        }
    }

    @Test
    void twoRunsNeverWriteIntoOneFolder() throws Exception {
        Path out = dir.resolve("busy");
        try (java.nio.channels.FileChannel other = java.nio.channels.FileChannel.open(
                        dir.resolve("busy.lock"),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock held = other.lock()) {
            ModelException error = assertThrows(
                    ModelException.class,
                    () -> runtime.pretrain(
                            new PretrainingSpec(1, 8, 1, 1, 4, 1e-3f, 1.0, 1),
                            facts(),
                            List.of(),
                            out,
                            (s, d, t) -> {}));
            assertTrue(error.getMessage().startsWith("another pretraining is writing"), error.getMessage());
        }
        runtime.pretrain(new PretrainingSpec(1, 8, 1, 1, 4, 1e-3f, 1.0, 1), facts(), List.of(), out, (s, d, t) -> {});
        assertFalse(Files.exists(dir.resolve("busy.lock")), "a finished run leaves no lock behind");
    }

    @Test
    void theStateOfOtherFactsIsNotResumed() throws Exception {
        PretrainingSpec spec = new PretrainingSpec(2, 32, 2, 4, 16, 1e-4f, 1.0, 1);
        Path out = dir.resolve("model");
        assertThrows(
                Killed.class,
                () -> runtime.pretrain(spec, facts(), List.of(), out, (stage, done, total) -> {
                    if (stage.startsWith("epoch 3/4")) {
                        throw new Killed();
                    }
                }));
        List<Completion> fewer = facts().subList(0, 40);
        List<String> stages = new ArrayList<>();
        runtime.pretrain(spec, fewer, List.of(), out, (stage, done, total) -> stages.add(stage));
        assertTrue(stages.get(0).startsWith("epoch 1/4"), "started over: " + stages.get(0));
    }
}
