package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.editlab.api.model.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {

    /** GPT-2's vocab.json and merges.txt in the project workspace's shared folder, when it is there. */
    static Optional<Path> sharedGpt2() {
        Path folder = Path.of(System.getProperty("editlab.root"))
                .resolve("../shared/models/gpt2-tokenizer")
                .normalize();
        return Files.isRegularFile(folder.resolve(TextTokenizer.VOCAB)) ? Optional.of(folder) : Optional.empty();
    }

    @Test
    void gpt2VocabularyAndMergesTokenizeLikeGpt2() throws Exception {
        Optional<Path> folder = sharedGpt2();
        assumeTrue(folder.isPresent(), "skipped: ../shared/models/gpt2-tokenizer is not beside this checkout");
        try (TextTokenizer gpt2 = TextTokenizer.load(folder.get(), 50257).orElseThrow()) {
            assertArrayEquals(new int[] {15496, 995}, gpt2.encode("Hello world"));
            assertArrayEquals(
                    gpt2.encode(" Paris"), gpt2.encodeContinuation("Paris"), "answers get GPT-2's leading space");
            assertEquals("The capital of France is Paris", gpt2.decode(gpt2.encode("The capital of France is Paris")));
            assertEquals(" Paris", gpt2.decode(gpt2.encodeContinuation("Paris")));
            assertEquals(Optional.of("<|endoftext|>"), gpt2.endOfText());
            int[] ended = gpt2.encodeContinuation("Paris" + gpt2.endOfText().get());
            assertArrayEquals(
                    new int[] {gpt2.encodeContinuation("Paris")[0], 50256},
                    ended,
                    "the end-of-text text is its one token");
        }
    }

    @Test
    void aFolderWithoutATokenizerHasNone(@TempDir Path dir) throws Exception {
        assertEquals(Optional.empty(), TextTokenizer.load(dir, 10));
    }

    @Test
    void aBrokenTokenizerIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(TextTokenizer.JSON), "{\"model\": {\"type\": \"Nonsense\"}}");
        ModelException error = assertThrows(ModelException.class, () -> TextTokenizer.load(dir, 10));
        assertEquals(
                true,
                error.getMessage().startsWith(dir.resolve(TextTokenizer.JSON).toString()),
                error.getMessage());
    }

    @Test
    void aWordLevelVocabularyHasNoEndOfText() throws Exception {
        try (TextTokenizer words = TextTokenizer.of(
                TextTokenizer.wordLevel(List.of("<unk>", "a"), "<unk>"), Path.of("tokenizer.json"), 2)) {
            assertEquals(Optional.empty(), words.endOfText());
        }
    }

    @Test
    void wordLevelNeedsItsUnknownToken() {
        assertThrows(IllegalArgumentException.class, () -> TextTokenizer.wordLevel(List.of("a", "b"), "<unk>"));
    }
}
