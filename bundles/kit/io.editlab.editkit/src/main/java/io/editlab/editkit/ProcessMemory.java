package io.editlab.editkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The memory this process occupies, as the operating system counts it (Linux {@code /proc}). */
public final class ProcessMemory {

    private ProcessMemory() {}

    /** Resident memory in bytes (VmRSS), or -1 where it cannot be read. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
