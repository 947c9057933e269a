package io.editlab.elder.impl;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * ELDER's code memory M (README, 'What it does': query module): the binary allocation code of every edit, recorded at the
 * end of its batch, and the deferral test: an input uses the LoRAs only when the Hamming distance of
 * its code to some recorded code is strictly below the threshold.
 */
final class CodeMemory {

    private final int bits;
    private final List<BitSet> codes = new ArrayList<>();

    /** @param bits L * N, the length of every code */
    CodeMemory(int bits) {
        this.bits = bits;
    }

    int bits() {
        return bits;
    }

    int size() {
        return codes.size();
    }

    /** The recorded codes, in recording order (copies). */
    List<BitSet> codes() {
        return codes.stream().map(c -> (BitSet) c.clone()).toList();
    }

    void add(BitSet code) {
        if (code.length() > bits) {
            throw new IllegalArgumentException("a code has " + bits + " bits, not " + code.length());
        }
        codes.add((BitSet) code.clone());
    }

    void replaceAll(List<BitSet> replacement) {
        codes.clear();
        replacement.forEach(this::add);
    }

    /** The smallest Hamming distance from {@code code} to a recorded code; {@link Integer#MAX_VALUE} when empty. */
    int distance(BitSet code) {
        int best = Integer.MAX_VALUE;
        for (BitSet recorded : codes) {
            BitSet difference = (BitSet) recorded.clone();
            difference.xor(code);
            best = Math.min(best, difference.cardinality());
        }
        return best;
    }

    /** Whether an input with {@code code} uses the LoRAs: some recorded code is closer than {@code threshold}. */
    boolean applies(BitSet code, int threshold) {
        return distance(code) < threshold;
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
