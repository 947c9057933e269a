package io.editlab.editkit;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditOptions;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads one method's {@link Options options record} {@code R} from its configuration (an instance
 * of the metatype annotation type {@code A}, as Declarative Services injects it) with per-editor
 * overrides over it: what an {@link io.editlab.api.edit.EditMethod} component's {@code options} and
 * {@code create} delegate to.
 */
public final class OptionsReader<R extends Record & EditOptions, A> {

    private final String method;
    private final Class<R> type;
    private final Class<A> config;
    private final A defaults;
    private final Set<String> known;

    /**
     * @param method the method's id, for messages
     * @throws IllegalStateException when the record's options and the configuration's attributes
     *     differ (a programming error, found when the component activates)
     */
    public OptionsReader(String method, Class<R> type, Class<A> config, A defaults) {
        this.method = method;
        this.type = type;
        this.config = config;
        this.defaults = defaults;
        this.known = new TreeSet<>(Options.names(type));
        Set<String> attributes =
                Arrays.stream(config.getDeclaredMethods()).map(Method::getName).collect(Collectors.toSet());
        if (!known.equals(attributes)) {
            throw new IllegalStateException(type.getName() + " has components " + known + " but " + config.getName()
                    + " has attributes " + new TreeSet<>(attributes));
        }
    }

    /**
     * Checks the configured defaults alone: for components that refuse to activate with an invalid
     * configuration.
     *
     * @return this reader
     * @throws IllegalArgumentException "invalid configuration PID: ..." naming the bad key
     */
    public OptionsReader<R, A> checkDefaults(String pid) {
        try {
            read(Map.of());
        } catch (EditException e) {
            throw new IllegalArgumentException("invalid configuration " + pid + ": " + e.getMessage(), e);
        }
        return this;
    }

    /**
     * The configured defaults with {@code overrides} over them.
     *
     * @param overrides values by option name: text (as typed on a command line), numbers or booleans
     * @throws EditException naming unknown keys, or the key of a malformed or out-of-range value
     */
    public R read(Map<String, ?> overrides) throws EditException {
        Set<String> unknown = new TreeSet<>(overrides.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new EditException(method + ": unknown configuration " + unknown + "; known: " + known);
        }
        return Options.build(
                method,
                type,
                name -> overrides.containsKey(name) ? overrides.get(name) : Options.configured(config, defaults, name));
    }

    /**
     * {@code options} as this method's record: themselves when they are one, else their {@link
     * EditOptions#values values} read again (over the defaults, for options another version of the
     * method did not have).
     */
    public R as(EditOptions options) throws EditException {
        return type.isInstance(options) ? type.cast(options) : read(options.values());
    }
}
