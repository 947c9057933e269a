package io.editlab.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A self-contained {@code report.html}: one chart per headline metric, per metric of the batch just
 * edited and per cost along the stream (time per edit since the previous checkpoint, resident memory,
 * the editor's state) against the number of edits (one line per editor, from the checkpoints), and
 * the side-by-side table of final values with each editor's collapse point. Charts
 * are drawn by Chart.js, inlined from the copy in this bundle, so the page works offline.
 */
public final class HtmlReport {

    static final String CHART_JS = "META-INF/resources/webjars/chart.js/%s/dist/chart.umd.js";
    static final String CHART_JS_VERSION = "4.4.7";

    private HtmlReport() {}

    /** Writes {@code report.html} into {@code folder}. */
    public static void write(RunReport report, Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("report.html"), html(report));
    }

    static String html(RunReport report) throws IOException {
        String data = Reports.json(report).toString().replace("</", "<\\/");
        Protocol p = report.protocol();
        String title = String.format(
                Locale.ROOT,
                "EditLab: %s on %s, T=%d, batch %d, %s order, eval %s",
                report.model().id(),
                report.dataset().path(),
                p.edits(),
                p.batchSize(),
                p.order().name().toLowerCase(Locale.ROOT),
                p.evaluation().name().toLowerCase(Locale.ROOT));
        return page(
                title,
                """
                .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1.5em; }
                """,
                "<script>" + chartJs() + "</script>",
                """
                <p class="note">Values are teacher-forced exact match unless the column says otherwise (token_acc: token accuracy,
                gen_em: greedy-generation exact match). Locality compares with the unedited model's own predictions.</p>
                <table id="final"></table><div class="charts" id="charts"></div>
                <script>
                const report = %s;
                const headline = ["reliability", "generalization", "locality", "retention", "portability", "seconds_per_edit", "peak_memory_bytes"];
                const curves = headline.concat(["batch_reliability", "batch_generalization", "batch_locality",
                  "window_seconds_per_edit", "resident_bytes", "state_bytes"]);
                const rates = ["reliability", "generalization", "locality", "retention", "portability",
                  "batch_reliability", "batch_generalization", "batch_locality"];
                const fmt = (h, v) => v === null || v === undefined ? "-"
                  : h.endsWith("_bytes") ? Math.round(v / 1048576) + " MB"
                  : h === "locality_collapse_at" ? String(v) : v.toFixed(3);
                const table = document.getElementById("final");
                const columns = headline.concat(["locality_collapse_at"]);
                table.innerHTML = "<tr><th>editor</th><th>version</th><th>status</th>" + columns.map(h => "<th>" + h + "</th>").join("") + "</tr>"
                  + report.editors.map(e => "<tr class='" + e.status + "'><td>" + e.name + "</td><td>" + e.version + "</td><td>" + e.status
                    + (e.error ? " (" + e.error.replace(/</g, "&lt;") + ")" : "") + "</td>"
                    + columns.map(h => "<td>" + fmt(h, e.final[h]) + "</td>").join("") + "</tr>").join("");
                for (const metric of curves) {
                  const series = report.editors.filter(e => e.checkpoints.some(c => c[metric] !== null && c[metric] !== undefined));
                  if (series.length === 0) continue;
                  const box = document.createElement("div");
                  const canvas = document.createElement("canvas");
                  box.appendChild(canvas);
                  document.getElementById("charts").appendChild(box);
                  new Chart(canvas, { type: "line",
                    data: { datasets: series.map(e => ({ label: e.name, data: e.checkpoints.map(c => ({ x: c.edits, y: c[metric] })) })) },
                    options: { animation: false, parsing: false, plugins: { title: { display: true, text: metric } },
                      scales: { x: { type: "linear", title: { display: true, text: "edits" } },
                        y: rates.includes(metric) ? { min: 0, max: 1 } : {} } } });
                }
                </script>
                """
                        .formatted(data));
    }

    private static String chartJs() throws IOException {
        String path = String.format(Locale.ROOT, CHART_JS, CHART_JS_VERSION);
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("Chart.js is missing from the harness bundle: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
        }
    }

    /**
     * A self-contained page in the style of EditLab's reports: a title, the shared table and note
     * styles (class {@code note}; {@code failed} in red), then {@code body}.
     *
     * @param title the page's title and heading, as plain text
     * @param style more CSS rules
     * @param head more elements of {@code <head>} (scripts), as HTML
     * @param body the page after its heading, as HTML
     */
    public static String page(String title, String style, String head, String body) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <style>
                body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
                table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: .3em .6em; text-align: right; }
                th:first-child, td:first-child { text-align: left; }
                .failed { color: #a00; } .note { color: #666; font-size: .9em; }
                %s</style>
                %s</head>
                <body><h1>%s</h1>
                %s</body></html>
                """
                .formatted(escape(title), style, head, escape(title), body);
    }

    /** {@code text} for HTML text and single- or double-quoted attributes. */
    public static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
