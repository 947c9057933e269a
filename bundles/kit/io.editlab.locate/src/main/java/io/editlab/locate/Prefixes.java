package io.editlab.locate;

import io.editlab.api.model.Generation;
import io.editlab.api.model.LanguageModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Context prefixes: short texts the model itself writes, put before an edit prompt so that keys and
 * target values do not depend on the prompt being the start of the text (ROME's and MEMIT's context
 * templates). Greedy generation from different first words, so the same model always gives the same
 * prefixes.
 */
public final class Prefixes {

    /** The first words generation starts from; one prefix each. */
    static final List<String> STARTS = List.of("The", "A", "In", "It", "When");

    /** The most prefixes there can be. */
    public static final int MAX = STARTS.size();

    private Prefixes() {}

    /**
     * The empty prefix followed by {@code count} generated ones of up to {@code tokens} tokens, each
     * ending in ". ".
     */
    public static List<String> generate(LanguageModel model, int count, int tokens) {
        if (count < 0 || count > MAX) {
            throw new IllegalArgumentException("between 0 and " + MAX + " prefixes, not " + count);
        }
        List<String> prefixes = new ArrayList<>();
        prefixes.add("");
        if (count > 0) {
            for (Generation generation : model.generate(STARTS.subList(0, count), tokens)) {
                String text = (generation.prompt() + " " + generation.text().strip()).strip();
                prefixes.add(text + ". ");
            }
        }
        return List.copyOf(prefixes);
    }
}
