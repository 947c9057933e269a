package io.editlab.harness.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.model.ModelInfo;
import io.editlab.harness.DatasetInfo;
import io.editlab.harness.HtmlReport;
import io.editlab.harness.Protocol;
import io.editlab.harness.Reports;
import io.editlab.harness.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {

    static RunReport report() {
        RunReport.EditorReport ok = new RunReport.EditorReport(
                "grace",
                Map.of("epsilon", "0.5"),
                "io.editlab.grace",
                "1.0.0",
                "ok",
                null,
                Map.of("reliability", 1.0, "locality", 0.5, "portability", Double.NaN, "reliability_token_acc", 1.0),
                List.of(new RunReport.Checkpoint(5, Map.of("reliability", 0.8))));
        RunReport.EditorReport failed = new RunReport.EditorReport(
                "ft-l",
                Map.of(),
                "io.editlab.ftl",
                "1.0.0",
                "failed",
                "EditException: diverged </script>",
                Map.of(),
                List.of());
        return new RunReport(
                new ModelInfo("builtin", "gpt2", Path.of("/m"), "cpu()", 100),
                new DatasetInfo("builtin", "corpus", 1200),
                new Protocol(
                        10,
                        1,
                        Protocol.Order.FILE,
                        null,
                        7,
                        Protocol.Evaluation.FINAL,
                        5,
                        true,
                        Protocol.Rephrasings.HELD_OUT),
                List.of(ok, failed),
                3.5);
    }

    @Test
    void jsonFollowsTheResultsSchemaWithNullForMissingNumbers() {
        var json = Reports.json(report());
        assertEquals("final", json.getAsJsonObject("protocol").get("eval").getAsString());
        assertEquals(
                "[\"teacher_forced\",\"generation\"]",
                json.getAsJsonObject("protocol").get("scoring").toString());
        var grace = json.getAsJsonArray("editors").get(0).getAsJsonObject();
        assertEquals(1.0, grace.getAsJsonObject("final").get("reliability").getAsDouble());
        assertEquals("0.5", grace.getAsJsonObject("config").get("epsilon").getAsString());
        assertTrue(grace.getAsJsonObject("final").get("portability").isJsonNull());
        assertTrue(grace.getAsJsonObject("final").get("retention").isJsonNull(), "every headline key is present");
        assertEquals(
                5,
                grace.getAsJsonArray("checkpoints")
                        .get(0)
                        .getAsJsonObject()
                        .get("edits")
                        .getAsInt());
        assertEquals(
                "failed",
                json.getAsJsonArray("editors")
                        .get(1)
                        .getAsJsonObject()
                        .get("status")
                        .getAsString());
    }

    @Test
    void csvHasOneRowPerEditorAndPoint() {
        List<String> lines = Reports.csv(report()).lines().toList();
        assertEquals(
                "editor,status,point,reliability,generalization,locality,retention,portability,seconds_per_edit,"
                        + "peak_memory_bytes,reliability_token_acc",
                lines.get(0));
        assertEquals("grace,ok,5,0.8,,,,,,,", lines.get(1));
        assertEquals("grace,ok,final,1.0,,0.5,,,,,1.0", lines.get(2));
        assertEquals("ft-l,failed,final,,,,,,,,", lines.get(3));
    }

    @Test
    void theHtmlReportIsSelfContained(@TempDir Path dir) throws Exception {
        HtmlReport.write(report(), dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("Chart.js v4"), "Chart.js is inlined");
        assertTrue(html.contains("\"name\":\"grace\""), "the data is inlined");
        assertTrue(!html.contains("diverged </script>"), "data cannot close the script element");
        assertTrue(Reports.table(report()).contains("error: EditException: diverged"));
    }
}
