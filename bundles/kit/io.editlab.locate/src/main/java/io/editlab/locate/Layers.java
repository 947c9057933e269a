package io.editlab.locate;

import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.editkit.Options;
import java.util.ArrayList;
import java.util.List;

/** The {@code layers} setting of editors that write into several blocks. */
public final class Layers {

    private Layers() {}

    /**
     * @param method the method's id, for messages
     * @param text empty for {@code preset}, else block indices separated by commas ({@code 3,4,5}) or
     *     a range ({@code 3-5})
     * @return distinct increasing blocks of {@code model}
     * @throws EditException naming {@code layers} when the text or the preset's blocks do not fit the model
     */
    public static List<Integer> parse(String method, String text, List<Integer> preset, ModelHandle model)
            throws EditException {
        String trimmed = text.strip();
        String expected = "empty (the preset's: " + preset + ") or distinct increasing blocks from 0 to "
                + (model.layers() - 1) + ", as 'a,b,c' or 'a-b'";
        List<Integer> layers = new ArrayList<>();
        try {
            if (trimmed.isEmpty()) {
                layers.addAll(preset);
            } else if (trimmed.matches("\\d+\\s*-\\s*\\d+")) {
                String[] ends = trimmed.split("-");
                for (int l = Integer.parseInt(ends[0].strip()); l <= Integer.parseInt(ends[1].strip()); l++) {
                    layers.add(l);
                }
            } else {
                for (String part : trimmed.split(",")) {
                    layers.add(Integer.parseInt(part.strip()));
                }
            }
        } catch (NumberFormatException e) {
            throw Options.invalid(method, "layers", trimmed, expected);
        }
        for (int i = 0; i < layers.size(); i++) {
            int layer = layers.get(i);
            if (layer < 0 || layer >= model.layers() || (i > 0 && layer <= layers.get(i - 1))) {
                throw Options.invalid(
                        method, "layers", trimmed.isEmpty() ? "the preset's " + layers : trimmed, expected);
            }
        }
        if (layers.isEmpty()) {
            throw Options.invalid(method, "layers", trimmed, expected);
        }
        return List.copyOf(layers);
    }
}
