package io.editlab.locate;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditException;
import io.editlab.keystats.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The corpus a locate-then-edit editor's key statistics are measured on, from its {@code corpus} setting. */
public final class Corpora {

    private Corpora() {}

    /**
     * The knowledge corpora of a method component's multiple reference (service properties and
     * service), by their {@link KnowledgeCorpus#NAME}.
     */
    public static Map<String, KnowledgeCorpus> byName(List<Map.Entry<Map<String, Object>, KnowledgeCorpus>> services) {
        Map<String, KnowledgeCorpus> named = new LinkedHashMap<>();
        for (Map.Entry<Map<String, Object>, KnowledgeCorpus> service : services) {
            Object name = service.getKey().get(KnowledgeCorpus.NAME);
            if (name != null) {
                named.putIfAbsent(name.toString(), service.getValue());
            }
        }
        return named;
    }

    /**
     * @param setting the name of a registered knowledge corpus (its true facts in their training
     *     phrasings), or the path of a plain-text file ({@code .txt}, a sentence per line)
     * @param available the registered knowledge corpora, by name
     * @throws EditException naming the setting when it is neither
     */
    public static Corpus resolve(String method, String setting, Map<String, KnowledgeCorpus> available)
            throws EditException {
        KnowledgeCorpus named = available.get(setting);
        if (named != null) {
            return new Corpus(setting + " facts", named.facts());
        }
        if (setting.endsWith(".txt")) {
            Path file = Path.of(setting);
            try {
                return Corpus.ofSentences(file.toAbsolutePath().toString(), Files.readAllLines(file));
            } catch (IOException | IllegalArgumentException e) {
                throw new EditException(
                        method + ": corpus: cannot read " + file.toAbsolutePath() + " (" + e.getMessage() + ")", e);
            }
        }
        throw new EditException(method + ": corpus must be a registered knowledge corpus "
                + new TreeSet<>(available.keySet()) + " or a plain-text file ending in .txt, not '" + setting + "'");
    }
}
