package io.editlab.harness;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.ModelHandle;
import java.util.List;
import java.util.Objects;

/**
 * A comparison to run.
 *
 * @param model the loaded base model every editor edits a session of
 * @param dataset where the requests come from (for the report)
 * @param requests the edit requests, in data-set order
 * @param editors the editors to compare, in report order
 * @param protocol how to run and score them
 * @param metrics the metric ids to report; empty for every installed metric
 */
public record RunRequest(ModelHandle model, DatasetInfo dataset, List<EditRequest> requests, List<EditorSpec> editors,
        Protocol protocol, List<String> metrics) {
    public RunRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(protocol, "protocol");
        requests = List.copyOf(requests);
        editors = List.copyOf(editors);
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        if (editors.isEmpty()) {
            throw new IllegalArgumentException("no editor to run");
        }
        if (requests.size() < protocol.edits()) {
            throw new IllegalArgumentException("the protocol asks for " + protocol.edits() + " edits but the data set has "
                    + requests.size());
        }
    }
}
