package io.editlab.api.edit;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * An editor's own state, beyond its session's overlays: adapters, routers, code memories,
 * allocations. Saved with the session (as safetensors: tensors plus string metadata) and used to
 * roll back a failed edit.
 *
 * @param tensors named tensors, owned by the manager the state was copied into
 * @param metadata named strings (configuration, format version, maps encoded as text)
 */
public record EditorState(Map<String, NDArray> tensors, Map<String, String> metadata) {
    public EditorState {
        tensors = tensors == null ? Map.of() : Map.copyOf(tensors);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
