package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code ./editlab logits}: the logits after a token sequence, as a JSON array (for numerical checks). */
@EditlabCommand("logits")
@Component(service = Command.class)
public final class LogitsCommand extends ModelCommand {

    @Activate
    public LogitsCommand(
            @Reference ModelRuntime runtime, @Reference Pretrainer pretrainer, @Reference PluginCatalog catalog) {
        super(runtime, pretrainer, catalog);
    }

    @Override
    public String usage() {
        return "--model DIR|builtin --token-ids 1,2,3";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(arguments, Set.of("model", "token-ids"));
        int[] ids;
        try {
            ids = Arrays.stream(args.require("token-ids").split(","))
                    .map(String::strip)
                    .mapToInt(Integer::parseInt)
                    .toArray();
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--token-ids must be comma-separated whole numbers");
        }
        ModelHandle model = model(args.require("model"), err);
        float[] logits = model.nextTokenLogits(ids);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < logits.length; i++) {
            json.append(i == 0 ? "" : ",").append(logits[i]);
        }
        out.println(json.append(']'));
        return 0;
    }
}
