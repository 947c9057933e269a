package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchRuntimeCommandTest {

    @Test
    void measuresSessionsOnAGivenCheckpointInItsOwnDtype(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny");
        ModelMaker.make("tiny-llama", DataType.FLOAT16, 1, model, 3, (stage, done, total) -> {});
        Path json = dir.resolve("bench.json");
        DjlRuntime runtime = DjlRuntime.standalone("cpu", "auto");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            int code = new BenchRuntimeCommand(runtime)
                    .run(
                            List.of(
                                    "--part",
                                    "sessions",
                                    "--sessions-model",
                                    model.toString(),
                                    "--sessions",
                                    "3",
                                    "--lora-blocks",
                                    "1",
                                    "--out",
                                    json.toString()),
                            out,
                            out);
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, printed);
            assertTrue(printed.contains("sessions on one tiny base"), printed);
            JsonObject sessions = JsonParser.parseString(Files.readString(json))
                    .getAsJsonObject()
                    .getAsJsonObject("sessions");
            assertEquals(3, sessions.get("sessions").getAsInt());
            assertEquals(1, sessions.get("lora_blocks").getAsInt());
            assertTrue(sessions.get("resident_bytes_n_sessions").getAsLong() > 0);
            assertEquals(List.of(), runtime.models(), "the measured model is not left registered");
        } finally {
            runtime.close();
        }
    }

    @Test
    void badOptionsNameTheOption() {
        DjlRuntime runtime = DjlRuntime.standalone("cpu", "auto");
        try {
            var command = new BenchRuntimeCommand(runtime);
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            var part = assertThrows(
                    IllegalArgumentException.class, () -> command.run(List.of("--part", "speed"), sink, sink));
            assertTrue(part.getMessage().contains("--part"), part.getMessage());
            var count = assertThrows(
                    IllegalArgumentException.class, () -> command.run(List.of("--sessions", "0"), sink, sink));
            assertTrue(count.getMessage().contains("--sessions must be"), count.getMessage());
        } finally {
            runtime.close();
        }
    }
}
