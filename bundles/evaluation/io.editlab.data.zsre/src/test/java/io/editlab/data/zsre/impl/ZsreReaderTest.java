package io.editlab.data.zsre.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.data.DatasetException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZsreReaderTest {

    /** Only a hang or a pathological slowdown exceeds this: a unit test on a shared machine does not time. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    /** One complete record; single quotes stand for double quotes (see {@link #write}). */
    private static final String RECORD = "{'subject': 'Watts Humphrey', 'src': 'What university did Watts Humphrey"
            + " attend?', 'pred': 'Harvard', 'rephrase': 'Which university did Watts Humphrey go to?',"
            + " 'alt': 'University of Michigan', 'answers': ['Illinois Institute of Technology'],"
            + " 'loc': 'nq question: who played desmond doss father in hacksaw ridge', 'loc_ans': 'Hugo Weaving',"
            + " 'cond': 'Harvard >> University of Michigan || What university did Watts Humphrey attend?'}";

    private final ZsreReader reader = new ZsreReader();

    @TempDir
    Path dir;

    @Test
    void readsTheEvalFileWithPortability() throws DatasetException {
        Path file = data("zsre_mend_eval_portability_gpt4.json");
        List<EditRequest> requests = assertTimeout(HANG_GUARD, () -> reader.read(file));
        assertEquals(537, requests.size());
        EditRequest first = requests.get(0);
        assertEquals("0", first.id());
        assertEquals("Which family does Ramalinaceae belong to?", first.prompt());
        assertEquals("Lamiinae", first.target());
        assertEquals("Ramalinaceae", first.subject());
        assertEquals("Lecanorales", first.groundTruth());
        assertEquals(List.of("What family are Ramalinaceae?"), first.rephrases());
        assertEquals(List.of(new Probe("types of skiing in the winter olympics 2018", "Downhill")), first.locality());
        assertEquals(
                List.of(new Probe(
                        "Which family does Ramalinaceae now belong to after the reclassification?", "Cerambycidae")),
                first.portability());
        assertEquals("536", requests.get(536).id());
        assertTrue(requests.stream().allMatch(r -> r.portability().size() == 1));
        assertTrue(requests.stream().noneMatch(r -> r.locality().get(0).prompt().startsWith("nq question")));
    }

    /**
     * The 1,000 training records use CRLF and raw UTF-8, and records 534 and 723 have an empty {@code alt}: an edit
     * without a target, which the reader rejects, so the read fails there after parsing the records before it.
     */
    @Test
    void rejectsTheTrainingFileAtItsFirstRecordWithoutATarget() {
        Path file = data("zsre_mend_train-1k.json");
        DatasetException e =
                assertTimeout(HANG_GUARD, () -> assertThrows(DatasetException.class, () -> reader.read(file)));
        assertEquals(534, e.record());
        assertEquals("alt", e.field());
        assertTrue(
                e.getMessage().contains("zsre_mend_train-1k.json: record 534, field 'alt': must not be empty"),
                e.getMessage());
    }

    @Test
    void mapsEveryField() throws Exception {
        EditRequest request = reader.read(write("one.json", "[" + RECORD + "]")).get(0);
        assertEquals(
                new EditRequest(
                        "0",
                        "What university did Watts Humphrey attend?",
                        "University of Michigan",
                        "Watts Humphrey",
                        "Illinois Institute of Technology",
                        List.of("Which university did Watts Humphrey go to?"),
                        List.of(new Probe("who played desmond doss father in hacksaw ridge", "Hugo Weaving")),
                        List.of()),
                request);
    }

    @Test
    void needsOnlyTheQuestionTheNewAnswerAndTheTrueAnswers() throws Exception {
        EditRequest request = reader.read(write(
                        "minimal.json",
                        "[{'src': 'q?', 'extra': {'a': [1, {'b': null}]}, 'alt': 'new', 'answers': ['old', 'older']}]"))
                .get(0);
        assertEquals(new EditRequest("0", "q?", "new", null, "old", List.of(), List.of(), List.of()), request);
    }

    @Test
    void readsCrlfRawUtf8AndEscapes() throws Exception {
        String json = "[\n    {'src': 'Where is D\\u00fcsseldorf?', 'alt': 'Döllnitz', 'answers': ['Zavallılar'],\n"
                + "     'loc': 'nq question: où?', 'loc_ans': 'ici'}\n]\n";
        EditRequest request =
                reader.read(write("crlf.json", json.replace("\n", "\r\n"))).get(0);
        assertEquals("Where is Düsseldorf?", request.prompt());
        assertEquals("Döllnitz", request.target());
        assertEquals("Zavallılar", request.groundTruth());
        assertEquals(List.of(new Probe("où?", "ici")), request.locality());
    }

    @Test
    void keepsALocalityQuestionWithoutThePrefix() throws Exception {
        EditRequest request = reader.read(write(
                        "loc.json", "[{'src': 'q', 'alt': 'a', 'answers': ['t'], 'loc': 'who?', 'loc_ans': 'me'}]"))
                .get(0);
        assertEquals(List.of(new Probe("who?", "me")), request.locality());
    }

    @Test
    void numbersRecordsFromZero() throws Exception {
        List<EditRequest> requests = reader.read(write("two.json", "[" + RECORD + ", " + RECORD + "]"));
        assertEquals(List.of("0", "1"), requests.stream().map(EditRequest::id).toList());
    }

    @Test
    void reportsAMissingFile() {
        DatasetException e = assertThrows(DatasetException.class, () -> reader.read(dir.resolve("absent.json")));
        assertWhere(e, "absent.json", -1, null);
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    @Test
    void reportsATopLevelThatIsNotAnArray() throws IOException {
        DatasetException e = failure("{'src': 'q'}", -1, null);
        assertTrue(e.getMessage().endsWith("expected a JSON array at top level but found an object"), e.getMessage());
    }

    @Test
    void reportsARecordThatIsNotAnObject() throws IOException {
        DatasetException e = failure("[" + RECORD + ", 'text']", 1, null);
        assertTrue(e.getMessage().endsWith("expected an object but found a string"), e.getMessage());
    }

    @Test
    void reportsAMissingRequiredField() throws IOException {
        failure("[" + RECORD + ", {'src': 'q', 'answers': ['t']}]", 1, "alt");
        failure("[{'src': 'q', 'alt': 'a'}]", 0, "answers");
        failure("[{'src': 'q', 'alt': 'a', 'answers': ['t'], 'loc': 'nq question: x'}]", 0, "loc_ans");
        failure(
                "[{'src': 'q', 'alt': 'a', 'answers': ['t'], 'portability': {'New Answer': 'x'}}]",
                0,
                "portability.New Question");
    }

    @Test
    void reportsAFieldOfTheWrongType() throws IOException {
        DatasetException e = failure("[{'src': 'q', 'alt': 7, 'answers': ['t']}]", 0, "alt");
        assertTrue(e.getMessage().endsWith("expected a string but found a number"), e.getMessage());
        e = failure("[{'src': 'q', 'alt': 'a', 'answers': 't'}]", 0, "answers");
        assertTrue(e.getMessage().endsWith("expected an array of strings but found a string"), e.getMessage());
        e = failure("[{'src': 'q', 'alt': 'a', 'answers': ['t', null]}]", 0, "answers");
        assertTrue(e.getMessage().endsWith("item 1 is null"), e.getMessage());
        failure("[{'src': 'q', 'alt': 'a', 'answers': ['t'], 'portability': 'x'}]", 0, "portability");
    }

    @Test
    void reportsEmptyRequiredValues() throws IOException {
        DatasetException e = failure("[{'src': ' ', 'alt': 'a', 'answers': ['t']}]", 0, "src");
        assertTrue(e.getMessage().endsWith("must not be empty"), e.getMessage());
        failure("[{'src': 'q', 'alt': 'a', 'answers': []}]", 0, "answers");
    }

    @Test
    void reportsTruncatedJsonAtTheRecordWhereItStops() throws IOException {
        DatasetException e = failure("[" + RECORD + ", {'src': 'What univ", 1, "src");
        assertTrue(e.getMessage().contains("malformed JSON: "), e.getMessage());
        failure("[" + RECORD + ",", 1, null);
        failure("", -1, null);
    }

    @Test
    void reportsContentAfterTheArray() throws IOException {
        failure("[" + RECORD + "] []", -1, null);
    }

    private DatasetException failure(String json, long record, String field) throws IOException {
        Path file = write("broken.json", json);
        DatasetException e = assertThrows(DatasetException.class, () -> reader.read(file));
        assertWhere(e, "broken.json", record, field);
        return e;
    }

    private static void assertWhere(DatasetException e, String fileName, long record, String field) {
        assertEquals(record, e.record(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(fileName), e.getMessage());
    }

    /** Writes {@code json} as UTF-8, with single quotes turned into double quotes. */
    private Path write(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json.replace('\'', '"'), StandardCharsets.UTF_8);
    }

    private static Path data(String name) {
        Path file = Path.of(System.getProperty("editlab.root"))
                .resolve("../shared/data/zsre/" + name)
                .normalize();
        Assumptions.assumeTrue(Files.exists(file), "skipped: ../shared/data is not beside this checkout");
        return file;
    }
}
