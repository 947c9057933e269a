package io.editlab.lemoe.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.model.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Prompt tokens and negatives, on a word-level tokenizer of a fixed vocabulary (no model needed). */
class NearMissesTest {

    static final List<String> WORDS =
            List.of("Ana", "Bo", "lives", "in", "works", "as", "a", "The", "pet", "of", "is", "Cyr");

    /** One token per known word, separated by spaces; unknown words are refused. */
    static final Tokenizer WORDS_ONLY = new Tokenizer() {
        @Override
        public int[] encode(String text) {
            return Arrays.stream(text.strip().split(" "))
                    .mapToInt(w -> {
                        int id = WORDS.indexOf(w);
                        if (id < 0) {
                            throw new IllegalArgumentException(w);
                        }
                        return id;
                    })
                    .toArray();
        }

        @Override
        public int[] encodeContinuation(String text) {
            return encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return String.join(" ", Arrays.stream(ids).mapToObj(WORDS::get).toList());
        }

        @Override
        public int vocabularySize() {
            return WORDS.size();
        }
    };

    static PromptTokens tokens(String prompt, String subject) {
        return PromptTokens.of(WORDS_ONLY, prompt, subject);
    }

    @Test
    void theSubjectIsFoundAmongThePromptTokens() {
        PromptTokens p = tokens("The pet of Ana is", "Ana");
        assertEquals(3, p.subjectStart());
        assertArrayEquals(new int[] {7, 8, 9}, p.prefix());
        assertArrayEquals(new int[] {10}, p.suffix());
        assertFalse(tokens("Bo lives in", "Cyr").hasSubject(), "a subject that is not in the prompt");
        assertFalse(tokens("Bo lives in", null).hasSubject());
    }

    @Test
    void negativesSwapSubjectsAndPhrasingsAndNeverEqualAnEditPrompt() {
        List<PromptTokens> batch = List.of(tokens("Ana lives in", "Ana"), tokens("Bo works as a", "Bo"));
        List<PromptTokens> known = new ArrayList<>(batch);
        known.add(tokens("The pet of Cyr is", "Cyr"));
        List<int[]> negatives = NearMisses.of(batch, known, 8, WORDS.size(), new Random(1));
        List<String> texts = negatives.stream().map(WORDS_ONLY::decode).toList();
        assertTrue(texts.contains("Bo lives in"), "another known subject in the phrasing: " + texts);
        assertTrue(texts.contains("Cyr lives in"), texts.toString());
        assertTrue(texts.contains("The pet of Ana is"), "the subject in another known phrasing: " + texts);
        assertTrue(texts.contains("Ana works as a"), texts.toString());
        assertFalse(texts.contains("Ana lives in") || texts.contains("Bo works as a"), "never an edit prompt");
        assertTrue(negatives.stream().anyMatch(n -> n.length <= 2), "short prompts too: " + texts);
        assertEquals(
                texts,
                NearMisses.of(batch, known, 8, WORDS.size(), new Random(1)).stream()
                        .map(WORDS_ONLY::decode)
                        .toList(),
                "the same seed gives the same negatives");
    }

    @Test
    void withoutASubjectOneTokenIsReplaced() {
        PromptTokens prompt = tokens("Bo lives in", null);
        List<int[]> negatives = NearMisses.of(List.of(prompt), List.of(prompt), 8, WORDS.size(), new Random(2));
        assertEquals(8, negatives.size());
        for (int[] negative : negatives.subList(0, 6)) {
            int differ = 0;
            for (int i = 0; i < 3; i++) {
                differ += negative[i] != prompt.ids()[i] ? 1 : 0;
            }
            assertEquals(1, differ, Arrays.toString(negative));
        }
    }
}
