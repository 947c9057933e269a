package io.editlab.grid.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.grid.GridFile;
import io.editlab.grid.GridFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesBackendTest {

    @TempDir
    Path dir;

    @Test
    void anIndexedJobWhoseCompletionIndexPicksACell() throws Exception {
        GridFolder folder = GridFolder.prepare(
                dir,
                GridFile.parse(
                        "{\"name\": \"Frontier_Grid\", \"editors\": [\"grace\"],"
                                + " \"edits\": [4], \"seeds\": [1, 2, 3, 4]}",
                        "t.json",
                        "t"),
                Path.of("/opt/editlab/editlab"));
        String name = KubernetesBackend.jobName(folder.grid().name(), 2);
        assertEquals("editlab-frontier-grid-2", name);
        String yaml = KubernetesBackend.manifest(
                folder,
                List.of(1, 3),
                Map.of(
                        "image",
                        "registry.lab/editlab:1.0",
                        "claim",
                        "editlab-results",
                        "gpus",
                        "1",
                        "cpu",
                        "8",
                        "memory",
                        "64Gi",
                        "namespace",
                        "ml"),
                name);
        for (String line : List.of(
                "kind: Job\n",
                "  name: editlab-frontier-grid-2\n",
                "  namespace: \"ml\"\n",
                "  completionMode: Indexed\n",
                "  completions: 2\n",
                "  parallelism: 2\n",
                "  backoffLimitPerIndex: 0\n",
                "          image: \"registry.lab/editlab:1.0\"\n",
                "              value: \"1 3\"\n",
                "              value: \"" + dir + "\"\n",
                "              value: \"/opt/editlab/editlab\"\n",
                "            limits:\n              cpu: \"8\"\n              memory: \"64Gi\"\n              nvidia.com/gpu: \"1\"\n"
                        + "          volumeMounts:\n            - name: grid\n              mountPath: \"" + dir
                        + "\"\n",
                "            claimName: \"editlab-results\"\n")) {
            assertTrue(yaml.contains(line), line + " missing from:\n" + yaml);
        }
        assertTrue(
                yaml.contains("shift \\\"$JOB_COMPLETION_INDEX\\\"; exec bash \\\"$EDITLAB_GRID/run-cell.sh\\\""),
                yaml);
        assertEquals(
                "--image is required for --backend k8s: container image with EditLab installed",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> KubernetesBackend.manifest(folder, List.of(0), Map.of("claim", "c"), name))
                        .getMessage());
        assertEquals("editlab-" + "a".repeat(52) + "-12", KubernetesBackend.jobName("a".repeat(64), 12));
    }
}
