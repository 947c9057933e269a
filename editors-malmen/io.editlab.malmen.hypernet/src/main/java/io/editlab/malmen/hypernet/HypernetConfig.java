package io.editlab.malmen.hypernet;

import io.editlab.api.model.ForwardOptions.CaptureTokens;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a hyper-network is built for, saved as its checkpoint's {@code config.json}.
 *
 * @param variant MALMEN or MEND
 * @param modelId the id of the model it was trained on (for messages)
 * @param modelType that model's {@code model_type}
 * @param modules the edited modules, in order; modules of equal {@code (key, value)} sizes share
 *     one network (a group) and are told apart by their index in it
 * @param rank the low-rank width of every block (MEND caps it at the group's input size)
 * @param blocks residual blocks per network
 * @param tokens where keys and value gradients are taken
 * @param lmBatchSize facts per language-model mini-batch when tracing: the value gradients are those
 *     of the mini-batch's mean loss, so their scale depends on it; editors use the same
 */
public record HypernetConfig(
        Variant variant,
        String modelId,
        String modelType,
        List<EditedModule> modules,
        int rank,
        int blocks,
        CaptureTokens tokens,
        int lmBatchSize) {

    public HypernetConfig {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(tokens, "tokens");
        modules = List.copyOf(modules);
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("a hyper-network needs at least one module");
        }
        if (rank < 1 || blocks < 1 || lmBatchSize < 1) {
            throw new IllegalArgumentException("rank, blocks and lmBatchSize must be positive");
        }
        List<int[]> shapes = groupShapes(modules);
        int[] next = new int[shapes.size()];
        for (EditedModule m : modules) {
            if (m.group() >= shapes.size()
                    || shapes.get(m.group())[0] != m.keySize()
                    || shapes.get(m.group())[1] != m.valueSize()
                    || m.index() != next[m.group()]++) {
                throw new IllegalArgumentException("module " + m.module() + " is not numbered by shape group in order");
            }
        }
    }

    /**
     * The configuration for editing {@code moduleNames} (linear modules) of {@code model}: groups
     * are numbered by first appearance of each {@code (key, value)} size, modules within a group in
     * the given order.
     *
     * @throws IllegalArgumentException naming a module that is not linear or not in the model
     */
    public static HypernetConfig of(
            ModelHandle model,
            Variant variant,
            List<String> moduleNames,
            int rank,
            int blocks,
            CaptureTokens tokens,
            int lmBatchSize) {
        Map<String, Integer> groups = new LinkedHashMap<>();
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        List<EditedModule> modules = new ArrayList<>();
        for (String name : moduleNames) {
            String weight = name + ".weight";
            ParameterInfo info = model.parameterInfo(weight)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "model '" + model.info().id() + "' has no weight '" + weight + "'"));
            if (info.layout() == WeightLayout.NONE || info.shape().dimension() != 2) {
                throw new IllegalArgumentException(weight + " is not the weight of a linear module");
            }
            int key = Layouts.keySize(info);
            int value = Layouts.valueSize(info);
            int group = groups.computeIfAbsent(key + "x" + value, k -> groups.size());
            int index = counts.merge(group, 1, Integer::sum) - 1;
            modules.add(new EditedModule(name, weight, info.layout(), key, value, group, index));
        }
        return new HypernetConfig(
                variant, model.info().id(), model.info().modelType(), modules, rank, blocks, tokens, lmBatchSize);
    }

    /** The number of shape groups (networks). */
    public int groups() {
        return groupShapes(modules).size();
    }

    /** The modules of group {@code g}, in index order. */
    public List<EditedModule> modulesOf(int g) {
        return modules.stream().filter(m -> m.group() == g).toList();
    }

    /** The width of a block of group {@code g}: the configured rank, capped at the input size for MEND. */
    public int rankOf(int g) {
        EditedModule first = modulesOf(g).get(0);
        int size = first.keySize() + first.valueSize();
        return variant == Variant.MEND ? Math.min(rank, size) : rank;
    }

    /** The module whose weight is {@code weight}, if edited. */
    public EditedModule moduleOfWeight(String weight) {
        return modules.stream()
                .filter(m -> m.weight().equals(weight))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("'" + weight + "' is not edited by this hyper-network"));
    }

    private static List<int[]> groupShapes(List<EditedModule> modules) {
        List<int[]> shapes = new ArrayList<>();
        for (EditedModule m : modules) {
            boolean known = shapes.stream().anyMatch(s -> s[0] == m.keySize() && s[1] == m.valueSize());
            if (!known) {
                shapes.add(new int[] {m.keySize(), m.valueSize()});
            }
        }
        return shapes;
    }
}
