package io.editlab.host.source;

import io.editlab.api.data.DatasetException;
import io.editlab.api.data.DatasetReader;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.Completion;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Edit data files as the true facts a model should know before it is edited. */
public final class Facts {

    private Facts() {
    }

    /** The format of a data file when none is given: from the keys of its first record. */
    public static String detectFormat(Path file) throws DatasetException {
        char[] head = new char[16_384];
        int n;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            n = Math.max(0, reader.read(head));
        } catch (IOException e) {
            throw new DatasetException(file, -1, null, "cannot read: " + e.getMessage(), e);
        }
        String text = new String(head, 0, n);
        if (text.contains("\"requested_rewrite\"") || text.contains("\"target_new\"")) {
            return "counterfact";
        }
        if (text.contains("\"src\"") && text.contains("\"alt\"")) {
            return "zsre";
        }
        throw new DatasetException(file, -1, null, "cannot tell its format; pass --format zsre|counterfact");
    }

    /** Reads a data file with the reader of {@code format} (detected when null). */
    public static List<EditRequest> read(PluginCatalog catalog, Path file, String format) throws DatasetException {
        String chosen = format != null ? format : detectFormat(file);
        DatasetReader reader = Plugins.require(catalog, PluginKind.DATASET, DatasetReader.class, chosen);
        return reader.read(file);
    }

    /** The new targets of edit requests: words a model must be able to write before it is edited. */
    public static List<String> newTargets(List<EditRequest> requests) {
        return requests.stream().map(EditRequest::target).distinct().toList();
    }

    /**
     * The true facts behind edit requests: each prompt and rephrasing with the true answer, and each
     * locality probe with its answer; duplicates once.
     *
     * @throws IllegalArgumentException when a request has no true answer
     */
    public static List<Completion> trueFacts(List<EditRequest> requests) {
        Set<Completion> facts = new LinkedHashSet<>();
        for (EditRequest request : requests) {
            if (request.groundTruth() == null || request.groundTruth().isBlank()) {
                throw new IllegalArgumentException("record " + request.id() + " has no true answer to pretrain on");
            }
            facts.add(new Completion(request.prompt(), request.groundTruth()));
            request.rephrases().forEach(r -> facts.add(new Completion(r, request.groundTruth())));
            for (Probe probe : request.locality()) {
                facts.add(new Completion(probe.prompt(), probe.answer()));
            }
        }
        return List.copyOf(facts);
    }
}
