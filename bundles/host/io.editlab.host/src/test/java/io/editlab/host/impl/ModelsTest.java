package io.editlab.host.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelsTest {

    /** A folder's name becomes a valid model id whatever it holds (a path as id was refused after pretraining). */
    @Test
    void folderNamesBecomeValidIds() {
        assertEquals("model", Models.idBase(Path.of("/tmp/cf/model")));
        assertEquals("gpt2-xl", Models.idBase(Path.of("/models/gpt2-xl")));
        assertEquals("my-model--v1.2", Models.idBase(Path.of("/data/my model (v1.2")));
        assertEquals("model", Models.idBase(Path.of("/")));
        assertEquals("x", Models.idBase(Path.of("/a/..x")));
        assertEquals(56, Models.idBase(Path.of("/" + "a".repeat(80))).length());
    }
}
