package io.editlab.lemoe.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Negative prompts (ours; the paper leaves LEMoE's locality mechanism open) for the score gate's
 * loss and the anchor gate's radii: prompts that resemble an edit prompt, or lie anywhere else, and
 * must not reach its expert. For an edit whose subject is known, a quarter each are: its phrasing
 * with another subject (known subjects first, then random tokens of the subject's length); its
 * subject in another known phrasing (then in random tokens); its subject in random tokens of 1 up to
 * 2 more tokens than its phrasing has; and random sequences of 1 to L + 2 tokens (L the prompt's
 * length: a mean over fewer tokens is longer, so short prompts must be seen too). Without
 * a subject, three quarters replace one random token and a quarter are random sequences. None equals
 * an edit prompt of the batch. Built from token ids only: routing reads nothing but the embeddings of
 * a prompt's tokens.
 */
final class NearMisses {

    private NearMisses() {}

    /**
     * @param positives the batch's edit prompts
     * @param known every prompt known so far (earlier edits and the batch), for subjects and phrasings
     * @param perEdit how many near misses each edit gets (fewer when one would equal an edit prompt)
     * @param vocabulary token ids are drawn from 0 to this (exclusive)
     */
    static List<int[]> of(
            List<PromptTokens> positives, List<PromptTokens> known, int perEdit, int vocabulary, Random random) {
        Map<String, int[]> subjects = new LinkedHashMap<>();
        Map<String, int[][]> phrasings = new LinkedHashMap<>();
        for (PromptTokens p : known) {
            if (p.hasSubject()) {
                subjects.putIfAbsent(Arrays.toString(p.subject()), p.subject());
                phrasings.putIfAbsent(
                        Arrays.toString(p.prefix()) + "|" + Arrays.toString(p.suffix()),
                        new int[][] {p.prefix(), p.suffix()});
            }
        }
        Set<String> forbidden =
                positives.stream().map(p -> Arrays.toString(p.ids())).collect(Collectors.toSet());
        List<int[]> misses = new ArrayList<>();
        for (PromptTokens p : positives) {
            List<int[]> mine = new ArrayList<>();
            int quarter = perEdit / 4;
            if (p.hasSubject()) {
                List<int[]> others = new ArrayList<>(subjects.values());
                others.removeIf(x -> Arrays.equals(x, p.subject()));
                Collections.shuffle(others, random);
                for (int i = 0; i < quarter; i++) {
                    int[] subject =
                            i < others.size() ? others.get(i) : randomTokens(p.subjectLength(), vocabulary, random);
                    mine.add(PromptTokens.join(p.prefix(), subject, p.suffix()));
                }
                List<int[][]> frames = new ArrayList<>(phrasings.values());
                frames.removeIf(f -> Arrays.equals(f[0], p.prefix()) && Arrays.equals(f[1], p.suffix()));
                Collections.shuffle(frames, random);
                for (int i = 0; i < quarter; i++) {
                    mine.add(
                            i < frames.size()
                                    ? PromptTokens.join(frames.get(i)[0], p.subject(), frames.get(i)[1])
                                    : randomFrame(p, vocabulary, random));
                }
                for (int i = 0; i < quarter; i++) {
                    mine.add(randomFrame(p, vocabulary, random));
                }
            } else {
                for (int i = 0; i < 3 * quarter; i++) {
                    mine.add(replaceOne(p, vocabulary, random));
                }
            }
            while (mine.size() < perEdit) {
                mine.add(randomTokens(1 + random.nextInt(p.ids().length + 2), vocabulary, random));
            }
            mine.removeIf(ids -> forbidden.contains(Arrays.toString(ids)));
            misses.addAll(mine);
        }
        return misses;
    }

    /**
     * The subject in a phrasing of random tokens: a random prefix and suffix of 1 to 2 more tokens
     * than the prompt's phrasing has (prompts of any length must be told apart: a mean embedding
     * over fewer tokens is longer).
     */
    private static int[] randomFrame(PromptTokens p, int vocabulary, Random random) {
        int around = 1 + random.nextInt(p.ids().length - p.subjectLength() + 2);
        int before = random.nextInt(around + 1);
        return PromptTokens.join(
                randomTokens(before, vocabulary, random),
                p.subject(),
                randomTokens(around - before, vocabulary, random));
    }

    /** The prompt with one token, anywhere, replaced by a random other. */
    private static int[] replaceOne(PromptTokens p, int vocabulary, Random random) {
        int[] ids = p.ids().clone();
        int at = random.nextInt(ids.length);
        int replacement = random.nextInt(vocabulary);
        ids[at] = replacement == ids[at] ? (replacement + 1) % vocabulary : replacement;
        return ids;
    }

    private static int[] randomTokens(int length, int vocabulary, Random random) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = random.nextInt(vocabulary);
        }
        return ids;
    }
}
