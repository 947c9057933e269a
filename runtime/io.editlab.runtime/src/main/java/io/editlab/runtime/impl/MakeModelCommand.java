package io.editlab.runtime.impl;

import ai.djl.ndarray.types.DataType;
import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/**
 * {@code ./editlab make-model}: a random checkpoint of a published layout, written to disk slice by
 * slice ({@link ModelMaker}), for checking memory and speed before real weights are at hand.
 */
@EditlabCommand("make-model")
@Component(service = Command.class)
public final class MakeModelCommand implements Command {

    @Override
    public String usage() {
        return "--layout " + String.join("|", ModelMaker.layouts().keySet())
                + " [--dtype float32|float16|bfloat16 (default bfloat16)] [--shards N (default 1)] [--seed N] --out DIR";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String layout = null;
        DataType dtype = DataType.BFLOAT16;
        int shards = 1;
        long seed = 1;
        Path folder = null;
        for (int i = 0; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(args.get(i) + " needs a value");
            }
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--layout" -> layout = value;
                case "--dtype" -> dtype = switch (value) {
                    case "float32" -> DataType.FLOAT32;
                    case "float16" -> DataType.FLOAT16;
                    case "bfloat16" -> DataType.BFLOAT16;
                    default -> throw new IllegalArgumentException(
                            "--dtype must be float32, float16 or bfloat16, not '" + value + "'");
                };
                case "--shards" -> shards = CommandArguments.integer("--shards", value, Integer.MIN_VALUE);
                case "--seed" -> seed = CommandArguments.integer("--seed", value, Integer.MIN_VALUE);
                case "--out" -> folder = Path.of(value).toAbsolutePath().normalize();
                default -> throw new IllegalArgumentException("unexpected argument '" + args.get(i) + "'");
            }
        }
        if (layout == null || folder == null) {
            throw new IllegalArgumentException("--layout and --out are required");
        }
        long started = System.nanoTime();
        int[] shown = {-1};
        ModelMaker.Made made = ModelMaker.make(layout, dtype, shards, folder, seed, (stage, done, total) -> {
            int percent = (int) (100 * done / Math.max(1, total));
            if (percent / 5 != shown[0]) {
                shown[0] = percent / 5;
                err.println(String.format(Locale.ROOT, "%3d%%  %s", percent, stage));
            }
        });
        out.println(String.format(
                Locale.ROOT,
                "%s: %s, %,d parameters, %,d bytes in %d shard(s), %.1f s",
                made.folder(),
                layout,
                made.parameters(),
                made.bytes(),
                made.shards(),
                (System.nanoTime() - started) / 1e9));
        return 0;
    }
}
