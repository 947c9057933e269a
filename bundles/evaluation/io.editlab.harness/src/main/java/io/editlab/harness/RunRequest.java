package io.editlab.harness;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.ModelHandle;
import java.util.List;
import java.util.Map;
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
 * @param resume editors to resume from a checkpoint of an interrupted run of the same request, by
 *     method id; empty for a fresh run
 */
public record RunRequest(
        ModelHandle model,
        DatasetInfo dataset,
        List<EditRequest> requests,
        List<EditorSpec> editors,
        Protocol protocol,
        List<String> metrics,
        Map<String, ResumePoint> resume) {

    /** A fresh run. */
    public RunRequest(
            ModelHandle model,
            DatasetInfo dataset,
            List<EditRequest> requests,
            List<EditorSpec> editors,
            Protocol protocol,
            List<String> metrics) {
        this(model, dataset, requests, editors, protocol, metrics, Map.of());
    }

    public RunRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(protocol, "protocol");
        requests = List.copyOf(requests);
        editors = List.copyOf(editors);
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        resume = resume == null ? Map.of() : Map.copyOf(resume);
        if (editors.isEmpty()) {
            throw new IllegalArgumentException("no editor to run");
        }
        if (requests.size() < protocol.edits()) {
            throw new IllegalArgumentException(
                    "the protocol asks for " + protocol.edits() + " edits but the data set has " + requests.size());
        }
    }
}
