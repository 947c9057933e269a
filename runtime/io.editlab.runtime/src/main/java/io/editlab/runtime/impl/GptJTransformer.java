package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * GPT-J as Hugging Face's {@code GPTJForCausalLM} computes it: each block normalises its input once
 * and adds attention and MLP, both computed from that one normalised state, to the residual; rotary
 * positions turn each pair of neighbouring dimensions (0 and 1, 2 and 3, ...) among the first {@code
 * rotary_dim} of every query and key head; {@code gelu_new} MLP; a head with its own weight and bias.
 */
final class GptJTransformer implements Transformer {

    private final Architecture.GptJ config;

    GptJTransformer(Architecture.GptJ config) {
        this.config = config;
    }

    @Override
    public int maxPositions() {
        return Integer.MAX_VALUE;
    }

    @Override
    public NDArray hidden(Pass pass) {
        NDArray ids = pass.tokenIds();
        int length = (int) ids.getShape().get(1);
        NDArray x = pass.weight("transformer.wte.weight").get(pass.manager(), new NDIndex("{}", ids));
        x = pass.hook("transformer.wte", ids, x);
        NDArray mask = Ops.causalMask(pass.manager(), length);
        NDList rotary = rotary(pass.manager(), length);
        for (int i = 0; i < config.layers(); i++) {
            x = block(pass, "transformer.h." + i, x, mask, rotary);
            pass.releaseWidened(x);
        }
        return Ops.layerNorm(
                x, pass.weight("transformer.ln_f.weight"), pass.weight("transformer.ln_f.bias"), config.eps());
    }

    private NDArray block(Pass pass, String b, NDArray input, NDArray mask, NDList rotary) {
        NDArray a = Ops.layerNorm(input, pass.weight(b + ".ln_1.weight"), pass.weight(b + ".ln_1.bias"), config.eps());
        NDArray attention = pass.hook(b + ".attn", a, attention(pass, b, a, mask, rotary));
        NDArray fc = pass.hook(b + ".mlp.fc_in", a, linear(pass, b + ".mlp.fc_in", a));
        NDArray act = Ops.geluNew(fc);
        NDArray out = pass.hook(b + ".mlp.fc_out", act, linear(pass, b + ".mlp.fc_out", act));
        NDArray mlp = pass.hook(b + ".mlp", a, out);
        return pass.hook(b, input, input.add(attention).addi(mlp));
    }

    private static NDArray linear(Pass pass, String module, NDArray x) {
        return Ops.linear(x, pass.weight(module + ".weight")).addi(pass.weight(module + ".bias"));
    }

    private NDArray attention(Pass pass, String b, NDArray a, NDArray mask, NDList rotary) {
        int headDim = config.headDim();
        NDArray q = rotate(
                Ops.heads(Ops.linear(a, pass.weight(b + ".attn.q_proj.weight")), config.heads(), headDim), rotary);
        NDArray k = rotate(
                Ops.heads(Ops.linear(a, pass.weight(b + ".attn.k_proj.weight")), config.heads(), headDim), rotary);
        NDArray v = Ops.heads(Ops.linear(a, pass.weight(b + ".attn.v_proj.weight")), config.heads(), headDim);
        NDArray context = Ops.attention(q, k, v, mask);
        return Ops.linear(context, pass.weight(b + ".attn.out_proj.weight"));
    }

    /**
     * cos and sin {@code [length, rotaryDim]} of the rotary angles, each angle repeated for the two
     * dimensions of its pair.
     */
    private NDList rotary(NDManager manager, int length) {
        int dim = config.rotaryDim();
        float[] cos = new float[length * dim];
        float[] sin = new float[length * dim];
        for (int i = 0; i < dim / 2; i++) {
            float invFreq = (float) (1.0 / Math.pow(10000.0, (2.0 * i) / dim));
            for (int t = 0; t < length; t++) {
                float angle = t * invFreq;
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[t * dim + 2 * i] = c;
                cos[t * dim + 2 * i + 1] = c;
                sin[t * dim + 2 * i] = s;
                sin[t * dim + 2 * i + 1] = s;
            }
        }
        Shape shape = new Shape(length, dim);
        return new NDList(manager.create(cos, shape), manager.create(sin, shape));
    }

    /**
     * On the first rotaryDim dimensions of {@code x} {@code [batch, heads, seq, headDim]}: {@code x cos +
     * rotate_every_two(x) sin}, where rotate_every_two turns each pair (x1, x2) into (-x2, x1); the
     * other dimensions pass unchanged.
     */
    private NDArray rotate(NDArray x, NDList rotary) {
        int dim = config.rotaryDim();
        Shape s = x.getShape();
        NDArray turned = x.get(new NDIndex("..., :{}", dim));
        NDArray pairs = turned.reshape(s.get(0), s.get(1), s.get(2), dim / 2, 2);
        NDArray even = pairs.get(new NDIndex("..., 0"));
        NDArray odd = pairs.get(new NDIndex("..., 1"));
        NDArray rotated = NDArrays.stack(new NDList(odd.neg(), even), 4).reshape(s.get(0), s.get(1), s.get(2), dim);
        NDArray result = turned.mul(rotary.get(0)).addi(rotated.muli(rotary.get(1)));
        if (dim == s.get(3)) {
            return result;
        }
        return result.concat(x.get(new NDIndex("..., {}:", dim)), 3);
    }

    @Override
    public NDArray logits(Pass pass, NDArray rows) {
        return linear(pass, "lm_head", rows);
    }
}
