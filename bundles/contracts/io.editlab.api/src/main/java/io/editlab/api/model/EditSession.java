package io.editlab.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An isolated, editable view of a base model: the frozen base weights plus overlays that only this
 * session sees. Overlays are weight deltas on named parameters (effective weight = base + delta)
 * and adapters hooked at named modules. Nothing done in one session changes another session or the
 * base.
 *
 * <p>Closing the session frees every tensor allocated in its {@link #manager()}, deltas and adapter
 * parameters included. Methods other than {@link #id()}, {@link #name()}, {@link #isClosed()} and
 * {@link #close()} throw {@link IllegalStateException} after close.
 */
@ProviderType
public interface EditSession extends LanguageModel, AutoCloseable {

    /** Unique within the runtime. */
    String id();

    /** The label given at {@link ModelHandle#openSession(String)}. */
    String name();

    /** The base model this session overlays. */
    ModelHandle model();

    /** The manager that owns this session's overlays; editors allocate their state here. */
    NDManager manager();

    /**
     * The delta on a base parameter, created as zeros of the parameter's stored shape and layout on
     * first use. Editors change it in place or mark it trainable; the forward pass uses {@code base
     * + delta}.
     *
     * @throws IllegalArgumentException when the model has no such parameter
     */
    NDArray delta(String parameter);

    /** The deltas created so far, by parameter name (an unmodifiable view). */
    Map<String, NDArray> deltas();

    /** Drops a delta, restoring the base value of that parameter in this session. */
    void removeDelta(String parameter);

    /**
     * Hooks an adapter at a module. Several adapters at one module run in registration order, each
     * seeing the output of the previous one.
     *
     * @throws IllegalArgumentException when {@code module} is not one of {@link ModelHandle#modules()}
     */
    AdapterRegistration addAdapter(String module, Adapter adapter);

    /** The adapters hooked so far. */
    List<AdapterRegistration> adapters();

    /**
     * Writes this session's deltas, plus {@code extra} tensors and {@code metadata} (an editor's
     * state), to one safetensors file; see {@link ModelHandle#restoreSession}. Adapters are code:
     * the editor that hooked them re-creates them from its state.
     */
    void save(Path file, Map<String, NDArray> extra, Map<String, String> metadata) throws IOException;

    /**
     * Starts a transaction: a checkpoint of the deltas and adapters to return to. At most one
     * transaction is open per session.
     *
     * @throws IllegalStateException when a transaction of this session is still open
     */
    SessionTransaction begin();

    boolean isClosed();

    /** Frees every overlay. Idempotent. */
    @Override
    void close();
}
