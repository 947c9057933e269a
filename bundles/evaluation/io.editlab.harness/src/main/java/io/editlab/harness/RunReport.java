package io.editlab.harness;

import io.editlab.api.model.ModelInfo;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a comparison, in the shape of {@code results.json}.
 *
 * @param model the base model
 * @param dataset the data
 * @param protocol how it was run
 * @param editors one report per editor, in request order
 * @param seconds wall time of the whole run
 */
public record RunReport(
        ModelInfo model, DatasetInfo dataset, Protocol protocol, List<EditorReport> editors, double seconds) {

    public RunReport {
        editors = List.copyOf(editors);
    }

    /**
     * One editor's results. Metric values are keyed by metric id; a metric's details follow as
     * {@code <metric>_<detail>} (e.g. {@code reliability_token_acc}).
     *
     * @param name the method id
     * @param config the configuration overrides it ran with (its defaults for everything else)
     * @param bundle and version: the bundle that provided it
     * @param status {@code ok} or {@code failed}
     * @param error why it failed, or null
     * @param finalValues the final numbers (empty when it failed before the end)
     * @param checkpoints numbers over all edits so far, every {@link Protocol#checkpointEvery()} edits
     */
    public record EditorReport(
            String name,
            Map<String, String> config,
            String bundle,
            String version,
            String status,
            String error,
            Map<String, Double> finalValues,
            List<Checkpoint> checkpoints) {
        public EditorReport {
            config = Map.copyOf(config);
            finalValues = Map.copyOf(finalValues);
            checkpoints = List.copyOf(checkpoints);
        }
    }

    /** Metric values after {@code edits} edits. */
    public record Checkpoint(int edits, Map<String, Double> values) {
        public Checkpoint {
            values = Map.copyOf(values);
        }
    }
}
