package io.editlab.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** Which copies of libtorch this process has mapped, from /proc/self/maps. */
final class NativeMaps {

    private static final Path MAPS = Path.of("/proc/self/maps");

    private NativeMaps() {}

    static boolean available() {
        return Files.isReadable(MAPS);
    }

    /** One entry per distinct mapped libtorch_cpu file: "path@lowest-address". */
    static Set<String> libtorch() throws IOException {
        Set<String> paths = new TreeSet<>();
        String first = null;
        for (String line : Files.readAllLines(MAPS)) {
            if (line.endsWith("libtorch_cpu.so")) {
                String path = line.substring(line.lastIndexOf(' ') + 1);
                if (first == null) {
                    first = line.substring(0, line.indexOf('-'));
                }
                paths.add(path);
            }
        }
        Set<String> result = new TreeSet<>();
        for (String path : paths) {
            result.add(path + "@" + first);
        }
        return result;
    }
}
