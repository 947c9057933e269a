package io.editlab.api.train;

/**
 * The size of a model to pretrain (GPT-2 architecture) and how to train it.
 *
 * @param layers transformer blocks
 * @param hidden width of the residual stream
 * @param heads attention heads (must divide {@code hidden})
 * @param epochs the most passes over the facts
 * @param batchSize completions per step
 * @param learningRate Adam's peak learning rate (warm-up, then cosine decay)
 * @param stopAccuracy stop early once this fraction of the facts is answered exactly (teacher forced)
 * @param seed for initialisation and shuffling
 */
public record PretrainingSpec(
        int layers,
        int hidden,
        int heads,
        int epochs,
        int batchSize,
        float learningRate,
        double stopAccuracy,
        long seed) {

    public PretrainingSpec {
        if (layers < 1 || hidden < 1 || heads < 1 || hidden % heads != 0) {
            throw new IllegalArgumentException("need layers, hidden, heads >= 1 with heads dividing hidden");
        }
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || !(stopAccuracy > 0 && stopAccuracy <= 1)) {
            throw new IllegalArgumentException("need epochs, batchSize >= 1, learningRate > 0, stopAccuracy in (0, 1]");
        }
    }
}
