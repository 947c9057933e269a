package io.editlab.trace;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.editlab.trace.CausalTrace.Component;
import io.editlab.trace.CausalTrace.Group;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a causal trace measured: the clean and corrupted mean probability of the true object's
 * first token, and for each component, block and token group the mean probability after restoring
 * that state ({@code means[component][layer][group]}, NaN where a group had no token in any fact).
 *
 * @param skipped records passed over before the traced ones (no subject in the prompt, no true answer, too
 *     long for the model)
 */
public record TraceResult(
        String model,
        int facts,
        int skipped,
        CausalTrace.Settings settings,
        double clean,
        double corrupted,
        double[][][] means) {

    /** The mean restored probability of one component, block and group. */
    public double mean(Component component, int layer, Group group) {
        return means[component.ordinal()][layer][group.ordinal()];
    }

    /** The block and value of the largest restoration of {@code component} at {@code group}. */
    public int peakLayer(Component component, Group group) {
        int best = 0;
        for (int l = 1; l < means[component.ordinal()].length; l++) {
            if (mean(component, l, group) > mean(component, best, group)) {
                best = l;
            }
        }
        return best;
    }

    /** The report as a console table: one block per component, groups by layers. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "causal trace of %s: %d facts (%d skipped), %d noise samples, noise %.1fx"
                        + " the subject embeddings' std%nclean p(true) %.3f, corrupted %.3f%n",
                model,
                facts,
                skipped,
                settings.samples(),
                settings.noiseScale(),
                clean,
                corrupted));
        for (Component component : Component.values()) {
            out.append(String.format(Locale.ROOT, "%n%-14s", component.key));
            for (int l = 0; l < means[0].length; l++) {
                out.append(String.format(Locale.ROOT, " %7s", "block " + l));
            }
            out.append('\n');
            for (Group group : Group.values()) {
                out.append(String.format(Locale.ROOT, "%-14s", group.key));
                for (int l = 0; l < means[0].length; l++) {
                    out.append(String.format(Locale.ROOT, " %7.3f", mean(component, l, group)));
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** {@code trace.json}: settings, clean and corrupted means, and per component and layer the group means. */
    public JsonObject json() {
        JsonObject json = new JsonObject();
        json.addProperty("model", model);
        json.addProperty("facts", facts);
        json.addProperty("skipped", skipped);
        json.addProperty("samples", settings.samples());
        json.addProperty("noise_scale", settings.noiseScale());
        json.addProperty("seed", settings.seed());
        json.addProperty("clean", clean);
        json.addProperty("corrupted", corrupted);
        JsonObject components = new JsonObject();
        for (Component component : Component.values()) {
            JsonArray layers = new JsonArray();
            for (int l = 0; l < means[0].length; l++) {
                JsonObject layer = new JsonObject();
                layer.addProperty("layer", l);
                for (Group group : Group.values()) {
                    double value = mean(component, l, group);
                    if (Double.isNaN(value)) {
                        layer.add(group.key, null);
                    } else {
                        layer.addProperty(group.key, value);
                    }
                }
                layers.add(layer);
            }
            components.add(component.key, layers);
        }
        json.add("components", components);
        return json;
    }

    /** Writes {@code trace.json} and {@code trace.html} (one heat-map per component) into {@code folder}. */
    public void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(
                folder.resolve("trace.json"),
                new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(json()));
        Files.writeString(folder.resolve("trace.html"), html());
    }

    private String html() {
        StringBuilder out =
                new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Causal trace of "
                        + escape(model) + "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
                        + "collapse;margin:1em 0 2em}td,th{padding:.4em .7em;text-align:center;font-size:90%}th{font-weight:"
                        + "normal;color:#444}</style></head><body>");
        out.append(String.format(
                Locale.ROOT,
                "<h1>Causal trace of %s</h1><p>%d facts (%d skipped), %d noise samples"
                        + " each, noise %.1f&times; the subject embeddings' standard deviation. Mean probability of the true"
                        + " object's first token: clean %.3f, with the subject corrupted %.3f. Each cell: the mean after"
                        + " restoring that one state; darker is more.</p>",
                escape(model),
                facts,
                skipped,
                settings.samples(),
                settings.noiseScale(),
                clean,
                corrupted));
        for (Component component : Component.values()) {
            out.append("<h2>").append(component.key).append("</h2><table><tr><th></th>");
            for (int l = 0; l < means[0].length; l++) {
                out.append("<th>block ").append(l).append("</th>");
            }
            out.append("</tr>");
            for (Group group : Group.values()) {
                out.append("<tr><th>").append(group.key).append("</th>");
                for (int l = 0; l < means[0].length; l++) {
                    double value = mean(component, l, group);
                    double shade = Double.isNaN(value)
                            ? 0
                            : Math.max(0, Math.min(1, (value - corrupted) / Math.max(1e-9, clean - corrupted)));
                    out.append(String.format(
                            Locale.ROOT,
                            "<td style=\"background:rgba(%s,%.2f);color:%s\">%s</td>",
                            component == Component.MLP
                                    ? "30,90,200"
                                    : component == Component.ATTN ? "200,60,40" : "120,40,160",
                            shade,
                            shade > 0.6 ? "#fff" : "#000",
                            Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value)));
                }
                out.append("</tr>");
            }
            out.append("</table>");
        }
        return out.append("</body></html>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
