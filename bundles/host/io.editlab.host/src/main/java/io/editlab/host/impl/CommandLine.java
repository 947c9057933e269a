package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.host.source.Plugins;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Runs one {@code ./editlab} command when the framework was started for it: the launcher passes
 * the arguments in the property {@value #ARGS}, separated by {@value #SEPARATOR_NAME}. The command
 * runs on its own thread; its exit code ends the process.
 */
@Component(immediate = true)
public final class CommandLine {

    static final String ARGS = "editlab.args";
    static final String SEPARATOR = "\u001f";
    static final String SEPARATOR_NAME = "the ASCII unit separator";
    private static final long WAIT_MILLIS = 30_000;
    private static final long SETTLE_MILLIS = 3_000;

    @Activate
    public CommandLine(BundleContext context, @Reference PluginCatalog catalog) {
        String packed = context.getProperty(ARGS);
        if (packed == null) {
            return; // an interactive host: nothing to run
        }
        List<String> args = packed.isEmpty() ? List.of() : Arrays.asList(packed.split(SEPARATOR, -1));
        Thread thread = new Thread(
                () -> {
                    awaitStarted(context); // every plugin registered before a command looks for them
                    System.exit(run(catalog, args, System.out, System.err, startup(context)));
                },
                "editlab-command");
        thread.start();
    }

    /**
     * Waits until every bundle is active (SCR registers a bundle's components as it starts), at most
     * 30 s: woken by each bundle event, no polling.
     */
    private static void awaitStarted(BundleContext context) {
        Object changed = new Object();
        BundleListener listener = event -> {
            synchronized (changed) {
                changed.notifyAll();
            }
        };
        context.addBundleListener(listener);
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        try {
            synchronized (changed) {
                while (!allActive(context)) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        return;
                    }
                    changed.wait(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            context.removeBundleListener(listener);
        }
    }

    private static boolean allActive(BundleContext context) {
        return Arrays.stream(context.getBundles())
                .allMatch(b -> b.getState() == Bundle.ACTIVE || b.getHeaders().get("Fragment-Host") != null);
    }

    /**
     * How long to wait for a command to be registered: until shortly after every bundle has started,
     * at most {@value #WAIT_MILLIS} ms.
     */
    private static LongSupplier startup(BundleContext context) {
        long[] settledAt = {0};
        return () -> {
            if (!allActive(context)) {
                settledAt[0] = 0;
                return WAIT_MILLIS;
            }
            if (settledAt[0] == 0) {
                settledAt[0] = System.nanoTime();
            }
            return (System.nanoTime() - settledAt[0]) / 1_000_000 < SETTLE_MILLIS ? WAIT_MILLIS : 0;
        };
    }

    /** Runs {@code args} and returns the exit code; {@code patience} says how much longer to wait for the command. */
    static int run(PluginCatalog catalog, List<String> args, PrintStream out, PrintStream err, LongSupplier patience) {
        if (args.isEmpty()) {
            err.println("editlab: no command given");
            listCommands(catalog, err);
            return 2;
        }
        String name = args.get(0);
        Optional<Command> command =
                Plugins.await(catalog, PluginKind.COMMAND, Command.class, name, WAIT_MILLIS, patience);
        if (command.isEmpty()) {
            err.println("editlab: unknown command '" + name + "'");
            listCommands(catalog, err);
            return 2;
        }
        if (args.size() == 2 && List.of("--help", "-h").contains(args.get(1))) {
            out.println("usage: ./editlab " + name + " " + command.get().usage());
            return 0;
        }
        try {
            return command.get().run(args.subList(1, args.size()), out, err);
        } catch (Args.UsageException e) {
            err.println("editlab " + name + ": " + e.getMessage());
            err.println("usage: ./editlab " + name + " " + command.get().usage());
            return 2;
        } catch (Exception | Error e) {
            err.println("editlab " + name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static void listCommands(PluginCatalog catalog, PrintStream err) {
        err.println("commands:");
        for (PluginInfo info : catalog.plugins(PluginKind.COMMAND)) {
            catalog.find(PluginKind.COMMAND, Command.class, info.name())
                    .ifPresent(c -> err.println("  " + info.name() + " " + c.usage()));
        }
    }
}
