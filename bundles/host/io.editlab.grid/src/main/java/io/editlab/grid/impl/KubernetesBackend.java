package io.editlab.grid.impl;

import io.editlab.grid.EditlabGridBackend;
import io.editlab.grid.GridBackend;
import io.editlab.grid.GridFolder;
import io.editlab.grid.Submission;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Component;

/**
 * Writes a Kubernetes Indexed Job for cells ({@code OUT/k8s/job-N.yaml}) and says how to apply it;
 * it does not talk to a cluster. Completion index i runs the i-th of the submitted cells with
 * {@code bash OUT/run-cell.sh}; a persistent volume claim holding OUT is mounted at OUT's own path,
 * so that the paths in the folder hold inside the pods. Each index fails on its own
 * ({@code backoffLimitPerIndex}, Kubernetes 1.29 or later) and {@code ./editlab grid run --resume}
 * writes a new Job for what did not finish.
 */
@EditlabGridBackend("k8s")
@Component(service = GridBackend.class)
public final class KubernetesBackend implements GridBackend {

    private static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("image", "container image with EditLab installed (required)");
        OPTIONS.put("claim", "persistent volume claim that holds OUT (required)");
        OPTIONS.put("namespace", "namespace of the Job (default: default)");
        OPTIONS.put("editlab", "the ./editlab launcher inside the image (default /opt/editlab/editlab)");
        OPTIONS.put("gpus", "GPUs per cell, as nvidia.com/gpu (default 0)");
        OPTIONS.put("cpu", "CPUs per cell, also PyTorch's thread count (default 1)");
        OPTIONS.put("memory", "memory per cell (default 16Gi)");
        OPTIONS.put("parallel", "at most this many cells at once (default: all)");
    }

    @Override
    public Map<String, String> options() {
        return OPTIONS;
    }

    @Override
    public Submission submit(
            GridFolder folder, List<Integer> cells, Map<String, String> options, PrintStream out, PrintStream err)
            throws IOException {
        Path dir = Files.createDirectories(folder.root().resolve("k8s"));
        int number = folder.submissions().size() + 1;
        String name = jobName(folder.grid().name(), number);
        Path file = dir.resolve("job-" + number + ".yaml");
        Files.writeString(file, manifest(folder, cells, options, name));
        out.println("editlab grid: wrote the Indexed Job " + name + " for " + cells.size() + " cells to " + file);
        out.println("apply it with: kubectl apply -f " + file);
        return new Submission("k8s", name, cells, Instant.now().toString());
    }

    /** A DNS-1123 name: lower case letters, digits and '-', at most 63 characters. */
    static String jobName(String grid, int number) {
        String base =
                grid.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        String suffix = "-" + number;
        base = ("editlab-" + base);
        return base.substring(0, Math.min(base.length(), 63 - suffix.length())).replaceAll("-+$", "") + suffix;
    }

    static String manifest(GridFolder folder, List<Integer> cells, Map<String, String> options, String name) {
        String image = required(options, "image");
        String claim = required(options, "claim");
        String cpu = whole(options.getOrDefault("cpu", "1"), "cpu", 1);
        String gpus = whole(options.getOrDefault("gpus", "0"), "gpus", 0);
        String parallel = whole(options.getOrDefault("parallel", Integer.toString(cells.size())), "parallel", 1);
        String memory = options.getOrDefault("memory", "16Gi");
        String grid = folder.root().toString();
        String limits = "              cpu: \"" + cpu + "\"\n              memory: " + yaml(memory) + "\n"
                + (gpus.equals("0") ? "" : "              nvidia.com/gpu: \"" + gpus + "\"\n");
        return """
                # Cells %s of grid %s, written by ./editlab grid run. Completion index i runs the i-th
                # of them (EDITLAB_CELLS); the claim holding the grid folder is mounted at its own path.
                # Fields a lab edits: image, namespace, the claim, resources, parallelism.
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: %s
                  namespace: %s
                  labels:
                    app.kubernetes.io/name: editlab-grid
                spec:
                  completionMode: Indexed
                  completions: %d
                  parallelism: %s
                  backoffLimitPerIndex: 0
                  template:
                    metadata:
                      labels:
                        app.kubernetes.io/name: editlab-grid
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: cell
                          image: %s
                          command: ["bash", "-c", "set -- $EDITLAB_CELLS; shift \\"$JOB_COMPLETION_INDEX\\"; exec bash \\"$EDITLAB_GRID/run-cell.sh\\" \\"$1\\""]
                          env:
                            - name: EDITLAB_CELLS
                              value: "%s"
                            - name: EDITLAB_GRID
                              value: %s
                            - name: EDITLAB
                              value: %s
                            - name: EDITLAB_THREADS
                              value: "%s"
                          resources:
                            limits:
                %s          volumeMounts:
                            - name: grid
                              mountPath: %s
                      volumes:
                        - name: grid
                          persistentVolumeClaim:
                            claimName: %s
                """
                .formatted(
                        Ranges.of(cells),
                        folder.grid().name(),
                        name,
                        yaml(options.getOrDefault("namespace", "default")),
                        cells.size(),
                        parallel,
                        yaml(image),
                        cells.stream().map(String::valueOf).collect(Collectors.joining(" ")),
                        yaml(grid),
                        yaml(options.getOrDefault("editlab", "/opt/editlab/editlab")),
                        cpu,
                        limits,
                        yaml(grid),
                        yaml(claim));
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + key + " is required for --backend k8s: "
                    + OPTIONS.get(key).replace(" (required)", ""));
        }
        return value;
    }

    private static String whole(String value, String key, int least) {
        if (!value.matches("\\d+") || Long.parseLong(value) < least) {
            throw new IllegalArgumentException(
                    "--" + key + " must be a whole number of at least " + least + ", not '" + value + "'");
        }
        return value;
    }

    /** A YAML double-quoted scalar. */
    private static String yaml(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
