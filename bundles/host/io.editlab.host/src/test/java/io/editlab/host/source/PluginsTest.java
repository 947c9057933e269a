package io.editlab.host.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PluginsTest {

    /** A catalog whose one plugin arrives later; waiting is only possible through awaitChange. */
    private static final class Arriving implements PluginCatalog {
        private final Object lock = new Object();
        private String registered;
        private int waits;

        void register(String name) {
            synchronized (lock) {
                registered = name;
                lock.notifyAll();
            }
        }

        @Override
        public List<PluginInfo> plugins() {
            return List.of();
        }

        @Override
        public List<PluginInfo> plugins(PluginKind kind) {
            return List.of();
        }

        @Override
        public <S> Optional<S> find(PluginKind kind, Class<S> type, String name) {
            synchronized (lock) {
                return name.equals(registered) ? Optional.of(type.cast("the " + name + " command")) : Optional.empty();
            }
        }

        @Override
        public boolean awaitChange(long millis) throws InterruptedException {
            synchronized (lock) {
                waits++;
                String before = registered;
                lock.wait(millis);
                return before != registered;
            }
        }
    }

    @Test
    void aPluginRegisteredWhileWaitingIsFoundAtOnce() throws Exception {
        Arriving catalog = new Arriving();
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            catalog.register("bench");
        });
        long start = System.nanoTime();
        later.start();
        Optional<String> found = Plugins.await(catalog, PluginKind.COMMAND, String.class, "bench", 10_000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        later.join();
        assertEquals(Optional.of("the bench command"), found);
        assertTrue(millis >= 290 && millis < 5_000, millis + " ms");
        assertTrue(
                catalog.waits >= 1 && catalog.waits <= 10,
                "woken by the change, not polled: " + catalog.waits + " waits");
    }

    @Test
    void patienceEndsTheWait() {
        Arriving catalog = new Arriving();
        long start = System.nanoTime();
        assertEquals(
                Optional.empty(), Plugins.await(catalog, PluginKind.COMMAND, String.class, "none", 10_000, () -> 0));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1_000);
    }
}
