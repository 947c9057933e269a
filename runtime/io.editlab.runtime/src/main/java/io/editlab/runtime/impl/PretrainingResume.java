package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelException;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.editkit.Adam;
import io.editlab.editkit.Copies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a pretraining keeps in its partial folder after every finished epoch, so that a run that
 * was killed goes on from there when started again with the same facts, vocabulary and spec: the
 * weights, the optimiser's moments and step count, the epoch and step reached, and the state of the
 * random generator that shuffles and samples. A state of other facts or another spec is ignored
 * (the run starts over).
 */
final class PretrainingResume {

    /** The file in the partial folder. */
    static final String FILE = "resume.safetensors";

    private static final String WEIGHT = "w.";
    private static final String MEAN = "m.";
    private static final String VARIANCE = "v.";

    /** Where a run is: the last finished epoch, the step count and the random generator after it. */
    record Point(int epoch, long step, Random random) {}

    private PretrainingResume() {}

    /**
     * A digest of everything that makes a run's course: the spec (but its stop accuracy, which only
     * decides when to stop), the vocabulary and the facts in order.
     */
    static String fingerprint(PretrainingSpec spec, List<String> vocabulary, List<Completion> facts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(
                    digest,
                    List.of(spec.layers(), spec.hidden(), spec.heads(), spec.epochs(), spec.batchSize(), spec.seed())
                            .toString());
            update(digest, Float.toString(spec.learningRate()));
            vocabulary.forEach(word -> update(digest, word));
            for (Completion fact : facts) {
                update(digest, fact.prompt());
                update(digest, fact.target());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Whether {@code partial} holds a state of the run with {@code fingerprint}. */
    static boolean present(Path partial, String fingerprint) {
        Path file = partial.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            return fingerprint.equals(Safetensors.open(file).metadata().get("fingerprint"));
        } catch (ModelException unreadable) {
            return false; // a state cut short by the kill itself: start over
        }
    }

    /**
     * Saves the run's state after {@code point.epoch()}, replacing the previous one only once complete.
     */
    static void save(Path partial, String fingerprint, Map<String, NDArray> weights, Adam adam, Point point)
            throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(weights.keySet());
        for (int i = 0; i < names.size(); i++) {
            tensors.put(WEIGHT + names.get(i), weights.get(names.get(i)));
            tensors.put(MEAN + names.get(i), adam.means().get(i));
            tensors.put(VARIANCE + names.get(i), adam.variances().get(i));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("fingerprint", fingerprint);
        metadata.put("epoch", Integer.toString(point.epoch()));
        metadata.put("step", Long.toString(point.step()));
        metadata.put("adam_steps", Integer.toString(adam.steps()));
        metadata.put("random", serialize(point.random()));
        Path partialFile = partial.resolve(FILE + ".partial");
        Safetensors.write(partialFile, tensors, metadata);
        Files.move(
                partialFile,
                partial.resolve(FILE),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Puts the saved weights and optimiser state into {@code weights} and {@code adam} (whose
     * parameters are those weights, in order) and says where the run was.
     *
     * @throws ModelException when the state does not fit the weights
     */
    static Point load(Path partial, Map<String, NDArray> weights, Adam adam, NDManager scratch) throws ModelException {
        Path file = partial.resolve(FILE);
        Safetensors saved = Safetensors.open(file);
        Map<String, Safetensors.Entry> entries = new LinkedHashMap<>();
        saved.entries().forEach(entry -> entries.put(entry.name(), entry));
        List<NDArray> means = new ArrayList<>();
        List<NDArray> variances = new ArrayList<>();
        try (NDManager loading = scratch.newSubManager()) {
            for (Map.Entry<String, NDArray> weight : weights.entrySet()) {
                NDArray value = tensor(saved, entries, WEIGHT + weight.getKey(), weight.getValue(), loading);
                Copies.assign(weight.getValue(), value); // a trainable leaf
                means.add(tensor(saved, entries, MEAN + weight.getKey(), weight.getValue(), loading));
                variances.add(tensor(saved, entries, VARIANCE + weight.getKey(), weight.getValue(), loading));
            }
            Map<String, String> metadata = saved.metadata();
            adam.restore(means, variances, Integer.parseInt(metadata.get("adam_steps")));
            return new Point(
                    Integer.parseInt(metadata.get("epoch")),
                    Long.parseLong(metadata.get("step")),
                    deserialize(metadata.get("random")));
        } catch (RuntimeException e) {
            throw new ModelException(
                    file + ": cannot resume from it (" + e.getMessage() + "); delete " + partial + " to start over", e);
        }
    }

    private static NDArray tensor(
            Safetensors saved, Map<String, Safetensors.Entry> entries, String name, NDArray like, NDManager manager)
            throws ModelException {
        Safetensors.Entry entry = entries.get(name);
        if (entry == null || !entry.shape().equals(like.getShape())) {
            throw new ModelException(saved.file() + ": no tensor " + name + " of shape " + like.getShape());
        }
        return saved.load(manager, entry, like.getDataType());
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    private static String serialize(Random random) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(random);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static Random deserialize(String text) {
        try (ObjectInputStream in = new ObjectInputStream(
                new ByteArrayInputStream(Base64.getDecoder().decode(text)))) {
            in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("java.util.Random;!*"));
            return (Random) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("the saved random generator cannot be read: " + e.getMessage(), e);
        }
    }
}
