package io.editlab.locate;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The token of an edit prompt where keys are read and target values are written. */
public enum KeyPosition {

    /** The subject's last token: where real language models recall facts (ROME's causal trace). */
    SUBJECT_LAST("subject_last"),

    /** The prompt's last token: MEMIT's alternative, and where a model that routes recall there keeps its facts. */
    LAST("last");

    private final String id;

    KeyPosition(String id) {
        this.id = id;
    }

    /** The setting's value: {@code subject_last} or {@code last}. */
    public String id() {
        return id;
    }

    /** The position named {@code id}, in any case. */
    public static Optional<KeyPosition> parse(String id) {
        String key = id.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.id.equals(key)).findFirst();
    }
}
