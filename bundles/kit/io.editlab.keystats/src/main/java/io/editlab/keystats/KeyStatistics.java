package io.editlab.keystats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.Tokenizer;
import java.util.List;

/**
 * The uncentred second moment {@code C = (1/N) sum k k^T} of the keys of one block's MLP output
 * projection (its input: the MLP's hidden activations) over every token of a corpus, run through
 * the unedited model in an ordinary session. Accumulated in float64 batch by batch; memory is one
 * {@code [width, width]} sum plus one batch.
 */
public final class KeyStatistics {

    /** Texts per forward pass. */
    static final int BATCH = 32;

    /**
     * @param provenance what the statistics were computed from
     * @param width the key width ({@code n})
     * @param secondMoment {@code C}, row-major {@code n x n}
     */
    public record Stats(Provenance provenance, int width, double[] secondMoment) {

        public double at(int row, int column) {
            return secondMoment[row * width + column];
        }
    }

    private KeyStatistics() {}

    /** The module whose input keys are measured: block {@code layer}'s MLP output projection. */
    public static String module(ModelHandle model, int layer) {
        return model.module(layer, ModuleRole.MLP_DOWN);
    }

    /** Computes the statistics of block {@code layer} over {@code corpus}. */
    public static Stats compute(ModelHandle model, int layer, Corpus corpus, ProgressListener progress) {
        String module = module(model, layer);
        Tokenizer tokenizer = model.tokenizer();
        List<Completion> texts = corpus.texts();
        try (EditSession session = model.openSession("key-statistics");
                NDManager sums = session.manager().newSubManager()) {
            NDArray[] gram = new NDArray[1];
            long[] tokens = {0};
            int[][] lengths = new int[1][];
            AdapterRegistration hook = session.addAdapter(module, (context, input, output) -> {
                int rows = (int) input.getShape().get(0);
                int sequence = (int) input.getShape().get(1);
                int width = (int) input.getShape().get(2);
                float[] mask = new float[rows * sequence];
                for (int r = 0; r < rows; r++) {
                    for (int p = 0; p < Math.min(sequence, lengths[0][r]); p++) {
                        mask[r * sequence + p] = 1;
                        tokens[0]++;
                    }
                }
                NDArray keys = input.stopGradient()
                        .reshape(rows * (long) sequence, width)
                        .toType(DataType.FLOAT64, false)
                        .mul(context.manager()
                                .create(mask, new Shape(rows * (long) sequence, 1))
                                .toType(DataType.FLOAT64, false));
                NDArray batch = keys.transpose().matMul(keys);
                if (gram[0] == null) {
                    gram[0] = sums.zeros(new Shape(width, width), DataType.FLOAT64);
                }
                gram[0].addi(batch);
                return output;
            });
            try {
                for (int start = 0; start < texts.size(); start += BATCH) {
                    List<Completion> batch = texts.subList(start, Math.min(texts.size(), start + BATCH));
                    lengths[0] = batch.stream()
                            .mapToInt(t -> tokenizer.encode(t.prompt()).length
                                    + tokenizer.encodeContinuation(t.target()).length
                                    - 1)
                            .toArray();
                    try (NDManager scratch = session.manager().newSubManager()) {
                        session.forward(scratch, batch, ForwardOptions.INFERENCE);
                    }
                    progress.progress(
                            "key statistics of " + module, Math.min(texts.size(), start + BATCH), texts.size());
                }
            } finally {
                hook.close();
            }
            int width = (int) gram[0].getShape().get(0);
            double[] moment = gram[0].div(tokens[0]).toDoubleArray();
            Provenance provenance = new Provenance(
                    model.info().id(),
                    Provenance.fingerprint(model),
                    layer,
                    module,
                    corpus.name(),
                    corpus.fingerprint(),
                    tokens[0]);
            return new Stats(provenance, width, moment);
        }
    }
}
