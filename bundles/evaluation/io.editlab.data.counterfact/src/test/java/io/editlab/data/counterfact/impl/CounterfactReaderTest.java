package io.editlab.data.counterfact.impl;

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

class CounterfactReaderTest {

    /** Only a hang or a pathological slowdown exceeds this: a unit test on a shared machine does not time. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    /** An EasyEdit record; single quotes stand for double quotes (see {@link #write}). */
    private static final String EASY_EDIT = "{'case_id': 2, 'prompt': 'Toko Yasuda, the', 'target_new': 'piano',"
            + " 'subject': 'Toko Yasuda', 'ground_truth': 'guitar', 'rephrase_prompt': 'Toko Yasuda is incredible at',"
            + " 'locality_prompt': 'John Lennon performs on the', 'locality_ground_truth': 'guitar'}";

    /** ROME's case 0, shortened. */
    private static final String ROME = "{'case_id': 0, 'pararel_idx': 2796, 'requested_rewrite': {"
            + "'prompt': 'The mother tongue of {} is', 'relation_id': 'P103',"
            + " 'target_new': {'str': 'English', 'id': 'Q1860'}, 'target_true': {'str': 'French', 'id': 'Q150'},"
            + " 'subject': 'Danielle Darrieux'},\n"
            + " 'paraphrase_prompts': ['Danielle Darrieux, a native', 'Danielle Darrieux spoke the language'],\n"
            + " 'neighborhood_prompts': ['The mother tongue of L\\u00e9on Blum is', 'Montesquieu spoke'],\n"
            + " 'attribute_prompts': ['J.\\u00a0R.\\u00a0R. Tolkien is a native speaker of'],"
            + " 'generation_prompts': ['Danielle Darrieux was born in']}";

    private final CounterfactReader reader = new CounterfactReader();

    @TempDir
    Path dir;

    @Test
    void readsTheEditSplit() throws DatasetException {
        List<EditRequest> requests = reader.read(data("counterfact-edit.json"));
        assertEquals(9_500, requests.size());
        assertEquals(
                new EditRequest(
                        "1",
                        "The official religion of Edwin of Northumbria is",
                        "Islam",
                        "Edwin of Northumbria",
                        "Christianity",
                        List.of(
                                "Regarding individual vitamin and mineral supplementation, research shows mixed results."
                                        + " Edwin of Northumbria is affiliated with the religion"),
                        List.of(new Probe("The official religion of Paul is", "Christianity")),
                        List.of()),
                requests.get(0));
        assertEquals("21918", requests.get(9_499).id());
    }

    @Test
    void readsTheTrainingSplit() {
        Path file = data("counterfact-train.json");
        List<EditRequest> requests = assertTimeout(HANG_GUARD, () -> reader.read(file));
        assertEquals(10_000, requests.size());
        EditRequest first = requests.get(0);
        assertEquals("2", first.id());
        assertEquals("Toko Yasuda, the", first.prompt());
        assertEquals("piano", first.target());
        assertEquals("guitar", first.groundTruth());
        assertEquals(List.of(new Probe("John Lennon performs on the", "guitar")), first.locality());
    }

    @Test
    void readsTheValidationSplit() throws DatasetException {
        List<EditRequest> requests = reader.read(data("counterfact-val.json"));
        assertEquals(1_919, requests.size());
        assertEquals("10", requests.get(0).id());
        assertEquals("BBC One, by", requests.get(0).prompt());
        assertEquals(
                List.of(new Probe("Götz Alsmann, performing on the", "piano")),
                requests.get(1_918).locality());
    }

    @Test
    void mapsTheEasyEditLayout() throws Exception {
        assertEquals(
                List.of(new EditRequest(
                        "2",
                        "Toko Yasuda, the",
                        "piano",
                        "Toko Yasuda",
                        "guitar",
                        List.of("Toko Yasuda is incredible at"),
                        List.of(new Probe("John Lennon performs on the", "guitar")),
                        List.of())),
                reader.read(write("easy.json", "[" + EASY_EDIT + "]")));
    }

    @Test
    void usesTheRecordIndexWithoutACaseId() throws Exception {
        List<EditRequest> requests = reader.read(write(
                "ids.json",
                "[" + EASY_EDIT + ", {'prompt': 'Paris is in', 'target_new': 'Italy', 'extra': [{'a': 1}]}]"));
        assertEquals(EditRequest.of("1", "Paris is in", "Italy"), requests.get(1));
    }

    @Test
    void mapsTheRomeLayoutWithCrlf() throws Exception {
        EditRequest request = reader.read(write("rome.json", ("[\n" + ROME + "\n]\n").replace("\n", "\r\n")))
                .get(0);
        assertEquals(
                new EditRequest(
                        "0",
                        "The mother tongue of Danielle Darrieux is",
                        "English",
                        "Danielle Darrieux",
                        "French",
                        List.of("Danielle Darrieux, a native", "Danielle Darrieux spoke the language"),
                        List.of(
                                new Probe("The mother tongue of Léon Blum is", "French"),
                                new Probe("Montesquieu spoke", "French")),
                        List.of()),
                request);
    }

    @Test
    void detectsTheLayoutPerRecord() throws Exception {
        List<EditRequest> requests = reader.read(write("mixed.json", "[" + ROME + ", " + EASY_EDIT + "]"));
        assertEquals(
                List.of("The mother tongue of Danielle Darrieux is", "Toko Yasuda, the"),
                requests.stream().map(EditRequest::prompt).toList());
    }

    @Test
    void reportsAMissingFile() {
        DatasetException e = assertThrows(DatasetException.class, () -> reader.read(dir.resolve("absent.json")));
        assertWhere(e, "absent.json", -1, null);
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    @Test
    void reportsATopLevelThatIsNotAnArray() throws IOException {
        DatasetException e = failure(EASY_EDIT, -1, null);
        assertTrue(e.getMessage().endsWith("expected a JSON array at top level but found an object"), e.getMessage());
    }

    @Test
    void reportsARecordThatIsNotAnObject() throws IOException {
        DatasetException e = failure("[" + EASY_EDIT + ", [1]]", 1, null);
        assertTrue(e.getMessage().endsWith("expected an object but found an array"), e.getMessage());
    }

    @Test
    void reportsAMissingRequiredField() throws IOException {
        DatasetException e = failure("[" + EASY_EDIT + ", {'case_id': 3, 'target_new': 'x'}]", 1, "prompt");
        assertTrue(e.getMessage().endsWith("record 1, field 'prompt': required field is missing"), e.getMessage());
        failure("[{'prompt': 'p', 'target_new': 'x', 'locality_prompt': 'l'}]", 0, "locality_ground_truth");
        failure(
                "[" + ROME.replace("'target_true': {'str': 'French', 'id': 'Q150'}, ", "") + "]",
                0,
                "requested_rewrite.target_true");
        failure("[" + ROME.replace("'str': 'English', ", "") + "]", 0, "requested_rewrite.target_new.str");
    }

    @Test
    void reportsAFieldOfTheWrongType() throws IOException {
        DatasetException e = failure("[{'prompt': 'p', 'target_new': {'str': 'x'}}]", 0, "target_new");
        assertTrue(e.getMessage().endsWith("expected a string but found an object"), e.getMessage());
        e = failure(
                "[" + ROME.replace("{'str': 'English', 'id': 'Q1860'}", "'English'") + "]",
                0,
                "requested_rewrite.target_new");
        assertTrue(e.getMessage().endsWith("expected an object but found a string"), e.getMessage());
        e = failure("[{'case_id': '7', 'prompt': 'p', 'target_new': 'x'}]", 0, "case_id");
        assertTrue(e.getMessage().endsWith("expected an integer but found a string"), e.getMessage());
        e = failure("[{'case_id': 7.5, 'prompt': 'p', 'target_new': 'x'}]", 0, "case_id");
        assertTrue(e.getMessage().endsWith("expected an integer but found 7.5"), e.getMessage());
        failure("[" + ROME.replace("'Montesquieu spoke'", "true") + "]", 0, "neighborhood_prompts");
    }

    @Test
    void reportsEmptyRequiredValuesAndATemplateWithoutSubject() throws IOException {
        failure("[{'prompt': 'p', 'target_new': ''}]", 0, "target_new");
        DatasetException e = failure("[" + ROME.replace("{} is", "her is") + "]", 0, "requested_rewrite.prompt");
        assertTrue(e.getMessage().endsWith("has no '{}' to put the subject in"), e.getMessage());
    }

    @Test
    void reportsMalformedJsonAtTheRecordWhereItHappens() throws IOException {
        DatasetException e = failure("[" + EASY_EDIT + ",\n" + ROME.substring(0, 80), 1, "requested_rewrite.prompt");
        assertTrue(e.getMessage().contains("malformed JSON: "), e.getMessage());
        failure("[" + EASY_EDIT + ", {'prompt' 'p'}]", 1, "prompt");
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
                .resolve("../shared/data/counterfact/" + name)
                .normalize();
        Assumptions.assumeTrue(Files.exists(file), "skipped: ../shared/data is not beside this checkout");
        return file;
    }
}
