package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.editlab.api.model.ModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, read through memory mapping: the header is parsed up front and each tensor is
 * copied out of the mapping when loaded, so a checkpoint of any size loads with the model's memory
 * plus one tensor, never the whole file twice.
 */
final class Safetensors {

    private static final System.Logger LOG = System.getLogger(Safetensors.class.getName());

    /** One tensor's place in the file. Offsets are relative to the start of the data block. */
    record Entry(String name, DataType dataType, Shape shape, long begin, long end) {}

    private static final long MAX_HEADER = 100L << 20;

    private final Path file;
    private final long dataStart;
    private final List<Entry> entries;
    private final Map<String, String> metadata;

    private Safetensors(Path file, long dataStart, List<Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Reads and checks the header of {@code file}. */
    static Safetensors open(Path file) throws ModelException {
        FolderFiles.requireRegular(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new ModelException(file + ": truncated safetensors file (" + size + " bytes, no header)");
            }
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, length, 0);
            long headerLength = length.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new ModelException(file + ": header length " + headerLength + " does not fit a file of " + size
                        + " bytes: truncated or not a safetensors file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            return parse(file, json, 8 + headerLength, size - 8 - headerLength);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Safetensors parse(Path file, String json, long dataStart, long dataSize) throws ModelException {
        JsonObject header;
        try {
            header = JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new ModelException(file + ": header is not a JSON object: " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> field : header.entrySet()) {
            String name = field.getKey();
            if (name.equals("__metadata__")) {
                if (!field.getValue().isJsonObject()) {
                    throw new ModelException(file + ": '__metadata__' must be an object of strings");
                }
                for (Map.Entry<String, JsonElement> m :
                        field.getValue().getAsJsonObject().entrySet()) {
                    if (!m.getValue().isJsonPrimitive()) {
                        throw new ModelException(file + ": '__metadata__' entry '" + m.getKey() + "' must be a string");
                    }
                    metadata.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            entries.add(entry(file, name, field.getValue(), dataSize));
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        return new Safetensors(file, dataStart, List.copyOf(entries), Map.copyOf(metadata));
    }

    private static Entry entry(Path file, String name, JsonElement value, long dataSize) throws ModelException {
        if (!value.isJsonObject()) {
            throw malformed(file, name, value, "not an object");
        }
        JsonObject spec = value.getAsJsonObject();
        JsonElement code = spec.get("dtype");
        if (code == null
                || !code.isJsonPrimitive()
                || !code.getAsJsonPrimitive().isString()) {
            throw malformed(file, name, value, "'dtype' must be a string");
        }
        DataType type = dataType(file, name, code.getAsString());
        long[] shape = whole(file, name, value, spec.get("shape"), "shape", -1);
        long[] offsets = whole(file, name, value, spec.get("data_offsets"), "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        long expected;
        try {
            expected = type.getNumOfBytes();
            for (long d : shape) {
                expected = Math.multiplyExact(expected, d);
            }
        } catch (ArithmeticException e) {
            throw malformed(file, name, value, "the shape's size overflows");
        }
        if (end < begin || end - begin != expected) {
            throw new ModelException(file + ": tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + "] do not match shape " + new Shape(shape) + " of " + type);
        }
        if (end > dataSize) {
            throw new ModelException(file + ": tensor '" + name + "' ends at byte " + end + " but the data block"
                    + " has only " + dataSize + " bytes: the file is truncated");
        }
        return new Entry(name, type, new Shape(shape), begin, end);
    }

    /** An array of whole non-negative numbers ({@code length} of them unless it is -1). */
    private static long[] whole(Path file, String name, JsonElement entry, JsonElement value, String field, int length)
            throws ModelException {
        if (value == null
                || !value.isJsonArray()
                || (length >= 0 && value.getAsJsonArray().size() != length)) {
            throw malformed(
                    file,
                    name,
                    entry,
                    "'" + field + "' must be an array" + (length >= 0 ? " of " + length + " numbers" : ""));
        }
        JsonArray array = value.getAsJsonArray();
        long[] numbers = new long[array.size()];
        for (int i = 0; i < numbers.length; i++) {
            JsonElement item = array.get(i);
            try {
                if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isNumber()) {
                    throw new NumberFormatException();
                }
                numbers[i] = item.getAsBigDecimal().longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw malformed(
                        file, name, entry, "'" + field + "' must hold whole numbers, found " + Json.shortText(item));
            }
            if (numbers[i] < 0) {
                throw malformed(file, name, entry, "'" + field + "' must not hold negative numbers");
            }
        }
        return numbers;
    }

    private static ModelException malformed(Path file, String name, JsonElement entry, String why) {
        return new ModelException(
                file + ": tensor '" + name + "': malformed header entry " + Json.shortText(entry) + ": " + why);
    }

    private static DataType dataType(Path file, String name, String code) throws ModelException {
        return switch (code) {
            case "F64" -> DataType.FLOAT64;
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "BF16" -> DataType.BFLOAT16;
            case "I64" -> DataType.INT64;
            case "I32" -> DataType.INT32;
            case "I8" -> DataType.INT8;
            case "U8" -> DataType.UINT8;
            case "BOOL" -> DataType.BOOLEAN;
            default -> throw new ModelException(file + ": tensor '" + name + "' has unsupported dtype " + code);
        };
    }

    Path file() {
        return file;
    }

    List<Entry> entries() {
        return entries;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** Values read from disk at a time while loading: the reading buffers hold this many. */
    static final int LOAD_SLICE = 1 << 22;

    /**
     * Per loading thread, a reused buffer of {@link #LOAD_SLICE} float32 values: direct buffers are
     * freed only by the garbage collector, so one allocated per tensor would let native memory grow
     * by the checkpoint's size before a collection.
     */
    private static final ThreadLocal<ByteBuffer> SLICES = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(LOAD_SLICE * 4).order(ByteOrder.nativeOrder()));

    /**
     * Loads one tensor into {@code manager}. Floating-point tensors become {@code floatType}, or keep
     * their own type when it is null; others keep their type. bfloat16 is kept as float16 (see {@link
     * #storedType}). The file is read slice by slice into a reused buffer (not memory-mapped, so that
     * the process's resident memory is the tensors it holds): a 2-byte checkpoint stays 2 bytes per
     * value from disk to the tensor.
     */
    NDArray load(NDManager manager, Entry entry, DataType floatType) throws ModelException {
        DataType source = entry.dataType();
        DataType target = storedType(source.isFloating() && floatType != null ? floatType : source);
        try {
            return load(manager, entry, source, target);
        } catch (Float16Overflow e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: tensor ''{1}'' holds {2}, beyond float16''s range: kept in float32",
                    file,
                    entry.name(),
                    e.value);
            return load(manager, entry, source, DataType.FLOAT32);
        }
    }

    /**
     * The type a tensor requested as {@code wanted} is kept in: bfloat16 becomes float16, because
     * DJL's PyTorch engine has no bfloat16 (its native side maps element types 0-8 only, and any
     * bfloat16 tensor, made from a buffer, by {@code zeros} or by {@code toType}, aborts the process).
     * Both take 2 bytes a value; a bfloat16 value is exact in float16 when its magnitude lies in
     * [2^-14, 65504] (below, it is rounded to float16's subnormals, an absolute error under 3e-8; a
     * tensor with a value above 65504 is kept in float32 instead).
     */
    static DataType storedType(DataType wanted) {
        return wanted == DataType.BFLOAT16 ? DataType.FLOAT16 : wanted;
    }

    private NDArray load(NDManager manager, Entry entry, DataType source, DataType target) throws ModelException {
        long values = entry.shape().size();
        int width = source.getNumOfBytes();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            NDArray flat = manager.zeros(new Shape(values), target);
            try {
                ByteBuffer slice = SLICES.get();
                for (long from = 0; from < values; from += LOAD_SLICE) {
                    int n = (int) Math.min(LOAD_SLICE, values - from);
                    boolean bf16 = source == DataType.BFLOAT16;
                    ByteBuffer raw = bf16
                            ? ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN)
                            : slice.clear().limit(n * width);
                    readFully(channel, raw, dataStart + entry.begin() + from * width);
                    raw.flip();
                    DataType kind = source;
                    ByteBuffer data = raw;
                    if (bf16) { // no bfloat16 buffer reaches the engine: float16 when that is the target, else float32
                        kind = target == DataType.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
                        data = kind == DataType.FLOAT16 ? bfloat16AsFloat16(raw, slice) : widenBfloat16(raw, slice);
                    }
                    try (NDArray view = manager.create(data, new Shape(n), kind);
                            NDArray part = view.toType(target, true)) {
                        flat.set(new NDIndex("{}:{}", from, from + n), part);
                    }
                }
                NDArray shaped = flat.reshape(entry.shape());
                shaped.setName(entry.name());
                return shaped;
            } finally {
                flat.close();
            }
        } catch (IOException e) {
            throw new ModelException(file + ": tensor '" + entry.name() + "': cannot read: " + e.getMessage(), e);
        }
    }

    /** A bfloat16 value beyond float16's range: the tensor is loaded as float32 instead. */
    private static final class Float16Overflow extends RuntimeException {
        final float value;

        Float16Overflow(float value) {
            super(null, null, false, false);
            this.value = value;
        }
    }

    /** bfloat16 values as float32 in {@code into} (cleared): each is the upper half of the float32 with the same value. */
    static ByteBuffer widenBfloat16(ByteBuffer bf16, ByteBuffer into) {
        int n = bf16.remaining() / 2;
        into.clear().limit(n * 4);
        for (int i = 0; i < n; i++) {
            into.putInt(i * 4, (bf16.getShort(bf16.position() + i * 2) & 0xFFFF) << 16);
        }
        return into;
    }

    /** bfloat16 values as float16 in {@code into} (cleared), rounded to nearest even. */
    private static ByteBuffer bfloat16AsFloat16(ByteBuffer bf16, ByteBuffer into) {
        int n = bf16.remaining() / 2;
        into.clear().limit(n * 2);
        for (int i = 0; i < n; i++) {
            float value = HalfFloats.fromBfloat16(bf16.getShort(bf16.position() + i * 2));
            if (Math.abs(value) > HalfFloats.FLOAT16_MAX && !Float.isNaN(value)) {
                throw new Float16Overflow(value);
            }
            into.putShort(i * 2, HalfFloats.toFloat16(value));
        }
        return into;
    }

    /**
     * Writes tensors in safetensors layout, in the given order, with optional string metadata. The
     * header is padded with spaces to a multiple of 8 bytes, as the reference implementation does.
     */
    static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Spec> specs = new LinkedHashMap<>();
        tensors.forEach((name, array) -> specs.put(name, new Spec(array.getDataType(), array.getShape())));
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, header(specs, metadata));
            for (NDArray array : tensors.values()) {
                writeFully(channel, array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
            }
        }
    }

    /** A tensor's type and shape, as a header describes it. */
    record Spec(DataType type, Shape shape) {

        long bytes() {
            return shape.size() * type.getNumOfBytes();
        }
    }

    /**
     * The header of a file holding tensors of {@code specs} in that order (8-byte length, JSON padded
     * with spaces to a multiple of 8 bytes), ready to write; the data follows it back to back.
     */
    static ByteBuffer header(Map<String, Spec> specs, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Spec> e : specs.entrySet()) {
            Spec spec = e.getValue();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", code(spec.type()));
            JsonArray shape = new JsonArray();
            for (long d : spec.shape().getShape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + spec.bytes());
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
            offset += spec.bytes();
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        return head.flip();
    }

    private static String code(DataType type) {
        return switch (type) {
            case FLOAT64 -> "F64";
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOLEAN -> "BOOL";
            default -> throw new IllegalArgumentException("safetensors cannot store " + type);
        };
    }

    static void writeFully(FileChannel channel, ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            channel.write(data);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }
}
