package io.editlab.api.host;

import java.io.PrintStream;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A command of the {@code ./editlab} command line, e.g. {@code pretrain} or {@code bench}.
 * Registered as a service with {@link #NAME} set to the command word; any bundle can add one.
 */
@ConsumerType
public interface Command {

    /** Service property: the command word. */
    String NAME = "editlab.command";

    /** One line: the arguments it takes, e.g. {@code --model DIR|builtin --prompt TEXT}. */
    String usage();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command word
     * @return the process exit code: 0 for success, 2 for bad arguments, 1 for other failures
     * @throws Exception any failure; reported with its message and exit code 1
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
