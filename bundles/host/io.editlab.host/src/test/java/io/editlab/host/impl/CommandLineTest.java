package io.editlab.host.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.host.Command;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The command line's own answers: help for a command, and a bad argument with its usage. */
class CommandLineTest {

    /** A command that takes one option and says what it got. */
    static final Command ECHO = new Command() {
        @Override
        public String usage() {
            return "--word W";
        }

        @Override
        public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
            out.println(Args.parse(arguments, java.util.Set.of("word")).require("word"));
            return 0;
        }
    };

    static final PluginCatalog CATALOG = new PluginCatalog() {
        @Override
        public List<PluginInfo> plugins() {
            return List.of();
        }

        @Override
        public List<PluginInfo> plugins(PluginKind kind) {
            return List.of();
        }

        @Override
        public <S> Optional<S> find(PluginKind kind, Class<S> type, String name) {
            return kind == PluginKind.COMMAND && name.equals("echo") ? Optional.of(type.cast(ECHO)) : Optional.empty();
        }
    };

    static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CommandLine.run(
                CATALOG,
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                () -> 0);
        return new String[] {
            Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    @Test
    void helpPrintsTheCommandsUsageAndSucceeds() {
        for (String help : List.of("--help", "-h")) {
            String[] r = run("echo", help);
            assertEquals("0", r[0], help);
            assertEquals("usage: ./editlab echo --word W", r[1].strip(), help);
        }
        String[] ok = run("echo", "--word", "hi");
        assertEquals("0", ok[0]);
        assertEquals("hi", ok[1].strip());
    }

    @Test
    void aBadArgumentIsRefusedWithTheUsage() {
        String[] r = run("echo", "--colour", "red");
        assertEquals("2", r[0]);
        assertTrue(
                r[2].contains("unexpected argument '--colour'") && r[2].contains("usage: ./editlab echo --word W"),
                r[2]);
    }
}
