package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    @Test
    void reportsTheEngineDevicesPrecisionsMemoryAndWhatAGpuHostNeeds() {
        DjlRuntime runtime = DjlRuntime.standalone("cpu", "bfloat16");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            assertEquals(0, new DoctorCommand(runtime).run(List.of(), out, out));
            String report = bytes.toString(StandardCharsets.UTF_8);
            for (String expected : List.of(
                    "engine                 PyTorch 2.7.1",
                    "GPUs seen              0",
                    "runtime device         cpu()",
                    "weight dtype           bfloat16",
                    "float32 matmul         yes",
                    "float16 matmul         yes",
                    "bfloat16               not in DJL",
                    "memory ",
                    "A GPU host needs",
                    "PYTORCH_LIBRARY_PATH")) {
                assertTrue(report.contains(expected), "'" + expected + "' in\n" + report);
            }
        } finally {
            runtime.close();
        }
    }
}
