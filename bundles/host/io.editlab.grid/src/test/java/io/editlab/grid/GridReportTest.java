package io.editlab.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridReportTest {

    private static final double EPS = 1e-12;

    @TempDir
    Path dir;

    /** A results.json as ./editlab bench writes it, for one editor. */
    private static String results(
            String name,
            String status,
            String error,
            double reliability,
            String locality,
            double seconds,
            double checkpointReliability) {
        return String.format(
                Locale.ROOT,
                """
                {"model": {"id": "builtin", "type": "gpt2", "source": "builtin", "device": "cpu()", "parameters": 1000},
                 "dataset": {"path": "builtin", "format": "zsre", "records": 1200},
                 "protocol": {"edits": 4, "batch": 2, "eval": "final", "order": "shuffle", "planner": null, "seed": 1,
                              "checkpoint_every": 2, "rephrasings": "held-out", "scoring": ["teacher_forced"]},
                 "editors": [{"name": "%s", "config": {}, "bundle": "io.editlab.%s", "version": "1.0.0", "status": "%s",
                              "error": %s, "final": {"reliability": %s, "locality": %s},
                              "checkpoints": [{"edits": 2, "reliability": %s}]}],
                 "seconds": %s}
                """,
                name,
                name,
                status,
                error == null ? "null" : "\"" + error + "\"",
                reliability,
                locality,
                checkpointReliability,
                seconds);
    }

    private static void finish(GridFolder folder, int cell, int exit, String json) throws IOException {
        Files.writeString(folder.cell(cell).resolve("results.json"), json);
        folder.finish(cell, exit);
    }

    @Test
    void meansAndSampleStandardDeviationsOverSeedsAsComputedByHand() throws IOException {
        Grid grid = GridFile.parse(
                "{\"name\": \"t\", \"editors\": [\"grace\", \"memit\"], \"edits\": [4, 8],"
                        + " \"batch\": [2], \"seeds\": [1, 2, 3]}",
                "t.json",
                "t");
        GridFolder folder = GridFolder.prepare(dir, grid, Path.of("/opt/editlab/editlab"));
        // T=4: grace seeds 1, 2 finish, seed 3 fails; memit seeds 1-3 finish. T=8: nothing ran.
        finish(folder, 0, 0, results("grace", "ok", null, 0.8, "1.0", 10, 0.5));
        finish(folder, 1, 0, results("grace", "ok", null, 0.6, "null", 30, 0.7));
        finish(folder, 2, 1, results("grace", "failed", "boom", 0.0, "null", 1, 0));
        finish(folder, 3, 0, results("memit", "ok", null, 1.0, "0.5", 4, 1));
        finish(folder, 4, 0, results("memit", "ok", null, 0.5, "0.5", 4, 1));
        finish(folder, 5, 0, results("memit", "ok", null, 0.9, "0.8", 4, 1));

        GridReport report = GridReport.collect(folder);
        assertEquals(4, report.rows().size());
        GridReport.Row grace = report.rows().get(0);
        assertEquals("partial", grace.status());
        assertEquals(0.7, grace.values().get("reliability").mean(), EPS);
        assertEquals(
                Math.sqrt((0.1 * 0.1 + 0.1 * 0.1) / 1),
                grace.values().get("reliability").std(),
                EPS);
        assertEquals(1, grace.values().get("locality").n()); // a null value is left out
        assertTrue(Double.isNaN(grace.values().get("locality").std()));
        assertEquals(0.6, grace.checkpoints().get(0).values().get("reliability"), EPS);
        GridReport.Row memit = report.rows().get(1);
        assertEquals("ok", memit.status());
        assertEquals(0.8, memit.values().get("reliability").mean(), EPS);
        assertEquals(
                Math.sqrt((0.04 + 0.09 + 0.01) / 2),
                memit.values().get("reliability").std(),
                EPS);
        assertEquals(0.6, memit.values().get("locality").mean(), EPS);
        assertEquals(
                Math.sqrt((0.01 + 0.01 + 0.04) / 2),
                memit.values().get("locality").std(),
                EPS);
        assertEquals("missing", report.rows().get(2).status());
        assertEquals(
                List.of(2), report.failed().stream().map(p -> p.cell().index()).toList());
        assertEquals("boom", report.failed().get(0).reason());
        assertEquals(
                List.of(6, 7, 8, 9, 10, 11),
                report.missing().stream().map(p -> p.cell().index()).toList());

        report.write();
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("results.json")))
                .getAsJsonObject();
        JsonObject grid0 = json.getAsJsonObject("grid");
        assertEquals(5, grid0.get("finished").getAsInt());
        assertEquals(1, grid0.getAsJsonArray("failed").size());
        assertEquals(6, grid0.getAsJsonArray("missing").size());
        assertEquals(52.0, json.get("seconds").getAsDouble(), EPS);
        JsonObject row = json.getAsJsonArray("editors").get(1).getAsJsonObject();
        assertEquals("memit", row.get("name").getAsString());
        assertEquals(0.8, row.getAsJsonObject("final").get("reliability").getAsDouble(), EPS);
        assertEquals(
                Math.sqrt(0.07),
                row.getAsJsonObject("final").get("reliability_std").getAsDouble(),
                EPS);
        assertEquals("[1,2,3]", row.getAsJsonObject("protocol").get("seeds").toString());
        assertTrue(row.getAsJsonObject("protocol").get("seed") == null);
        assertEquals("shuffle", row.getAsJsonObject("protocol").get("order").getAsString());
        assertTrue(json.getAsJsonArray("editors")
                .get(0)
                .getAsJsonObject()
                .getAsJsonObject("final")
                .get("locality_std")
                .isJsonNull());
        String csv = Files.readString(dir.resolve("results.csv"));
        assertTrue(
                csv.startsWith("editor,method,variant,model,data,format,edits,batch,eval,seeds,status,"
                        + "reliability_mean,reliability_std,"),
                csv);
        String memitLine = csv.lines()
                .filter(l -> l.startsWith("memit,memit,default,builtin,builtin,,4,2,final,1;2;3,ok,"))
                .findFirst()
                .orElseThrow();
        assertEquals(0.8, Double.parseDouble(memitLine.split(",")[11]), EPS);
        assertEquals(Math.sqrt(0.07), Double.parseDouble(memitLine.split(",")[12]), EPS);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("0.800 ± 0.265"), html);
        assertTrue(html.contains("cell 2, grace [default] builtin/builtin T=4 b=2 final seed 3: failed: boom"), html);
        assertTrue(report.table().contains("0.700 ± 0.141"), report.table());
    }

    @Test
    void statisticsOfOneValueHaveNoSpread() {
        GridReport.Stat one = GridReport.Stat.of(List.of(0.25, Double.NaN));
        assertEquals(0.25, one.mean(), EPS);
        assertEquals(1, one.n());
        assertTrue(Double.isNaN(one.std()));
        assertEquals("0.250", GridReport.format("reliability", one));
        assertEquals("-", GridReport.format("reliability", GridReport.Stat.of(List.of())));
        assertEquals(
                "2 ± 1 MB",
                GridReport.format(
                        "peak_memory_bytes",
                        GridReport.Stat.of(List.of(1.0 * (1 << 20), 2.0 * (1 << 20), 3.0 * (1 << 20)))));
    }

    @Test
    void estimatesScaleSecondsPerEditOfTheSameMethod() throws IOException {
        Grid grid = GridFile.parse("{\"editors\": [\"grace\"], \"edits\": [4, 8], \"batch\": [2]}", "t.json", "t");
        GridFolder folder = GridFolder.prepare(dir, grid, Path.of("/opt/editlab/editlab"));
        finish(folder, 0, 0, results("grace", "ok", null, 1, "1", 10, 1));
        GridReport report = GridReport.collect(folder);
        assertEquals(20.0, report.estimate(grid.cells().get(1)).getAsDouble(), EPS);
    }
}
