package io.editlab.rome.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.runtime.testing.Configs;
import io.editlab.runtime.testing.TinyModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ROME on a real tiny pretrained model: one rank-one update per request. */
class RomeEditorTest {

    @TempDir
    static Path dir;

    static TinyModel tiny;

    @BeforeAll
    static void pretrain() throws Exception {
        tiny = TinyModel.pretrain(dir, 2);
    }

    @AfterAll
    static void close() {
        if (tiny != null) {
            tiny.close();
        }
    }

    /**
     * ROME's value search with the small preset, but without its weight decay: the tiny model's MLP
     * outputs are so small that the term {@code |delta| / |h|^2} would hold the value in place, and
     * with a wide clamp.
     */
    static RomeMethod method() {
        return new RomeMethod(
                Configs.of(
                        RomeConfig.class,
                        Map.of(
                                "cache",
                                dir.resolve("keystats").toString(),
                                "corpus",
                                "tiny",
                                "clampNormFactor",
                                50.0,
                                "weightDecay",
                                0.0)),
                List.of(Map.entry(Map.of(KnowledgeCorpus.NAME, "tiny"), TinyModel.corpus())));
    }

    @Test
    void eachEditIsARankOneUpdateThatTakes() throws Exception {
        try (EditSession session = tiny.model.openSession("edited")) {
            Editor editor = method().create(session, Map.of());
            EditRequest edit = new EditRequest(
                    "e0",
                    "Ana lives in",
                    TinyModel.otherCity(0),
                    "Ana",
                    TinyModel.city(0),
                    List.of(),
                    List.of(),
                    List.of());
            EditResult result = editor.apply(List.of(edit));
            assertTrue(
                    session.score(List.of(new Completion(edit.prompt(), edit.target())))
                            .get(0)
                            .exactMatch(),
                    "the edit takes: " + result.stats());
            float[] delta = session.delta("transformer.h.1.mlp.c_proj.weight").toFloatArray();
            assertEquals(1, rank(delta, 128, 32), "one request, one rank-one update");
        }
    }

    @Test
    void romeEditsOneLayer() {
        try (EditSession session = tiny.model.openSession("two")) {
            EditException error =
                    assertThrows(EditException.class, () -> method().create(session, Map.of("layers", "0,1")));
            assertTrue(error.getMessage().startsWith("rome: layers must be one block"), error.getMessage());
        }
    }

    /** The numerical rank of a row-major matrix: rows left non-negligible by Gram-Schmidt. */
    static int rank(float[] matrix, int rows, int columns) {
        double[][] basis = new double[rows][];
        int rank = 0;
        double scale = 0;
        for (float value : matrix) {
            scale = Math.max(scale, Math.abs(value));
        }
        for (int r = 0; r < rows; r++) {
            double[] v = new double[columns];
            for (int c = 0; c < columns; c++) {
                v[c] = matrix[r * columns + c];
            }
            for (int b = 0; b < rank; b++) {
                double dot = 0;
                for (int c = 0; c < columns; c++) {
                    dot += v[c] * basis[b][c];
                }
                for (int c = 0; c < columns; c++) {
                    v[c] -= dot * basis[b][c];
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (norm > 1e-4 * scale * Math.sqrt(columns)) {
                for (int c = 0; c < columns; c++) {
                    v[c] /= norm;
                }
                basis[rank++] = v;
            }
        }
        return rank;
    }
}
