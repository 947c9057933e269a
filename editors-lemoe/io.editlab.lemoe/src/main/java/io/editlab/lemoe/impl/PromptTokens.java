package io.editlab.lemoe.impl;

import io.editlab.api.model.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * A prompt's token ids as the model reads them, with the span of its subject when the subject is
 * known and found among them.
 *
 * @param ids the prompt's tokens ({@link Tokenizer#encode})
 * @param subjectStart where the subject's tokens start, or -1
 * @param subjectLength how many tokens the subject has, or 0
 */
record PromptTokens(int[] ids, int subjectStart, int subjectLength) {

    PromptTokens {
        if (ids.length == 0) {
            throw new IllegalArgumentException("a prompt needs at least one token");
        }
    }

    /**
     * The tokens of {@code prompt}, and the first place its subject's tokens occur: as a
     * continuation (with GPT-2's leading space), as a prompt, or as a prompt without its first
     * (start) token.
     */
    static PromptTokens of(Tokenizer tokenizer, String prompt, String subject) {
        int[] ids = tokenizer.encode(prompt);
        if (ids.length == 0) {
            throw new IllegalArgumentException("the prompt '" + prompt + "' has no tokens");
        }
        if (subject != null && !subject.isBlank()) {
            int[] plain = tokenizer.encode(subject);
            for (int[] candidate : List.of(
                    tokenizer.encodeContinuation(subject),
                    plain,
                    plain.length > 1 ? Arrays.copyOfRange(plain, 1, plain.length) : new int[0])) {
                int at = indexOf(ids, candidate);
                if (at >= 0) {
                    return new PromptTokens(ids, at, candidate.length);
                }
            }
        }
        return new PromptTokens(ids, -1, 0);
    }

    boolean hasSubject() {
        return subjectStart >= 0;
    }

    int[] subject() {
        return Arrays.copyOfRange(ids, subjectStart, subjectStart + subjectLength);
    }

    int[] prefix() {
        return Arrays.copyOfRange(ids, 0, subjectStart);
    }

    int[] suffix() {
        return Arrays.copyOfRange(ids, subjectStart + subjectLength, ids.length);
    }

    /** {@code prefix ++ middle ++ suffix}. */
    static int[] join(int[] prefix, int[] middle, int[] suffix) {
        int[] joined = Arrays.copyOf(prefix, prefix.length + middle.length + suffix.length);
        System.arraycopy(middle, 0, joined, prefix.length, middle.length);
        System.arraycopy(suffix, 0, joined, prefix.length + middle.length, suffix.length);
        return joined;
    }

    private static int indexOf(int[] haystack, int[] needle) {
        if (needle.length == 0) {
            return -1;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
