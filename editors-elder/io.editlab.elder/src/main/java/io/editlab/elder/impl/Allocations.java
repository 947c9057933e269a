package io.editlab.elder.impl;

import io.editlab.api.edit.EditException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * ELDER's preset allocations (README, 'What it does': apply): per label (the edit's target string), L random
 * k-subsets of the N LoRAs, re-drawn until the allocation differs from every other label's. The
 * draw for the i-th new label uses a generator seeded with {@code (seed, i)}, so the allocations
 * follow from the seed and the label order alone and need no generator state to be saved.
 */
final class Allocations {

    private final int layers;
    private final int experts;
    private final int topK;
    private final long seed;
    private final Map<String, int[][]> byLabel = new LinkedHashMap<>();

    Allocations(int layers, int experts, int topK, long seed) {
        this.layers = layers;
        this.experts = experts;
        this.topK = topK;
        this.seed = seed;
    }

    int size() {
        return byLabel.size();
    }

    /** The labels, in the order they were allocated. */
    List<String> labels() {
        return List.copyOf(byLabel.keySet());
    }

    /**
     * The allocation of {@code label}, drawing a new one when it has none: {@code [L][k]} LoRA indices, sorted.
     *
     * @throws EditException when every distinct allocation is taken
     */
    int[][] of(String label) throws EditException {
        int[][] allocation = byLabel.get(label);
        if (allocation == null) {
            allocation = draw();
            byLabel.put(label, allocation);
        }
        return allocation;
    }

    /**
     * Replaces every allocation.
     *
     * @throws IllegalArgumentException when an allocation has the wrong shape, an index out of range,
     *     a repeated index or equals another label's
     */
    void replaceAll(List<String> labels, List<int[][]> allocations) {
        Map<String, int[][]> checked = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            int[][] allocation = allocations.get(i);
            if (allocation.length != layers || Arrays.stream(allocation).anyMatch(row -> !valid(row))) {
                throw new IllegalArgumentException("the allocation of '" + labels.get(i) + "' is not " + layers
                        + " sets of " + topK + " distinct LoRAs below " + experts);
            }
            if (checked.values().stream().anyMatch(other -> Arrays.deepEquals(other, allocation))
                    || checked.put(labels.get(i), allocation) != null) {
                throw new IllegalArgumentException("the label or allocation of '" + labels.get(i) + "' repeats");
            }
        }
        byLabel.clear();
        byLabel.putAll(checked);
    }

    /** The k-hot mask of an allocation, {@code [L * N]} flattened layer after layer. */
    float[] mask(int[][] allocation) {
        float[] mask = new float[layers * experts];
        for (int l = 0; l < layers; l++) {
            for (int e : allocation[l]) {
                mask[l * experts + e] = 1;
            }
        }
        return mask;
    }

    private int[][] draw() throws EditException {
        double capacity = Math.pow(choose(experts, topK), layers);
        if (byLabel.size() >= capacity) {
            throw new EditException(ElderSettings.METHOD + ": all " + (long) capacity + " distinct allocations of "
                    + topK + " of " + experts + " LoRAs in " + layers + " layers are taken");
        }
        Random random = new Random(seed * 1_000_003L + byLabel.size());
        while (true) {
            int[][] allocation = new int[layers][];
            for (int l = 0; l < layers; l++) {
                allocation[l] = subset(random);
            }
            if (byLabel.values().stream().noneMatch(other -> Arrays.deepEquals(other, allocation))) {
                return allocation;
            }
        }
    }

    /** A uniformly random k-subset of the N LoRAs, sorted (partial Fisher-Yates). */
    private int[] subset(Random random) {
        int[] all = new int[experts];
        for (int e = 0; e < experts; e++) {
            all[e] = e;
        }
        for (int i = 0; i < topK; i++) {
            int j = i + random.nextInt(experts - i);
            int swap = all[i];
            all[i] = all[j];
            all[j] = swap;
        }
        int[] chosen = Arrays.copyOf(all, topK);
        Arrays.sort(chosen);
        return chosen;
    }

    private boolean valid(int[] row) {
        return row.length == topK
                && Arrays.stream(row).allMatch(e -> e >= 0 && e < experts)
                && Arrays.stream(row).distinct().count() == topK;
    }

    private static double choose(int n, int k) {
        double result = 1;
        for (int i = 0; i < k; i++) {
            result = result * (n - i) / (i + 1);
        }
        return result;
    }

    /** Copies of every allocation, in label order. */
    List<int[][]> allocations() {
        List<int[][]> copies = new ArrayList<>();
        for (int[][] allocation : byLabel.values()) {
            copies.add(Arrays.stream(allocation).map(int[]::clone).toArray(int[][]::new));
        }
        return copies;
    }
}
