package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelRuntime;
import io.editlab.editkit.Home;
import io.editlab.editkit.ProcessMemory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ./editlab bench-runtime}: throughput of the built-in model and of a GPT-2-small-size random
 * model against the matmul peak measured in the same run, and the memory sessions add to a base (a
 * random GPT-2-small-size model, or any checkpoint given with {@code --sessions-model}).
 */
@EditlabCommand("bench-runtime")
@Component(service = Command.class)
public final class BenchRuntimeCommand implements Command {

    private final DjlRuntime runtime;

    @Activate
    public BenchRuntimeCommand(
            @Reference(target = "(component.name=io.editlab.runtime.impl.DjlRuntime)") ModelRuntime runtime) {
        this.runtime = (DjlRuntime) runtime; // the same bundle's component, selected by name
    }

    @Override
    public String usage() {
        return "[--part all|throughput|sessions] [--model DIR (default: the built-in model)] [--repeats N]"
                + " [--sessions-model DIR (default: a random GPT-2-small-size model)] [--sessions N (default 4)]"
                + " [--lora-blocks K (default: every block)] [--out FILE (default bench-runtime.json)]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Path model = Home.models().resolve("builtin");
        Path output = Path.of("bench-runtime.json");
        String part = "all";
        Path sessionsModel = null;
        int repeats = 5;
        int sessions = 4;
        int loraBlocks = Integer.MAX_VALUE;
        for (int i = 0; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(args.get(i) + " needs a value");
            }
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--model" -> model = Path.of(value);
                case "--repeats" -> repeats = CommandArguments.integer("--repeats", value, 1);
                case "--out" -> output = Path.of(value);
                case "--part" -> part = value;
                case "--sessions-model" -> sessionsModel = Path.of(value);
                case "--sessions" -> sessions = CommandArguments.integer("--sessions", value, 1);
                case "--lora-blocks" -> loraBlocks = CommandArguments.integer("--lora-blocks", value, 1);
                default -> throw new IllegalArgumentException("unexpected argument '" + args.get(i) + "'");
            }
        }
        if (!List.of("all", "throughput", "sessions").contains(part)) {
            throw new IllegalArgumentException("--part must be all, throughput or sessions, not '" + part + "'");
        }
        boolean throughput = !part.equals("sessions");
        if (throughput && !Files.isDirectory(model)) {
            err.println(
                    "editlab bench-runtime: no model in " + model + " (run ./editlab pretrain or pass --model DIR)");
            return 2;
        }
        if (sessionsModel != null && !Files.isDirectory(sessionsModel)) {
            err.println("editlab bench-runtime: --sessions-model " + sessionsModel + " is not a folder");
            return 2;
        }
        Benchmark bench = runtime.benchmark();
        JsonObject report = new JsonObject();
        report.addProperty("device", runtime.device());
        report.addProperty("threads", Runtime.getRuntime().availableProcessors());
        if (throughput) {
            err.println("measuring the matmul peak...");
            double peak = bench.matmulPeak(2048, repeats);
            report.addProperty("matmul_peak_gflops", peak);
            out.println(String.format(
                    Locale.ROOT,
                    "matmul peak (2048^3 float32, best of %d): %.1f GFLOP/s on %s",
                    repeats,
                    peak,
                    runtime.device()));
            out.println(String.format(
                    Locale.ROOT,
                    "%-16s %12s %9s %11s %8s %6s %11s %8s %6s",
                    "model",
                    "parameters",
                    "batch",
                    "fwd tok/s",
                    "GFLOP/s",
                    "%peak",
                    "train tok/s",
                    "GFLOP/s",
                    "%peak"));
            JsonArray rows = new JsonArray();
            try (NDManager manager = runtime.benchmarkManager()) {
                Checkpoint builtin = Checkpoint.load(
                        model.toAbsolutePath(), manager, DataType.FLOAT32, RuntimeConfig.MAX_PARAMETERS);
                int length = Math.min(64, ((Architecture.Gpt2) builtin.architecture()).positions());
                rows.add(row(
                        bench.throughput("builtin", builtin.architecture(), trainable(builtin), 8, length, repeats),
                        peak,
                        out));
            }
            try (NDManager manager = runtime.benchmarkManager()) {
                err.println("measuring a GPT-2-small-size model (124M parameters)...");
                Checkpoint small = Benchmark.randomGpt2(manager, 12, 768, 12, 50257, 1024);
                rows.add(row(
                        bench.throughput("gpt2-small-size", small.architecture(), trainable(small), 8, 64, repeats),
                        peak,
                        out));
            }
            report.add("throughput", rows);
        }
        if (!part.equals("throughput")) {
            report.add("sessions", sessions(bench, sessionsModel, sessions, loraBlocks, out, err));
        }
        Files.writeString(output, new GsonBuilder().setPrettyPrinting().create().toJson(report));
        out.println("wrote " + output.toAbsolutePath());
        return 0;
    }

    private static java.util.Map<String, NDArray> trainable(Checkpoint checkpoint) {
        checkpoint.parameters().values().forEach(w -> w.setRequiresGradient(true));
        return checkpoint.parameters();
    }

    private static JsonObject row(Benchmark.Throughput t, double peak, PrintStream out) {
        double forward = t.forwardFlops() / t.forwardSeconds() / 1e9;
        double train = t.trainFlops() / t.trainSeconds() / 1e9;
        out.println(String.format(
                Locale.ROOT,
                "%-16s %12s %9s %11.0f %8.1f %5.0f%% %11.0f %8.1f %5.0f%%",
                t.model(),
                String.format(Locale.ROOT, "%,d", t.parameters()),
                t.batch() + " x " + t.length(),
                t.forwardTokensPerSecond(),
                forward,
                100 * forward / peak,
                t.trainTokensPerSecond(),
                train,
                100 * train / peak));
        JsonObject json = new JsonObject();
        json.addProperty("model", t.model());
        json.addProperty("parameters", t.parameters());
        json.addProperty("batch", t.batch());
        json.addProperty("length", t.length());
        json.addProperty("forward_seconds", t.forwardSeconds());
        json.addProperty("forward_tokens_per_second", t.forwardTokensPerSecond());
        json.addProperty("forward_gflops", forward);
        json.addProperty("forward_fraction_of_peak", forward / peak);
        json.addProperty("train_seconds", t.trainSeconds());
        json.addProperty("train_tokens_per_second", t.trainTokensPerSecond());
        json.addProperty("train_gflops", train);
        json.addProperty("train_fraction_of_peak", train / peak);
        return json;
    }

    private JsonObject sessions(
            Benchmark bench, Path folder, int count, int loraBlocks, PrintStream out, PrintStream err)
            throws Exception {
        String name = folder == null ? "gpt2-small-size" : folder.getFileName().toString();
        err.println("measuring sessions on " + name + "...");
        long before = ProcessMemory.residentBytes();
        try (LoadedModel base = folder == null
                ? runtime.randomModel(name, 12, 768, 12, 50257, 1024)
                : runtime.loadUnregistered(name, folder)) {
            return sessions(bench, base, name, count, loraBlocks, before, out);
        }
    }

    private static JsonObject sessions(
            Benchmark bench, LoadedModel base, String name, int count, int loraBlocks, long before, PrintStream out) {
        List<EditSession> open = new ArrayList<>();
        try {
            System.gc();
            long baseBytes = ProcessMemory.residentBytes();
            long one = bench.memoryWithSessions(base, 1, loraBlocks, open);
            long many = bench.memoryWithSessions(base, count, loraBlocks, open);
            int blocks = Math.min(loraBlocks, base.layers());
            out.println(String.format(
                    Locale.ROOT,
                    "sessions on one %s base, rank-8 LoRA on the MLP up-projection of the last %d of %d blocks,"
                            + " one training step each: process before loading %,d MB, with the base %,d MB,"
                            + " 1 session %,d MB, %d sessions %,d MB, ratio %.3f",
                    name,
                    blocks,
                    base.layers(),
                    before >> 20,
                    baseBytes >> 20,
                    one >> 20,
                    count,
                    many >> 20,
                    many / (double) one));
            JsonObject json = new JsonObject();
            json.addProperty("model", name);
            json.addProperty("lora_blocks", blocks);
            json.addProperty("sessions", count);
            json.addProperty("resident_bytes_before_loading", before);
            json.addProperty("resident_bytes_base", baseBytes);
            json.addProperty("resident_bytes_1_session", one);
            json.addProperty("resident_bytes_n_sessions", many);
            json.addProperty("ratio_n_to_1", many / (double) one);
            return json;
        } finally {
            open.forEach(EditSession::close);
        }
    }
}
