package io.editlab.server.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bearer token of mutating calls: generated at the host's first start and kept in the data
 * folder as the file {@code token}, readable by its owner only (mode 0600).
 */
final class Token {

    static final String FILE = "token";

    private final byte[] value;

    private Token(String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    /** The folder's token, created first if there is none. */
    static Token of(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, fresh + "\n");
            } catch (FileAlreadyExistsException raced) {
                // another start wrote it first: use that one
            }
        }
        String text = Files.readString(file).strip();
        if (text.isEmpty()) {
            throw new IOException(file + " is empty: delete it and restart the host to make a new token");
        }
        return new Token(text);
    }

    /**
     * Whether an {@code Authorization} header is {@code Bearer TOKEN}: the scheme in any case, one
     * space, the token exactly and nothing after it (compared in constant time).
     */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
            return false; // the scheme's name is case-insensitive (RFC 9110), the token is not
        }
        byte[] given = authorization.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, value);
    }
}
