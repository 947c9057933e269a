package io.editlab.app;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code ./editlab} commands and other programs the way a user does, for end-to-end tests. */
final class Launcher {

    /** The longest a command may run. */
    static final Duration LIMIT = Duration.ofMinutes(10);

    private Launcher() {}

    /** Runs {@code ./editlab ARGS} and returns what it printed; fails on a non-zero exit. */
    static String editlab(List<String> args) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("bash", Host.ROOT.resolve("editlab").toString()));
        command.addAll(args);
        Result result = run(command, LIMIT);
        if (result.exit() != 0) {
            fail("./editlab " + String.join(" ", args) + " exited with " + result.exit() + ":\n" + result.out()
                    + result.err());
        }
        return result.out() + result.err();
    }

    record Result(int exit, String out, String err) {}

    static Result run(List<String> command, Duration limit) throws IOException, InterruptedException {
        Path out = Files.createTempFile(Host.ROOT.resolve("bndrun/target"), "launcher", ".out");
        Path err = Files.createTempFile(Host.ROOT.resolve("bndrun/target"), "launcher", ".err");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("JAVA_OPTS", "-Xmx2g");
            Process process = builder.start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not end within " + limit + ":\n" + Files.readString(out)
                        + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
