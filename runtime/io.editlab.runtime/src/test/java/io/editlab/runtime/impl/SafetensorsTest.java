package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.model.ModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

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
    void writesAndReadsBackValuesShapesTypesAndMetadata() throws Exception {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("b", manager.create(new float[] {1.5f, -2f, 3.25f, 0f, 7f, 8f}, new Shape(2, 3)));
        tensors.put("a", manager.create(new long[] {5, 6, 7}));
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, tensors, Map.of("note", "x"));

        Safetensors read = Safetensors.open(file);
        assertEquals("x", read.metadata().get("note"));
        assertEquals(2, read.entries().size());
        Safetensors.Entry b = read.entries().get(0);
        assertEquals("b", b.name());
        NDArray loaded = read.load(manager, b, DataType.FLOAT32);
        assertEquals(new Shape(2, 3), loaded.getShape());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f, 7f, 8f}, loaded.toFloatArray());
        NDArray ints = read.load(manager, read.entries().get(1), DataType.FLOAT32);
        assertEquals(DataType.INT64, ints.getDataType(), "integers keep their type");
        assertArrayEquals(new long[] {5, 6, 7}, ints.toLongArray());
    }

    @Test
    void halfPrecisionIsWidenedToTheComputeType() throws Exception {
        Path file = dir.resolve("h.safetensors");
        Safetensors.write(
                file, Map.of("w", manager.create(new float[] {0.5f, -1f}).toType(DataType.FLOAT16, false)), Map.of());
        Safetensors read = Safetensors.open(file);
        NDArray w = read.load(manager, read.entries().get(0), DataType.FLOAT32);
        assertEquals(DataType.FLOAT32, w.getDataType());
        assertArrayEquals(new float[] {0.5f, -1f}, w.toFloatArray());
    }

    @Test
    void bfloat16IsWidenedToTheComputeType() throws Exception {
        // bfloat16 is the top half of a float32: 0x3FC0 is 1.5, 0xC040 is -3.0
        String json = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        ByteBuffer data = ByteBuffer.allocate(8 + json.length() + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(json.length())
                .put(json.getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 0x3FC0)
                .putShort((short) 0xC040);
        Path file = dir.resolve("bf16.safetensors");
        Files.write(file, data.array());
        Safetensors read = Safetensors.open(file);
        NDArray w = read.load(manager, read.entries().get(0), DataType.FLOAT32);
        assertEquals(DataType.FLOAT32, w.getDataType());
        assertArrayEquals(new float[] {1.5f, -3f}, w.toFloatArray());
    }

    @Test
    void bfloat16KeptInItsOwnSizeIsFloat16AndFloat32WhenAValueIsBeyondIt() throws Exception {
        Safetensors small = bf16File("small", (short) 0x3FC0, (short) 0xC040); // 1.5, -3
        NDArray w = small.load(manager, small.entries().get(0), null);
        assertEquals(DataType.FLOAT16, w.getDataType(), "2 bytes a value, as in the file");
        assertArrayEquals(
                new float[] {1.5f, -3f}, w.toType(DataType.FLOAT32, false).toFloatArray());
        Safetensors large = bf16File("large", (short) 0x3FC0, (short) 0x47C3); // 1.5, 99840: beyond float16
        NDArray v = large.load(manager, large.entries().get(0), DataType.BFLOAT16);
        assertEquals(DataType.FLOAT32, v.getDataType(), "a value float16 cannot hold keeps the tensor in float32");
        assertArrayEquals(new float[] {1.5f, 99840f}, v.toFloatArray());
    }

    private Safetensors bf16File(String name, short first, short second) throws Exception {
        String json = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        ByteBuffer data = ByteBuffer.allocate(8 + json.length() + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(json.length())
                .put(json.getBytes(StandardCharsets.US_ASCII))
                .putShort(first)
                .putShort(second);
        Path file = dir.resolve(name + ".safetensors");
        Files.write(file, data.array());
        return Safetensors.open(file);
    }

    @Test
    void aTruncatedDataBlockNamesTheFileAndTensor() throws Exception {
        Path file = dir.resolve("cut.safetensors");
        Safetensors.write(file, Map.of("layer.weight", manager.ones(new Shape(4, 4))), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        ModelException error = assertThrows(ModelException.class, () -> Safetensors.open(file));
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("'layer.weight'"), error.getMessage());
        assertTrue(error.getMessage().contains("truncated"), error.getMessage());
    }

    @Test
    void aHeaderLongerThanTheFileIsReportedNotAllocated() throws Exception {
        Path file = dir.resolve("bad.safetensors");
        ByteBuffer head = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(1L << 40)
                .put("{}  ".getBytes(StandardCharsets.US_ASCII));
        Files.write(file, head.array());
        ModelException error = assertThrows(ModelException.class, () -> Safetensors.open(file));
        assertTrue(error.getMessage().contains("header length"), error.getMessage());
    }

    @Test
    void offsetsThatDisagreeWithTheShapeAreRejected() throws Exception {
        Path file = dir.resolve("shape.safetensors");
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        ByteBuffer data = ByteBuffer.allocate(8 + json.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(json.length()).put(json.getBytes(StandardCharsets.US_ASCII));
        Files.write(file, data.array());
        ModelException error = assertThrows(ModelException.class, () -> Safetensors.open(file));
        assertTrue(error.getMessage().contains("'w'") && error.getMessage().contains("(3)"), error.getMessage());
    }
}
