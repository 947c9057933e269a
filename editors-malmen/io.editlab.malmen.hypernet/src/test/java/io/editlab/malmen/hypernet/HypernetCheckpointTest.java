package io.editlab.malmen.hypernet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HypernetCheckpointTest {

    @TempDir
    Path dir;

    NDManager manager;

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aCheckpointRoundTripsAndReportsBrokenFiles() throws Exception {
        Path folder = dir.resolve("net");
        NDArray u = manager.randomNormal(new Shape(7, 4));
        NDArray d = manager.randomNormal(new Shape(7, 6));
        EditedModule m = HyperNetworkTest.MODULES.get(2);
        float[] before;
        try (HyperNetwork network = HyperNetwork.create(HyperNetworkTest.config(Variant.MALMEN, 5), 1e-4, 3, manager)) {
            network.observe(m, u, d);
            HyperNetworkTest.randomise(network, new Random(4));
            before = network.valueDifferences(m, u, network.transform(m, u, d)).toFloatArray();
            HypernetCheckpoint.save(network, folder, Map.of("best_epoch", "2"));
        }
        try (HyperNetwork loaded = HypernetCheckpoint.load(folder, manager)) {
            assertEquals(HyperNetworkTest.config(Variant.MALMEN, 5), loaded.config());
            assertEquals("2", loaded.training().get("best_epoch"));
            assertArrayEquals(
                    before,
                    loaded.valueDifferences(m, u, loaded.transform(m, u, d)).toFloatArray());
        }
        EditException missing =
                assertThrows(EditException.class, () -> HypernetCheckpoint.load(dir.resolve("none"), manager));
        assertTrue(missing.getMessage().contains("config.json"), missing.getMessage());
        Path config = folder.resolve(HypernetCheckpoint.CONFIG);
        Files.writeString(config, Files.readString(config).replace("\"rank\": 5", "\"rank\": 6"));
        EditException shape = assertThrows(EditException.class, () -> HypernetCheckpoint.load(folder, manager));
        assertTrue(shape.getMessage().contains("g0.b0.a"), shape.getMessage());
    }
}
