package io.editlab.elder.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import io.editlab.editkit.Options;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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

    ElderSettings {
        mixtureModules = List.copyOf(mixtureModules);
    }

    /** L, the number of mixture layers. */
    int layers() {
        return mixtureModules.size();
    }

    /**
     * Resolves {@code options} for {@code model}: the preset's values where they say -1, then checks
     * against the model.
     *
     * @throws EditException naming the option whose value does not fit the model
     */
    static ElderSettings resolve(ElderOptions options, ModelHandle model) throws EditException {
        String presetName = options.preset();
        ElderPreset preset = ElderPreset.named(presetName, model)
                .orElseThrow(() -> Options.invalid(
                        METHOD,
                        "preset",
                        presetName,
                        "auto or one of "
                                + Arrays.stream(ElderPreset.ALL)
                                        .map(ElderPreset::id)
                                        .toList()));
        int requestedLayers = options.layers();
        int layers = requestedLayers == -1 ? Math.min(preset.layers(), model.layers()) : requestedLayers;
        if (layers < 1 || layers > model.layers()) {
            throw Options.invalid(
                    METHOD, "layers", requestedLayers, "-1 (the preset's) or from 1 to " + model.layers());
        }
        int requested = options.firstLayer();
        int first = requested != -1
                ? requested
                : preset.firstLayer() != -1
                        ? preset.firstLayer()
                        : Math.min(model.layers() / 2, model.layers() - layers);
        if (first < 0 || first + layers > model.layers()) {
            throw Options.invalid(
                    METHOD,
                    "firstLayer",
                    requested,
                    "-1 (the preset's) or a block from 0 to " + (model.layers() - layers) + " so that " + layers
                            + " mixture layers fit");
        }
        int requestedQuery = options.queryLayer();
        int queryLayer = requestedQuery == -1 ? first + preset.queryOffset() : requestedQuery;
        if (queryLayer < 0 || queryLayer > first) {
            throw Options.invalid(
                    METHOD,
                    "queryLayer",
                    requestedQuery,
                    "-1 (the preset's: block " + queryLayer + ") or a block from 0 to the first mixture layer "
                            + first);
        }
        String roleName = options.module().strip();
        ModuleRole role = roleName.isEmpty()
                ? preset.module()
                : Arrays.stream(ModuleRole.values())
                        .filter(r -> r.name().equalsIgnoreCase(roleName))
                        .findFirst()
                        .orElse(null);
        if (role == null || linearWeight(model, first, role).isEmpty()) {
            throw Options.invalid(
                    METHOD,
                    "module",
                    roleName,
                    "empty (the preset's) or the role of a linear module, one of " + linearRoles(model, first));
        }
        String queryModule = model.module(queryLayer, role);
        int width = inWidth(linearWeight(model, queryLayer, role)
                .orElseThrow(() -> Options.invalid(
                        METHOD,
                        "module",
                        roleName,
                        "a linear module in block " + queryLayer + " too (the query module)")));
        List<String> modules = new ArrayList<>();
        int outWidth = -1;
        for (int block = first; block < first + layers; block++) {
            ParameterInfo weight = linearWeight(model, block, role)
                    .orElseThrow(() ->
                            Options.invalid(METHOD, "module", roleName, "a linear module in every mixture block"));
            if (inWidth(weight) != width) {
                throw Options.invalid(
                        METHOD,
                        "module",
                        roleName,
                        "a module whose input width in block " + block + " (" + inWidth(weight)
                                + ") equals the query width " + width + " of block " + queryLayer);
            }
            outWidth = outWidth(weight);
            modules.add(model.module(block, role));
        }
        int experts = options.experts() == -1 ? preset.experts() : options.experts();
        int rank = options.rank();
        int topK = options.topK();
        if (topK < 1 || topK > experts) {
            throw Options.invalid(METHOD, "topK", topK, "from 1 to experts (" + experts + ")");
        }
        int threshold = options.threshold();
        if (threshold == -1) {
            threshold = preset.threshold() == -1 ? layers * topK : preset.threshold();
        }
        double learningRate = options.learningRate() == -1 ? preset.learningRate() : options.learningRate();
        double routerLearningRate =
                options.routerLearningRate() == -1 ? preset.routerLearningRate() : options.routerLearningRate();
        return new ElderSettings(
                first,
                queryModule,
                modules,
                width,
                outWidth,
                experts,
                rank,
                (float) (options.alpha() / rank),
                topK,
                (float) options.guidance(),
                threshold,
                (float) learningRate,
                (float) routerLearningRate,
                options.iterations(),
                options.stepSize(),
                (float) options.gamma(),
                options.routerBias(),
                options.seed());
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
