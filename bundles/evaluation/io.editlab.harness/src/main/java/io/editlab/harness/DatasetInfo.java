package io.editlab.harness;

/**
 * Where a comparison's edit requests come from.
 *
 * @param path the file, or a corpus name such as {@code builtin}
 * @param format the reader's format id, or {@code corpus}
 * @param records how many requests the source holds
 */
public record DatasetInfo(String path, String format, int records) {}
