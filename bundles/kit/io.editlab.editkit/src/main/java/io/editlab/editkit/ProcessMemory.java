package io.editlab.editkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The memory this process occupies and the machine has left, as the operating system counts them (Linux {@code /proc}). */
public final class ProcessMemory {

    private ProcessMemory() {}

    /** Resident memory in bytes (VmRSS), or -1 where it cannot be read. */
    public static long residentBytes() {
        return kibField(Path.of("/proc/self/status"), "VmRSS:");
    }

    /**
     * Memory the machine can still give to processes without swapping (MemAvailable: free memory plus
     * reclaimable caches), in bytes, or -1 where it cannot be read.
     */
    public static long availableBytes() {
        return kibField(Path.of("/proc/meminfo"), "MemAvailable:");
    }

    /** The machine's physical memory (MemTotal), in bytes, or -1 where it cannot be read. */
    public static long totalBytes() {
        return kibField(Path.of("/proc/meminfo"), "MemTotal:");
    }

    /** The value of the line starting with {@code field} in a /proc file counted in KiB, in bytes; -1 if absent. */
    private static long kibField(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
