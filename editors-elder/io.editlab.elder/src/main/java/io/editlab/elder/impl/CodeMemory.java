package io.editlab.elder.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * ELDER's code memory M (README, 'What it does': query module): the binary allocation code of every edit, recorded at the
 * end of its batch, and the deferral test: an input uses the LoRAs only when the Hamming distance of
 * its code to some recorded code is strictly below the threshold.
 */
final class CodeMemory {

    private final int bits;
    private final int words;
    /** The codes, {@code words} longs each, one after another: a scan is a run over one array. */
    private long[] packed = new long[0];

    private int size;

    /** @param bits L * N, the length of every code */
    CodeMemory(int bits) {
        this.bits = bits;
        this.words = Math.max(1, (bits + 63) / 64);
    }

    int bits() {
        return bits;
    }

    int size() {
        return size;
    }

    /** The recorded codes, in recording order (copies). */
    List<BitSet> codes() {
        List<BitSet> codes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            codes.add(BitSet.valueOf(Arrays.copyOfRange(packed, i * words, (i + 1) * words)));
        }
        return codes;
    }

    void add(BitSet code) {
        long[] words = words(code);
        if (packed.length < (size + 1) * this.words) {
            packed = Arrays.copyOf(packed, Math.max(4 * this.words, 2 * packed.length));
        }
        System.arraycopy(words, 0, packed, size * this.words, this.words);
        size++;
    }

    void replaceAll(List<BitSet> replacement) {
        packed = new long[0];
        size = 0;
        replacement.forEach(this::add);
    }

    /** The smallest Hamming distance from {@code code} to a recorded code; {@link Integer#MAX_VALUE} when empty. */
    int distance(BitSet code) {
        return nearest(words(code), 0);
    }

    /**
     * Whether an input with {@code code} uses the LoRAs: some recorded code is closer than {@code
     * threshold}. The scan stops at the first such code.
     */
    boolean applies(BitSet code, int threshold) {
        return nearest(words(code), threshold - 1) < threshold;
    }

    /** The smallest distance to {@code query}, or the first one at most {@code enough}. */
    private int nearest(long[] query, int enough) {
        int best = Integer.MAX_VALUE;
        for (int i = 0; i < size && best > enough; i++) {
            int distance = 0;
            for (int w = 0; w < words; w++) {
                distance += Long.bitCount(packed[i * words + w] ^ query[w]);
            }
            best = Math.min(best, distance);
        }
        return best;
    }

    /** {@code code} as exactly {@code words} longs. */
    private long[] words(BitSet code) {
        if (code.length() > bits) {
            throw new IllegalArgumentException("a code has " + bits + " bits, not " + code.length());
        }
        return Arrays.copyOf(code.toLongArray(), words);
    }

    /**
     * The code of one input from its per-layer selections (README, 'What it does': query module): bit {@code l * N + e} is
     * set when layer l selected LoRA e.
     *
     * @param selected per mixture layer, the N selection flags of the input (1 for selected)
     */
    static BitSet code(List<float[]> selected) {
        BitSet code = new BitSet();
        int offset = 0;
        for (float[] layer : selected) {
            for (int e = 0; e < layer.length; e++) {
                if (layer[e] != 0) {
                    code.set(offset + e);
                }
            }
            offset += layer.length;
        }
        return code;
    }
}
