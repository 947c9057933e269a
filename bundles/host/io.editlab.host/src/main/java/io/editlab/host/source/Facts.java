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

    private Facts() {}

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

    /**
     * Reads one data file, or several as one stream ({@code FILE,FILE,...}): in the order given, each
     * in {@code format} (detected per file when null), a record left out when an earlier one had its
     * id (CounterFact's {@code case_id}: its edit, train and validation files hold 21,419 distinct
     * cases).
     */
    public static List<EditRequest> readAll(PluginCatalog catalog, String files, String format)
            throws DatasetException {
        List<List<EditRequest>> parts = new java.util.ArrayList<>();
        for (Path file : paths(files)) {
            parts.add(read(catalog, file, format));
        }
        return concatenate(parts);
    }

    /** The files of {@code FILE,FILE,...}, each named once. */
    public static List<Path> paths(String files) throws DatasetException {
        List<Path> paths = new java.util.ArrayList<>();
        for (String name : files.split(",", -1)) {
            if (name.isBlank()) {
                throw new DatasetException(Path.of(files), -1, null, "an empty name in the list of data files");
            }
            Path path = Path.of(name.strip());
            if (paths.contains(path)) {
                throw new DatasetException(path, -1, null, "named twice in the list of data files");
            }
            paths.add(path);
        }
        return paths;
    }

    /** The records of {@code parts} in order, each id once (the first record with it). */
    static List<EditRequest> concatenate(List<List<EditRequest>> parts) {
        Set<String> seen = new java.util.HashSet<>();
        List<EditRequest> all = new java.util.ArrayList<>();
        for (List<EditRequest> part : parts) {
            for (EditRequest request : part) {
                if (parts.size() == 1 || seen.add(request.id())) {
                    all.add(request);
                }
            }
        }
        return all;
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
