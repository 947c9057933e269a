package io.editlab.malmen.hypernet.training;

import io.editlab.malmen.hypernet.Variant;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MALMEN against the Python reference, step by step ({@link HypernetEquivalence}). */
class MalmenEquivalenceTest extends HypernetEquivalence {

    MalmenEquivalenceTest() {
        super(Variant.MALMEN);
    }

    @Test
    void tracesSolvesMetaTrainsAndEditsAsTheReference(@TempDir Path dir) throws Exception {
        run(dir);
    }
}
