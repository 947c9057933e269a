package io.editlab.data.zsre.impl;

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
 * Reads zsRE edits in the MEND/ROME layout: a JSON array of objects with {@code subject}, {@code src} (the
 * question), {@code rephrase}, {@code alt} (the new answer), {@code answers} (true answers), {@code loc} and
 * {@code loc_ans} (a Natural Questions locality probe), and optionally EasyEdit's {@code portability} object.
 *
 * <p>Each record becomes an {@link EditRequest} with the record index as id, {@code src} as prompt, {@code alt} as
 * target and {@code answers[0]} as ground truth; the {@code "nq question: "} prefix is stripped from {@code loc}.
 * Other keys ({@code pred}, {@code cond}, ...) are skipped.
 */
@EditlabDatasetFormat("zsre")
@Component(service = DatasetReader.class)
public final class ZsreReader implements DatasetReader {

    /** The prefix MEND puts before every Natural Questions locality question. */
    private static final String NQ_PREFIX = "nq question: ";

    private static final String PORTABILITY = "portability";

    @Override
    public List<EditRequest> read(Path file) throws DatasetException {
        return JsonRecords.read(file, ZsreReader::record);
    }

    private static EditRequest record(JsonRecords records, int index) throws IOException, DatasetException {
        Fields fields = new Fields();
        while (records.hasNext()) {
            fields.read(records, records.nextName());
        }
        return fields.toRequest(records, index);
    }

    private static Probe portability(JsonRecords records) throws IOException, DatasetException {
        records.beginObject(PORTABILITY);
        String question = null;
        String answer = null;
        while (records.hasNext()) {
            switch (records.nextName()) {
                case "New Question" -> question = records.string(PORTABILITY + ".New Question");
                case "New Answer" -> answer = records.string(PORTABILITY + ".New Answer");
                default -> records.skip();
            }
        }
        records.endObject();
        return new Probe(
                records.required(question, PORTABILITY + ".New Question"),
                records.required(answer, PORTABILITY + ".New Answer"));
    }

    /** The values of one record, as read. */
    private static final class Fields {
        private String subject;
        private String src;
        private String rephrase;
        private String alt;
        private List<String> answers;
        private String loc;
        private String locAns;
        private Probe portability;

        void read(JsonRecords records, String name) throws IOException, DatasetException {
            switch (name) {
                case "subject" -> subject = records.string(name);
                case "src" -> src = records.string(name);
                case "rephrase" -> rephrase = records.string(name);
                case "alt" -> alt = records.string(name);
                case "answers" -> answers = records.strings(name);
                case "loc" -> loc = records.string(name);
                case "loc_ans" -> locAns = records.string(name);
                case PORTABILITY -> portability = portability(records);
                default -> records.skip();
            }
        }

        EditRequest toRequest(JsonRecords records, int index) throws DatasetException {
            return new EditRequest(
                    Integer.toString(index),
                    records.required(src, "src"),
                    records.required(alt, "alt"),
                    subject,
                    groundTruth(records),
                    rephrase == null ? List.of() : List.of(rephrase),
                    locality(records),
                    portability == null ? List.of() : List.of(portability));
        }

        private String groundTruth(JsonRecords records) throws DatasetException {
            if (answers == null) {
                throw records.error("answers", "required field is missing");
            }
            if (answers.isEmpty()) {
                throw records.error("answers", "needs at least one answer");
            }
            return answers.get(0);
        }

        private List<Probe> locality(JsonRecords records) throws DatasetException {
            if (loc == null) {
                return List.of();
            }
            if (locAns == null) {
                throw records.error("loc_ans", "required field is missing (it is required when 'loc' is present)");
            }
            String question = loc.startsWith(NQ_PREFIX) ? loc.substring(NQ_PREFIX.length()) : loc;
            return List.of(new Probe(records.required(question, "loc"), records.required(locAns, "loc_ans")));
        }
    }
}
