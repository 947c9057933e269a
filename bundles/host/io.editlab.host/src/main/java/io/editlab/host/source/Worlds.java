package io.editlab.host.source;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.data.ScalableCorpus;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginKind;
import io.editlab.editkit.Home;
import java.nio.file.Path;

/**
 * The built-in world as a command line or a request names it: {@code builtin} (the world the
 * corpus is configured with) or {@code builtin:N} (the world of N subjects, 6 facts and edits each,
 * asked of the corpus directly, so runs of different sizes never race on one configuration).
 */
public final class Worlds {

    /** The built-in world's corpus id, and the name of the model pretrained on it. */
    public static final String BUILTIN = "builtin";

    private Worlds() {}

    /** Whether {@code spec} names the built-in world ({@code builtin} or {@code builtin:...}). */
    public static boolean names(String spec) {
        return spec.equals(BUILTIN) || spec.startsWith(BUILTIN + ":");
    }

    /**
     * The world {@code spec} names, waiting for the corpus while its bundle starts.
     *
     * @throws IllegalArgumentException naming {@code spec} when N is not a whole number or outside
     *     the world's name space, or the corpus has a fixed size
     * @throws IllegalStateException when the built-in world is not installed
     */
    public static KnowledgeCorpus corpus(PluginCatalog catalog, String spec) {
        subjects(spec); // a malformed spec is reported before waiting for the corpus
        return of(Plugins.require(catalog, PluginKind.CORPUS, KnowledgeCorpus.class, BUILTIN), spec);
    }

    /**
     * The world {@code spec} names, given the installed built-in world {@code corpus}.
     *
     * @throws IllegalArgumentException as {@link #corpus(PluginCatalog, String)}
     */
    public static KnowledgeCorpus of(KnowledgeCorpus corpus, String spec) {
        int subjects = subjects(spec);
        if (subjects == 0) {
            return corpus;
        }
        if (!(corpus instanceof ScalableCorpus scalable)) {
            throw new IllegalArgumentException(spec + ": the installed built-in world has a fixed size; use builtin");
        }
        if (subjects < 2 || subjects > scalable.maxSubjects()) {
            throw new IllegalArgumentException(
                    spec + ": N must be from 2 to " + scalable.maxSubjects() + " subjects, not " + subjects);
        }
        return scalable.withSubjects(subjects);
    }

    /**
     * Where the model pretrained on the world {@code spec} names is cached: {@code
     * <home>/models/builtin}, or {@code builtin-N} for {@code builtin:N}.
     */
    public static Path modelFolder(String spec) {
        int subjects = subjects(spec);
        return Home.models().resolve(subjects == 0 ? BUILTIN : BUILTIN + "-" + subjects);
    }

    /** The model id of the world's model: {@code builtin} or {@code builtin-N}. */
    public static String modelId(String spec) {
        return modelFolder(spec).getFileName().toString();
    }

    /** N of {@code builtin:N}, 0 for {@code builtin}. */
    private static int subjects(String spec) {
        if (!names(spec)) {
            throw new IllegalArgumentException(spec + " does not name the built-in world (builtin or builtin:N)");
        }
        if (spec.equals(BUILTIN)) {
            return 0;
        }
        String n = spec.substring(BUILTIN.length() + 1).replace("_", "");
        try {
            return Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(spec + ": N must be a whole number of subjects, as in builtin:3400");
        }
    }
}
