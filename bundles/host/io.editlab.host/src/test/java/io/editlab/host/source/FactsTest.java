package io.editlab.host.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.data.DatasetException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.model.Completion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactsTest {

    @Test
    void trueFactsAreThePromptsRephrasingsAndProbesWithTheirTrueAnswersOnce() {
        EditRequest a = new EditRequest(
                "0",
                "The mother tongue of X is",
                "French",
                "X",
                "Dutch",
                List.of("X speaks"),
                List.of(new Probe("The mother tongue of Y is", "Dutch")),
                List.of());
        EditRequest b = new EditRequest(
                "1",
                "Y speaks",
                "English",
                "Y",
                "Dutch",
                List.of("X speaks"),
                List.of(new Probe("The mother tongue of Y is", "Dutch")),
                List.of());
        assertEquals(
                List.of(
                        new Completion("The mother tongue of X is", "Dutch"),
                        new Completion("X speaks", "Dutch"),
                        new Completion("The mother tongue of Y is", "Dutch"),
                        new Completion("Y speaks", "Dutch")),
                Facts.trueFacts(List.of(a, b)));
    }

    @Test
    void aRecordWithoutTheTrueAnswerCannotBePretrainedOn() {
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class, () -> Facts.trueFacts(List.of(EditRequest.of("17", "p", "t"))));
        assertEquals("record 17 has no true answer to pretrain on", error.getMessage());
    }

    @Test
    void theFormatIsToldByTheFirstRecordsKeys(@TempDir Path dir) throws Exception {
        Path zsre = Files.writeString(dir.resolve("z.json"), "[{\"subject\": \"s\", \"src\": \"q\", \"alt\": \"a\"}]");
        Path counterfact = Files.writeString(dir.resolve("c.json"), "[\r\n{\"prompt\": \"p\", \"target_new\": \"t\"}]");
        Path rome = Files.writeString(dir.resolve("r.json"), "[{\"requested_rewrite\": {}}]");
        Path other = Files.writeString(dir.resolve("o.json"), "[{\"question\": 1}]");
        assertEquals("zsre", Facts.detectFormat(zsre));
        assertEquals("counterfact", Facts.detectFormat(counterfact));
        assertEquals("counterfact", Facts.detectFormat(rome));
        DatasetException error = assertThrows(DatasetException.class, () -> Facts.detectFormat(other));
        assertEquals(other + ": cannot tell its format; pass --format zsre|counterfact", error.getMessage());
    }

    @Test
    void severalFilesAreOneStreamEachIdOnce(@TempDir Path dir) throws Exception {
        List<EditRequest> first = List.of(EditRequest.of("1", "p1", "t1"), EditRequest.of("2", "p2", "t2"));
        List<EditRequest> second = List.of(EditRequest.of("2", "other p2", "t"), EditRequest.of("3", "p3", "t3"));
        assertEquals(
                List.of("p1", "p2", "p3"),
                Facts.concatenate(List.of(first, second)).stream()
                        .map(EditRequest::prompt)
                        .toList(),
                "the first record of an id wins");
        assertEquals(
                List.of(dir.resolve("a.json"), dir.resolve("b.json")),
                Facts.paths(dir.resolve("a.json") + "," + dir.resolve("b.json")));
        assertEquals(
                dir.resolve("a.json") + ": named twice in the list of data files",
                assertThrows(
                                DatasetException.class,
                                () -> Facts.paths(dir.resolve("a.json") + "," + dir.resolve("a.json")))
                        .getMessage());
        assertTrue(assertThrows(DatasetException.class, () -> Facts.paths("a.json,,b.json"))
                .getMessage()
                .endsWith("an empty name in the list of data files"));
    }
}
