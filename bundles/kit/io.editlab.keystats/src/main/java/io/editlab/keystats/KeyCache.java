package io.editlab.keystats;

import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.ModelHandle;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Key statistics computed once per (model weights, module, corpus) and kept in a folder: {@code
 * KEY.json} (the provenance) and {@code KEY.bin} (the {@code n x n} float64 matrix, big-endian), KEY
 * being {@link Provenance#cacheKey()}. Files are written under temporary names and renamed, so a
 * killed run never leaves a half-written entry; an entry that cannot be read is computed again.
 */
public final class KeyCache {

    /** Statistics and whether they came from the cache. */
    public record Lookup(KeyStatistics.Stats stats, boolean cached, Path file) {}

    private final Path folder;

    public KeyCache(Path folder) {
        this.folder = folder;
    }

    /** The statistics of block {@code layer} over {@code corpus}: read from the cache, or computed and kept. */
    public Lookup get(ModelHandle model, int layer, Corpus corpus, ProgressListener progress) throws IOException {
        String key = new Provenance(
                        model.info().id(),
                        Provenance.fingerprint(model),
                        layer,
                        KeyStatistics.module(model, layer),
                        corpus.name(),
                        corpus.fingerprint(),
                        0)
                .cacheKey();
        Path json = folder.resolve(key + ".json");
        Path bin = folder.resolve(key + ".bin");
        if (Files.isRegularFile(json) && Files.isRegularFile(bin)) {
            try {
                return new Lookup(read(json, bin), true, bin);
            } catch (IOException | RuntimeException unreadable) {
                // computed again below
            }
        }
        KeyStatistics.Stats stats = KeyStatistics.compute(model, layer, corpus, progress);
        Files.createDirectories(folder);
        Path partialBin = folder.resolve(key + ".bin.partial");
        try (OutputStream file = Files.newOutputStream(partialBin);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file))) {
            out.writeInt(stats.width());
            for (double value : stats.secondMoment()) {
                out.writeDouble(value);
            }
        }
        Path partialJson = folder.resolve(key + ".json.partial");
        Files.writeString(partialJson, stats.provenance().json().toString());
        Files.move(partialBin, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(partialJson, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Lookup(stats, false, bin);
    }

    private static KeyStatistics.Stats read(Path json, Path bin) throws IOException {
        Provenance provenance = Provenance.of(Files.readString(json));
        try (InputStream file = Files.newInputStream(bin);
                DataInputStream in = new DataInputStream(new BufferedInputStream(file))) {
            int width = in.readInt();
            if (width < 1 || (long) width * width * 8 + 4 != Files.size(bin)) {
                throw new IOException(bin + " does not hold a " + width + " x " + width + " matrix");
            }
            double[] moment = new double[width * width];
            for (int i = 0; i < moment.length; i++) {
                moment[i] = in.readDouble();
            }
            return new KeyStatistics.Stats(provenance, width, moment);
        }
    }
}
