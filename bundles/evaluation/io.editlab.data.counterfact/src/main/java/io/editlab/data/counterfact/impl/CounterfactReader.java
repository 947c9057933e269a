package io.editlab.data.counterfact.impl;

import io.editlab.api.data.DatasetException;
import io.editlab.api.data.DatasetReader;
import io.editlab.api.data.EditlabDatasetFormat;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.data.json.JsonRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Reads CounterFact edits from a JSON array of objects in either of two layouts, decided per record.
 *
 * <ul>
 *   <li>EasyEdit (reduced): flat strings {@code prompt} (subject filled in), {@code subject}, {@code target_new},
 *       {@code ground_truth}, {@code rephrase_prompt}, {@code locality_prompt} and
 *       {@code locality_ground_truth}, plus an optional integer {@code case_id}.
 *   <li>ROME (full), recognised by its {@code requested_rewrite} object: {@code prompt} with {@code {}} where the
 *       subject goes, {@code subject}, and {@code target_new} / {@code target_true} as {@code {"str": ...}}
 *       objects; {@code paraphrase_prompts} become rephrases and every {@code neighborhood_prompts} entry a
 *       locality probe whose answer is the true object.
 * </ul>
 *
 * <p>The id is {@code case_id} when present, else the record index. Other keys are skipped.
 */
@EditlabDatasetFormat("counterfact")
@Component(service = DatasetReader.class)
public final class CounterfactReader implements DatasetReader {

    private static final String REWRITE = "requested_rewrite";

    @Override
    public List<EditRequest> read(Path file) throws DatasetException {
        return JsonRecords.read(file, CounterfactReader::record);
    }

    private static EditRequest record(JsonRecords records, int index) throws IOException, DatasetException {
        Fields fields = new Fields();
        while (records.hasNext()) {
            fields.read(records, records.nextName());
        }
        String id = fields.caseId == null ? Integer.toString(index) : fields.caseId;
        return fields.rewrite == null ? fields.easyEdit(records, id) : fields.rome(id);
    }

    /** Reads ROME's {@code requested_rewrite} object and fills the subject into its prompt. */
    private static Rewrite rewrite(JsonRecords records) throws IOException, DatasetException {
        records.beginObject(REWRITE);
        String template = null;
        String subject = null;
        String targetNew = null;
        String targetTrue = null;
        while (records.hasNext()) {
            String name = records.nextName();
            String path = REWRITE + "." + name;
            switch (name) {
                case "prompt" -> template = records.string(path);
                case "subject" -> subject = records.string(path);
                case "target_new" -> targetNew = str(records, path);
                case "target_true" -> targetTrue = str(records, path);
                default -> records.skip();
            }
        }
        records.endObject();
        if (!records.required(template, REWRITE + ".prompt").contains("{}")) {
            throw records.error(REWRITE + ".prompt", "has no '{}' to put the subject in");
        }
        String filled = template.replace("{}", records.required(subject, REWRITE + ".subject"));
        return new Rewrite(
                filled,
                subject,
                records.required(targetNew, REWRITE + ".target_new"),
                records.required(targetTrue, REWRITE + ".target_true"));
    }

    /** Reads a ROME entity object such as {@code {"str": "English", "id": "Q1860"}} and returns its text. */
    private static String str(JsonRecords records, String path) throws IOException, DatasetException {
        records.beginObject(path);
        String text = null;
        while (records.hasNext()) {
            if (records.nextName().equals("str")) {
                text = records.string(path + ".str");
            } else {
                records.skip();
            }
        }
        records.endObject();
        return records.required(text, path + ".str");
    }

    /** A ROME rewrite with the subject already filled into the prompt. */
    private record Rewrite(String prompt, String subject, String targetNew, String targetTrue) {}

    /** The values of one record in either layout, as read. */
    private static final class Fields {
        private String caseId;
        private String prompt;
        private String subject;
        private String targetNew;
        private String groundTruth;
        private String rephrase;
        private String localityPrompt;
        private String localityAnswer;
        private Rewrite rewrite;
        private List<String> paraphrases;
        private List<String> neighbours;

        void read(JsonRecords records, String name) throws IOException, DatasetException {
            switch (name) {
                case "case_id" -> caseId = records.integer(name);
                case "prompt" -> prompt = records.string(name);
                case "subject" -> subject = records.string(name);
                case "target_new" -> targetNew = records.string(name);
                case "ground_truth" -> groundTruth = records.string(name);
                case "rephrase_prompt" -> rephrase = records.string(name);
                case "locality_prompt" -> localityPrompt = records.string(name);
                case "locality_ground_truth" -> localityAnswer = records.string(name);
                case REWRITE -> rewrite = rewrite(records);
                case "paraphrase_prompts" -> paraphrases = records.strings(name);
                case "neighborhood_prompts" -> neighbours = records.strings(name);
                default -> records.skip();
            }
        }

        EditRequest easyEdit(JsonRecords records, String id) throws DatasetException {
            return new EditRequest(
                    id,
                    records.required(prompt, "prompt"),
                    records.required(targetNew, "target_new"),
                    subject,
                    groundTruth,
                    rephrase == null ? List.of() : List.of(rephrase),
                    locality(records),
                    List.of());
        }

        EditRequest rome(String id) {
            List<Probe> locality = neighbours == null
                    ? List.of()
                    : neighbours.stream()
                            .map(p -> new Probe(p, rewrite.targetTrue()))
                            .toList();
            return new EditRequest(
                    id,
                    rewrite.prompt(),
                    rewrite.targetNew(),
                    rewrite.subject(),
                    rewrite.targetTrue(),
                    paraphrases,
                    locality,
                    List.of());
        }

        private List<Probe> locality(JsonRecords records) throws DatasetException {
            if (localityPrompt == null) {
                return List.of();
            }
            if (localityAnswer == null) {
                throw records.error(
                        "locality_ground_truth",
                        "required field is missing (it is required when 'locality_prompt' is present)");
            }
            return List.of(new Probe(
                    records.required(localityPrompt, "locality_prompt"),
                    records.required(localityAnswer, "locality_ground_truth")));
        }
    }
}
