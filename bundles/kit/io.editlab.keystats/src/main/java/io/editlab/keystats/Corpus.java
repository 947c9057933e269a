package io.editlab.keystats;

import io.editlab.api.model.Completion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The texts keys are collected over, each as a prompt and its continuation (the forward pass sees
 * both: every token of the text is a key position), with a name for reports.
 */
public record Corpus(String name, List<Completion> texts) {

    public Corpus {
        texts = List.copyOf(texts);
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("corpus '" + name + "' has no texts");
        }
    }

    /** Plain sentences: each split before its last word. Blank lines are left out. */
    public static Corpus ofSentences(String name, List<String> sentences) {
        List<Completion> texts = sentences.stream()
                .map(String::strip)
                .filter(s -> s.contains(" "))
                .map(s -> {
                    int cut = s.lastIndexOf(' ');
                    return new Completion(s.substring(0, cut), s.substring(cut + 1));
                })
                .toList();
        return new Corpus(name, texts);
    }

    /** SHA-256 of every text, in order: what the cache compares. */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Completion text : texts) {
                digest.update(text.prompt().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(text.target().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
