package io.editlab.malmen.hypernet.training;

import io.editlab.malmen.hypernet.Variant;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MEND against the Python reference, step by step ({@link HypernetEquivalence}). */
class MendEquivalenceTest extends HypernetEquivalence {

    MendEquivalenceTest() {
        super(Variant.MEND);
    }

    @Test
    void tracesSolvesMetaTrainsAndEditsAsTheReference(@TempDir Path dir) throws Exception {
        run(dir);
    }
}
