package io.editlab.runtime.impl;

import io.editlab.api.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The files of a user-supplied model folder, opened only when they are what they claim to be:
 * regular files (never a FIFO, a device or a symbolic-link loop, whose reading could block or never
 * end), read up to a size limit.
 */
final class FolderFiles {

    private FolderFiles() {}

    /** Refuses {@code file} unless it is a regular file (after following links). */
    static void requireRegular(Path file) throws ModelException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (FileSystemException e) {
            throw new ModelException(
                    file + ": cannot be read ("
                            + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()) + ")",
                    e);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (!attributes.isRegularFile()) {
            throw new ModelException(file + ": not a regular file ("
                    + (attributes.isDirectory() ? "a directory" : "a pipe, device or socket")
                    + "); a model folder holds only regular files");
        }
    }

    /** The text of a regular file of at most {@code maxBytes} bytes. */
    static String readText(Path file, long maxBytes) throws ModelException {
        requireRegular(file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new ModelException(file + ": larger than " + maxBytes + " bytes, the limit for this file");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** {@code name} inside {@code folder}, normalised; a name that is no path is refused, naming {@code source}. */
    static Path resolve(Path folder, String name, Path source) throws ModelException {
        try {
            return folder.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new ModelException(source + ": '" + name.replace("\0", "\\0") + "' is not a file name", e);
        }
    }
}
