package io.editlab.runtime.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves NDArrays alive: every array the test allocated (in any manager of the
 * PyTorch engine, sessions included) must be freed when it ends. Arrays that were alive before the
 * test (class fixtures) are not counted. Registered for every test that has this test jar on its
 * class path (JUnit's extension auto-detection, switched on in the root pom).
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("live", live());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Set<NDArray> before = context.getStore(NAMESPACE).remove("live", Set.class);
        if (before == null || context.getExecutionException().isPresent()) {
            return; // a failed test reports its own failure, not its leftovers
        }
        List<NDArray> left = live().stream().filter(a -> !before.contains(a)).toList();
        if (!left.isEmpty()) {
            String shown = left.stream()
                    .limit(5)
                    .map(a -> a.getShape() + " " + a.getDataType()
                            + (a.getName() == null ? "" : " '" + a.getName() + "'"))
                    .collect(Collectors.joining(", "));
            throw new AssertionError(context.getDisplayName() + " left " + left.size() + " NDArray(s) alive: " + shown
                    + (left.size() > 5 ? ", ..." : "") + " (close the session or manager that holds them)");
        }
    }

    /** Every array alive in the PyTorch engine. */
    private static Set<NDArray> live() {
        Set<NDArray> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        try (NDManager probe = Engine.getEngine("PyTorch").newBaseManager()) {
            arrays.addAll(probe.getParentManager().getManagedArrays());
        }
        return arrays;
    }
}
