package io.editlab.runtime.impl;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}, or GPT-2's {@code vocab.json} + {@code
 * merges.txt} converted to the equivalent byte-level BPE definition), run by DJL's binding of the
 * Rust {@code tokenizers} library.
 */
final class TextTokenizer implements Tokenizer, AutoCloseable {

    static final String JSON = "tokenizer.json";
    static final String VOCAB = "vocab.json";
    static final String MERGES = "merges.txt";
    /** Largest tokenizer file read, in bytes (LLaMA-3's tokenizer.json has 9 MB). */
    static final long MAX_FILE = 64L << 20;

    /** End-of-text tokens by family, in the order they are looked for among a tokenizer's special tokens. */
    static final List<String> END_OF_TEXT = List.of("<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>");

    private final HuggingFaceTokenizer tokenizer;
    private final boolean spaceBeforeWords;
    private final int vocabularySize;
    private final Optional<String> endOfText;

    private TextTokenizer(
            HuggingFaceTokenizer tokenizer, boolean spaceBeforeWords, int vocabularySize, Optional<String> endOfText) {
        this.tokenizer = tokenizer;
        this.spaceBeforeWords = spaceBeforeWords;
        this.vocabularySize = vocabularySize;
        this.endOfText = endOfText;
    }

    /** The tokenizer of a model folder, if it has one. */
    static Optional<TextTokenizer> load(Path folder, int vocabularySize) throws ModelException {
        Path json = folder.resolve(JSON);
        Path vocab = folder.resolve(VOCAB);
        Path merges = folder.resolve(MERGES);
        String definition;
        Path source;
        if (Files.exists(json)) {
            source = json;
            definition = FolderFiles.readText(json, MAX_FILE);
        } else if (Files.exists(vocab) && Files.exists(merges)) {
            source = vocab;
            try {
                definition =
                        byteLevelBpe(FolderFiles.readText(vocab, MAX_FILE), FolderFiles.readText(merges, MAX_FILE));
            } catch (RuntimeException e) {
                throw new ModelException(vocab + ": not a GPT-2 vocabulary (" + e.getMessage() + ")", e);
            }
        } else {
            return Optional.empty();
        }
        return Optional.of(of(definition, source, vocabularySize));
    }

    /** A tokenizer from the text of a {@code tokenizer.json}. */
    static TextTokenizer of(String definition, Path source, int vocabularySize) throws ModelException {
        JsonObject root;
        try {
            root = JsonParser.parseString(definition).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new ModelException(source + ": not a tokenizer definition: " + e.getMessage(), e);
        }
        ClassLoader djl = HuggingFaceTokenizer.class.getClassLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(djl); // the native library is found through the context class loader
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(definition.getBytes(StandardCharsets.UTF_8)),
                    Map.of("truncation", "false")); // a long text is refused by the model, never cut short
            return new TextTokenizer(
                    tokenizer,
                    usesByteLevel(root.get("pre_tokenizer")),
                    vocabularySize,
                    endOfText(root.get("added_tokens")));
        } catch (IOException | RuntimeException e) {
            throw new ModelException(source + ": the tokenizer cannot be loaded: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The first of {@link #END_OF_TEXT} among the definition's special added tokens. */
    private static Optional<String> endOfText(JsonElement added) {
        List<String> special = new java.util.ArrayList<>();
        if (added != null && added.isJsonArray()) {
            for (JsonElement token : added.getAsJsonArray()) {
                JsonObject t = token.isJsonObject() ? token.getAsJsonObject() : new JsonObject();
                if (t.has("content") && t.has("special") && t.get("special").getAsBoolean()) {
                    special.add(t.get("content").getAsString());
                }
            }
        }
        return END_OF_TEXT.stream().filter(special::contains).findFirst();
    }

    /** Byte-level pre-tokenizers keep the space before a word inside the word's token (GPT-2). */
    private static boolean usesByteLevel(JsonElement preTokenizer) {
        if (preTokenizer == null || !preTokenizer.isJsonObject()) {
            return false;
        }
        JsonObject object = preTokenizer.getAsJsonObject();
        if ("ByteLevel".equals(object.has("type") ? object.get("type").getAsString() : null)) {
            return true;
        }
        JsonElement parts = object.get("pretokenizers");
        if (parts != null && parts.isJsonArray()) {
            for (JsonElement part : parts.getAsJsonArray()) {
                if (usesByteLevel(part)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** GPT-2's vocabulary and merges as the byte-level BPE definition Hugging Face uses for them. */
    static String byteLevelBpe(String vocabJson, String mergesText) {
        JsonObject vocab = JsonParser.parseString(vocabJson).getAsJsonObject();
        JsonArray merges = new JsonArray();
        for (String line : mergesText.split("\\R")) {
            if (!line.isBlank() && !line.startsWith("#version")) {
                merges.add(line);
            }
        }
        JsonObject byteLevel = new JsonObject();
        byteLevel.addProperty("type", "ByteLevel");
        byteLevel.addProperty("add_prefix_space", false);
        byteLevel.addProperty("trim_offsets", true);
        byteLevel.addProperty("use_regex", true);
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("vocab", vocab);
        model.add("merges", merges);
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        JsonArray added = new JsonArray();
        if (vocab.has("<|endoftext|>")) {
            JsonObject eos = new JsonObject();
            eos.addProperty("id", vocab.get("<|endoftext|>").getAsInt());
            eos.addProperty("content", "<|endoftext|>");
            eos.addProperty("single_word", false);
            eos.addProperty("lstrip", false);
            eos.addProperty("rstrip", false);
            eos.addProperty("normalized", true);
            eos.addProperty("special", true);
            added.add(eos);
        }
        root.add("added_tokens", added);
        root.add("pre_tokenizer", byteLevel);
        root.add("decoder", byteLevel);
        root.add("model", model);
        return root.toString();
    }

    /**
     * A word-level {@code tokenizer.json}: words and punctuation split apart, each a token of {@code
     * words} (index = id); unknown words map to {@code unknown}, which must be one of them.
     */
    static String wordLevel(List<String> words, String unknown) {
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < words.size(); i++) {
            vocab.addProperty(words.get(i), i);
        }
        if (!vocab.has(unknown)) {
            throw new IllegalArgumentException("the unknown token '" + unknown + "' is not in the vocabulary");
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        model.add("vocab", vocab);
        model.addProperty("unk_token", unknown);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Whitespace");
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("added_tokens", new JsonArray());
        root.add("pre_tokenizer", pre);
        root.add("model", model);
        return root.toString();
    }

    @Override
    public int[] encode(String text) {
        return ids(tokenizer.encode(text, true, false).getIds());
    }

    @Override
    public int[] encodeContinuation(String text) {
        return ids(tokenizer
                .encode(spaceBeforeWords ? " " + text : text, false, false)
                .getIds());
    }

    @Override
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, true);
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public Optional<String> endOfText() {
        return endOfText;
    }

    private static int[] ids(long[] wide) {
        int[] ids = new int[wide.length];
        for (int i = 0; i < wide.length; i++) {
            ids[i] = Math.toIntExact(wide[i]);
        }
        return ids;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
