package io.editlab.elder.impl;

import io.editlab.api.edit.ConfigOverrides;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One editor's validated configuration, resolved against its model.
 *
 * @param firstLayer the block of the first mixture layer (never -1)
 * @param queryModule the module whose input at the last prompt token is the query: the mixture module of
 *     {@code queryLayer}, which precedes the mixture layers or is the first of them
 * @param mixtureModules the L modules that get a mixture of LoRAs, in forward order
 * @param width the input width of the query module and of every mixture module
 * @param outWidth the output width of every mixture module
 * @param experts N
 * @param rank r
 * @param scale alpha / r
 * @param topK k
 * @param guidance lambda
 * @param threshold epsilon (never -1)
 * @param learningRate Adam's learning rate for the LoRAs
 * @param routerLearningRate Adam's learning rate for the routers (never -1)
 * @param iterations steps per batch
 * @param stepSize StepLR period, 0 for none
 * @param gamma StepLR factor
 * @param routerBias whether routers have a bias
 * @param seed for initialisation and allocations
 */
record ElderSettings(
        int firstLayer,
        String queryModule,
        List<String> mixtureModules,
        int width,
        int outWidth,
        int experts,
        int rank,
        float scale,
        int topK,
        float guidance,
        int threshold,
        float learningRate,
        float routerLearningRate,
        int iterations,
        int stepSize,
        float gamma,
        boolean routerBias,
        long seed) {

    static final String METHOD = "elder";

    /** The configuration keys: the attribute names of {@link ElderConfig}. */
    static final Set<String> KEYS = Arrays.stream(ElderConfig.class.getDeclaredMethods())
            .map(Method::getName)
            .collect(Collectors.toUnmodifiableSet());

    ElderSettings {
        mixtureModules = List.copyOf(mixtureModules);
    }

    /** L, the number of mixture layers. */
    int layers() {
        return mixtureModules.size();
    }

    /**
     * Merges {@code overrides} over {@code defaults} and checks the result for {@code model}.
     *
     * @throws EditException naming the key of an unknown, malformed or out-of-range value
     */
    static ElderSettings resolve(ElderConfig defaults, Map<String, ?> overrides, ModelHandle model)
            throws EditException {
        ConfigOverrides values = new ConfigOverrides(METHOD, overrides, KEYS);
        String presetName = values.text("preset", defaults.preset());
        ElderPreset preset = ElderPreset.named(presetName, model)
                .orElseThrow(() -> values.invalid(
                        "preset",
                        presetName,
                        "auto or one of "
                                + Arrays.stream(ElderPreset.ALL)
                                        .map(ElderPreset::id)
                                        .toList()));
        int requestedLayers = values.integer("layers", defaults.layers());
        int layers = requestedLayers == -1 ? Math.min(preset.layers(), model.layers()) : requestedLayers;
        if (layers < 1 || layers > model.layers()) {
            throw values.invalid("layers", requestedLayers, "-1 (the preset's) or from 1 to " + model.layers());
        }
        int requested = values.integer("firstLayer", defaults.firstLayer());
        int first = requested != -1
                ? requested
                : preset.firstLayer() != -1
                        ? preset.firstLayer()
                        : Math.min(model.layers() / 2, model.layers() - layers);
        if (first < 0 || first + layers > model.layers()) {
            throw values.invalid(
                    "firstLayer",
                    requested,
                    "-1 (the preset's) or a block from 0 to " + (model.layers() - layers) + " so that " + layers
                            + " mixture layers fit");
        }
        int requestedQuery = values.integer("queryLayer", defaults.queryLayer());
        int queryLayer = requestedQuery == -1 ? first + preset.queryOffset() : requestedQuery;
        if (queryLayer < 0 || queryLayer > first) {
            throw values.invalid(
                    "queryLayer",
                    requestedQuery,
                    "-1 (the preset's: block " + queryLayer + ") or a block from 0 to the first mixture layer "
                            + first);
        }
        String roleName = values.text("module", defaults.module()).strip();
        ModuleRole role = roleName.isEmpty()
                ? preset.module()
                : Arrays.stream(ModuleRole.values())
                        .filter(r -> r.name().equalsIgnoreCase(roleName))
                        .findFirst()
                        .orElse(null);
        if (role == null || linearWeight(model, first, role).isEmpty()) {
            throw values.invalid(
                    "module",
                    roleName,
                    "empty (the preset's) or the role of a linear module, one of " + linearRoles(model, first));
        }
        String queryModule = model.module(queryLayer, role);
        int width = inWidth(linearWeight(model, queryLayer, role)
                .orElseThrow(() -> values.invalid(
                        "module", roleName, "a linear module in block " + queryLayer + " too (the query module)")));
        List<String> modules = new ArrayList<>();
        int outWidth = -1;
        for (int block = first; block < first + layers; block++) {
            ParameterInfo weight = linearWeight(model, block, role)
                    .orElseThrow(() -> values.invalid("module", roleName, "a linear module in every mixture block"));
            if (inWidth(weight) != width) {
                throw values.invalid(
                        "module",
                        roleName,
                        "a module whose input width in block " + block + " (" + inWidth(weight)
                                + ") equals the query width " + width + " of block " + queryLayer);
            }
            outWidth = outWidth(weight);
            modules.add(model.module(block, role));
        }
        int requestedExperts = values.integer("experts", defaults.experts());
        int experts = requestedExperts == -1 ? preset.experts() : requestedExperts;
        if (experts < 1) {
            throw values.invalid("experts", requestedExperts, "-1 (the preset's) or at least 1");
        }
        int rank = values.atLeast("rank", defaults.rank(), 1);
        double alpha = values.positive("alpha", defaults.alpha());
        int topK = values.integer("topK", defaults.topK());
        if (topK < 1 || topK > experts) {
            throw values.invalid("topK", topK, "from 1 to experts (" + experts + ")");
        }
        double guidance = values.decimal("guidance", defaults.guidance());
        if (!(guidance >= 0) || Double.isInfinite(guidance)) {
            throw values.invalid("guidance", guidance, "a finite number >= 0");
        }
        int threshold = values.integer("threshold", defaults.threshold());
        if (threshold < -1) {
            throw values.invalid("threshold", threshold, "-1 (the preset's) or a distance >= 0");
        }
        if (threshold == -1) {
            threshold = preset.threshold() == -1 ? layers * topK : preset.threshold();
        }
        double learningRate = rate(values, "learningRate", defaults.learningRate(), preset.learningRate(), false);
        double routerLearningRate =
                rate(values, "routerLearningRate", defaults.routerLearningRate(), preset.routerLearningRate(), true);
        int iterations = values.atLeast("iterations", defaults.iterations(), 1);
        int stepSize = values.integer("stepSize", defaults.stepSize());
        if (stepSize < 0) {
            throw values.invalid("stepSize", stepSize, "0 (no schedule) or more");
        }
        double gamma = values.decimal("gamma", defaults.gamma());
        if (!(gamma > 0 && gamma <= 1)) {
            throw values.invalid("gamma", gamma, "in (0, 1]");
        }
        boolean bias = values.bool("routerBias", defaults.routerBias());
        long seed;
        try {
            seed = Long.parseLong(
                    values.text("seed", Long.toString(defaults.seed())).strip());
        } catch (NumberFormatException e) {
            throw values.invalid("seed", values.text("seed", ""), "a whole number");
        }
        return new ElderSettings(
                first,
                queryModule,
                modules,
                width,
                outWidth,
                experts,
                rank,
                (float) (alpha / rank),
                topK,
                (float) guidance,
                threshold,
                (float) learningRate,
                (float) routerLearningRate,
                iterations,
                stepSize,
                (float) gamma,
                bias,
                seed);
    }

    /** A learning rate: -1 for the preset's, else a finite number above 0. */
    /** A learning rate: -1 for the preset's, else a positive number (or 0, frozen, where allowed). */
    private static double rate(
            ConfigOverrides values, String key, double configured, double preset, boolean zeroAllowed)
            throws EditException {
        double value = values.decimal(key, configured);
        if (value == -1) {
            return preset;
        }
        if (!(value > 0 || zeroAllowed && value == 0) || Double.isInfinite(value)) {
            throw values.invalid(key, value, "-1 (the preset's) or a number > 0" + (zeroAllowed ? " (0: frozen)" : ""));
        }
        return value;
    }

    /** The weight of the module with {@code role} in {@code block}, when that module is linear. */
    private static Optional<ParameterInfo> linearWeight(ModelHandle model, int block, ModuleRole role) {
        return model.parameterInfo(model.module(block, role) + ".weight")
                .filter(p -> p.layout() != WeightLayout.NONE && p.shape().dimension() == 2);
    }

    private static String linearRoles(ModelHandle model, int block) {
        return Arrays.stream(ModuleRole.values())
                .filter(r -> linearWeight(model, block, r).isPresent())
                .map(ModuleRole::name)
                .toList()
                .toString();
    }

    private static int inWidth(ParameterInfo weight) {
        return Math.toIntExact(
                weight.layout() == WeightLayout.IN_OUT
                        ? weight.shape().get(0)
                        : weight.shape().get(1));
    }

    private static int outWidth(ParameterInfo weight) {
        return Math.toIntExact(
                weight.layout() == WeightLayout.IN_OUT
                        ? weight.shape().get(1)
                        : weight.shape().get(0));
    }
}
