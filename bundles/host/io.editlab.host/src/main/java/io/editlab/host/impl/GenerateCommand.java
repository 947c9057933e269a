package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.Generation;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code ./editlab generate}: greedy continuation of a prompt. */
@EditlabCommand("generate")
@Component(service = Command.class)
public final class GenerateCommand extends ModelCommand {

    @Activate
    public GenerateCommand(
            @Reference ModelRuntime runtime, @Reference Pretrainer pretrainer, @Reference PluginCatalog catalog) {
        super(runtime, pretrainer, catalog);
    }

    @Override
    public String usage() {
        return "--model DIR|builtin --prompt TEXT [--tokens N]";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(arguments, Set.of("model", "prompt", "tokens"));
        String prompt = args.require("prompt");
        int tokens = args.integer("tokens", 8);
        if (tokens < 1) {
            throw new Args.UsageException("--tokens must be at least 1");
        }
        ModelHandle model = model(args.require("model"), err);
        Generation generation = model.generate(List.of(prompt), tokens).get(0);
        out.println(prompt + " " + generation.text().strip());
        return 0;
    }
}
