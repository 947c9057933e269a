package io.editlab.planner.kmeans.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ParameterInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LEMoE's instance embedding of a prompt (README, 'What it does'): the mean of the input-embedding rows
 * of its tokens (the embedding table, not a hidden state), read from the frozen base model.
 */
final class PromptEmbeddings {

    private PromptEmbeddings() {}

    /**
     * The embedding table's parameter: the weight of the model's first module (the token
     * embedding: {@code transformer.wte}, {@code model.embed_tokens}).
     *
     * @throws IllegalStateException when the model has no such two-dimensional parameter
     */
    static String table(ModelHandle model) {
        String name = model.modules().get(0) + ".weight";
        ParameterInfo info = model.parameterInfo(name)
                .orElseThrow(() -> new IllegalStateException(
                        "the model's first module " + model.modules().get(0) + " has no weight: no token embedding"));
        if (info.shape().dimension() != 2
                || info.shape().get(0) < model.tokenizer().vocabularySize()) {
            throw new IllegalStateException(name + " of shape " + info.shape() + " is not a token embedding table");
        }
        return name;
    }

    /** Each prompt's mean input embedding, in double precision. */
    static double[][] of(ModelHandle model, List<String> prompts) {
        int[][] ids = new int[prompts.size()][];
        Map<Integer, Integer> rows = new TreeMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            ids[i] = model.tokenizer().encode(prompts.get(i));
            if (ids[i].length == 0) {
                throw new IllegalArgumentException("the prompt '" + prompts.get(i) + "' has no tokens");
            }
            for (int id : ids[i]) {
                rows.putIfAbsent(id, rows.size());
            }
        }
        NDArray table = model.parameter(table(model));
        int width = Math.toIntExact(table.getShape().get(1));
        float[] gathered;
        // the base table's own manager is capped: the gathered rows go to a scratch child of it
        try (NDManager scratch = table.getManager().newSubManager()) {
            long[] index = rows.keySet().stream().mapToLong(Integer::longValue).toArray();
            gathered = table.get(scratch, new NDIndex("{}", scratch.create(index)))
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();
        }
        double[][] embeddings = new double[prompts.size()][width];
        for (int i = 0; i < ids.length; i++) {
            for (int id : ids[i]) {
                int row = rows.get(id);
                for (int d = 0; d < width; d++) {
                    embeddings[i][d] += gathered[row * width + d];
                }
            }
            for (int d = 0; d < width; d++) {
                embeddings[i][d] /= ids[i].length;
            }
        }
        return embeddings;
    }

    /** Scales each row to unit L2 norm (rows of zeros stay zero). */
    static double[][] normalised(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double norm = Math.sqrt(Arrays.stream(rows[i]).map(x -> x * x).sum());
            out[i] = norm == 0
                    ? rows[i].clone()
                    : Arrays.stream(rows[i]).map(x -> x / norm).toArray();
        }
        return out;
    }
}
