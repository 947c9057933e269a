package io.editlab.runtime.impl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.model.ModelRuntime;
import io.editlab.editkit.ProcessMemory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ./editlab doctor}: what this machine gives the runtime (engine, PyTorch version and flavor,
 * the devices DJL sees, which element types compute here, memory) and what a GPU host must provide.
 */
@EditlabCommand("doctor")
@Component(service = Command.class)
public final class DoctorCommand implements Command {

    private final DjlRuntime runtime;

    @Activate
    public DoctorCommand(
            @Reference(target = "(component.name=io.editlab.runtime.impl.DjlRuntime)") ModelRuntime runtime) {
        this.runtime = (DjlRuntime) runtime; // the same bundle's component, selected by name
    }

    @Override
    public String usage() {
        return "(no arguments)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + args.get(0) + "'");
        }
        Engine engine = Engine.getEngine("PyTorch");
        line(
                out,
                "engine",
                engine.getEngineName() + " " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")");
        line(out, "native flavor", flavor());
        line(out, "PYTORCH_LIBRARY_PATH", env("PYTORCH_LIBRARY_PATH"));
        line(out, "PYTORCH_VERSION", env("PYTORCH_VERSION"));
        line(out, "PYTORCH_FLAVOR", env("PYTORCH_FLAVOR"));
        line(out, "GPUs seen", Integer.toString(engine.getGpuCount()));
        line(out, "runtime device", runtime.device() + " (configuration io.editlab.runtime: device=auto|cpu|gpu)");
        line(
                out,
                "weight dtype",
                runtime.weightTypeName() + " (dtype=auto|float32|float16|bfloat16; activations,"
                        + " deltas and adapters are float32)");
        try (NDManager manager = runtime.benchmarkManager()) {
            line(out, "float32 matmul", matmul(manager, DataType.FLOAT32));
            line(out, "float16 matmul", matmul(manager, DataType.FLOAT16));
        }
        line(
                out,
                "bfloat16",
                "not in DJL " + Engine.getDjlVersion() + "'s PyTorch engine (its native side has no"
                        + " bfloat16 type); bfloat16 checkpoints are kept as float16, 2 bytes a value");
        line(out, "memory", memory());
        line(out, "JVM heap limit", gib(Runtime.getRuntime().maxMemory()));
        line(out, "process resident", gib(ProcessMemory.residentBytes()));
        line(out, "cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        out.println();
        out.println("A GPU host needs: an NVIDIA driver for CUDA 12.8 and the PyTorch " + engine.getVersion()
                + " CUDA natives in place of the CPU ones, either DJL's pytorch-native-cu128 "
                + engine.getVersion() + " (linux-x86_64) in runtime/io.editlab.djl, or a libtorch "
                + engine.getVersion() + " CUDA build named by PYTORCH_LIBRARY_PATH with PYTORCH_VERSION="
                + engine.getVersion() + " and PYTORCH_FLAVOR=cu128. Then device=auto picks gpu(0); nothing"
                + " else changes. Not tested here: the build machines have no GPU.");
        return 0;
    }

    /** The native library's flavor as DJL unpacked it (cpu, cu128, ...), from its cache folder name. */
    private static String flavor() {
        Path cache = Path.of(System.getProperty("user.home"), ".djl.ai", "pytorch");
        if (System.getenv("PYTORCH_LIBRARY_PATH") != null) {
            return "from PYTORCH_LIBRARY_PATH";
        }
        try (var folders = Files.list(cache)) {
            return folders.map(p -> p.getFileName().toString())
                    .sorted()
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("?");
        } catch (IOException e) {
            return "? (" + cache + " unreadable)";
        }
    }

    /** Whether a 256 x 256 matmul of {@code type} runs on the runtime's device, and how fast. */
    private static String matmul(NDManager manager, DataType type) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray a = scratch.randomNormal(new Shape(256, 256)).toType(type, false);
            a.matMul(a).close(); // warm-up
            int repeats = 20;
            long start = System.nanoTime();
            for (int i = 0; i < repeats; i++) {
                a.matMul(a).close();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format(
                    Locale.ROOT, "yes, %.1f GFLOP/s (256^3)", repeats * 2.0 * 256 * 256 * 256 / seconds / 1e9);
        } catch (RuntimeException e) {
            return "no (" + e.getMessage() + ")";
        }
    }

    private static String memory() {
        return gib(ProcessMemory.totalBytes()) + " total, " + gib(ProcessMemory.availableBytes()) + " available";
    }

    private static String gib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "(not set)" : value;
    }

    private static void line(PrintStream out, String what, String value) {
        out.println(String.format(Locale.ROOT, "%-22s %s", what, value));
    }
}
