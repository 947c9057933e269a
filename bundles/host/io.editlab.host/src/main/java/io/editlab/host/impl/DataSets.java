package io.editlab.host.impl;

import io.editlab.api.data.DatasetException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.host.PluginCatalog;
import io.editlab.harness.DatasetInfo;
import io.editlab.host.source.Facts;
import io.editlab.host.source.Worlds;
import java.nio.file.Path;
import java.util.List;

/** The records of {@code --data builtin|FILE [--format ...]}, for the commands that read one. */
final class DataSets {

    private DataSets() {}

    /** A data set's records and what it is. */
    record Loaded(List<EditRequest> requests, DatasetInfo info) {}

    /**
     * The built-in world's edits ({@code builtin} or {@code builtin:N}, see {@link Worlds}), or a data
     * file's records in {@code format} (detected when null), or several files' as one stream ({@code
     * FILE,FILE,...}, see {@link Facts#readAll}).
     */
    static Loaded load(String data, String format, PluginCatalog catalog) throws DatasetException {
        if (Worlds.names(data)) {
            List<EditRequest> requests = Worlds.corpus(catalog, data).edits();
            return new Loaded(requests, new DatasetInfo(data, "corpus", requests.size()));
        }
        List<Path> files = Facts.paths(data);
        java.util.Set<String> formats = new java.util.LinkedHashSet<>();
        for (Path file : files) {
            formats.add(format != null ? format : Facts.detectFormat(file));
        }
        List<EditRequest> requests = Facts.readAll(catalog, data, format);
        String path = String.join(
                ",", files.stream().map(f -> f.toAbsolutePath().toString()).toList());
        return new Loaded(requests, new DatasetInfo(path, String.join("+", formats), requests.size()));
    }
}
