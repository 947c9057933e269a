package io.editlab.api.edit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * An editor's own state, beyond its session's overlays: adapters, routers, code memories,
 * allocations. Saved with the session (as safetensors: tensors plus string metadata) and restored
 * by a session transaction's rollback ({@link Editor#applyAtomically}).
 *
 * @param tensors named tensors, owned by the manager the state was copied into
 * @param metadata named strings (configuration, format version, maps encoded as text)
 */
public record EditorState(Map<String, NDArray> tensors, Map<String, String> metadata) {
    public EditorState {
        tensors = tensors == null ? Map.of() : Map.copyOf(tensors);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * The tensor {@code name} for restoring an editor of {@code method}, checked to have {@code shape}
     * unless that is {@code null}.
     *
     * @throws EditException "METHOD: the state to restore has no tensor 'NAME'", or "... has NAME of
     *     shape S; expected T"
     */
    public NDArray tensor(String method, String name, Shape shape) throws EditException {
        NDArray tensor = tensors.get(name);
        if (tensor == null) {
            throw invalid(method, "has no tensor '" + name + "'");
        }
        if (shape != null && !tensor.getShape().equals(shape)) {
            throw invalid(method, "has " + name + " of shape " + tensor.getShape() + "; expected " + shape);
        }
        return tensor;
    }

    /**
     * Checks that the metadata entry {@code key} is {@code value}, as an editor of {@code method} needs.
     *
     * @throws EditException "METHOD: the state to restore has KEY 'FOUND'; this editor needs 'VALUE'"
     */
    public void expect(String method, String key, String value) throws EditException {
        if (!value.equals(metadata.get(key))) {
            throw invalid(method, "has " + key + " '" + metadata.get(key) + "'; this editor needs '" + value + "'");
        }
    }

    /** "METHOD: the state to restore PROBLEM", the form of every error about a state to restore. */
    public static EditException invalid(String method, String problem) {
        return new EditException(method + ": the state to restore " + problem);
    }
}
