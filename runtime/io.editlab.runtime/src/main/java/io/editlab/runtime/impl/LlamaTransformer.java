package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * LLaMA (and Mistral without sliding windows) as Hugging Face's {@code LlamaForCausalLM} computes
 * it: RMSNorm, rotary positions applied with {@code rotate_half}, grouped-query attention, a SwiGLU
 * MLP, {@code Linear} weights {@code [out, in]}, and a separate or tied head.
 */
final class LlamaTransformer implements Transformer {

    private final Architecture.Llama config;

    LlamaTransformer(Architecture.Llama config) {
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
        NDArray x = pass.weight("model.embed_tokens.weight").get(pass.manager(), new NDIndex("{}", ids));
        x = pass.hook("model.embed_tokens", ids, x);
        NDArray mask = Ops.causalMask(pass.manager(), length);
        NDList rotary = rotary(pass.manager(), length);
        for (int i = 0; i < config.layers(); i++) {
            x = block(pass, "model.layers." + i, x, mask, rotary);
            pass.releaseWidened(x);
        }
        return Ops.rmsNorm(x, pass.weight("model.norm.weight"), config.eps());
    }

    private NDArray block(Pass pass, String b, NDArray input, NDArray mask, NDList rotary) {
        NDArray a = Ops.rmsNorm(input, pass.weight(b + ".input_layernorm.weight"), config.eps());
        NDArray attention = pass.hook(b + ".self_attn", a, attention(pass, b, a, mask, rotary));
        NDArray x = input.add(attention);
        NDArray m = Ops.rmsNorm(x, pass.weight(b + ".post_attention_layernorm.weight"), config.eps());
        NDArray up = pass.hook(b + ".mlp.up_proj", m, Ops.linear(m, pass.weight(b + ".mlp.up_proj.weight")));
        NDArray act = Ops.silu(Ops.linear(m, pass.weight(b + ".mlp.gate_proj.weight")))
                .muli(up);
        NDArray down = pass.hook(b + ".mlp.down_proj", act, Ops.linear(act, pass.weight(b + ".mlp.down_proj.weight")));
        NDArray mlp = pass.hook(b + ".mlp", m, down);
        return pass.hook(b, input, x.add(mlp));
    }

    private NDArray attention(Pass pass, String b, NDArray a, NDArray mask, NDList rotary) {
        int headDim = config.headDim();
        NDArray q = rotate(
                Ops.heads(Ops.linear(a, pass.weight(b + ".self_attn.q_proj.weight")), config.heads(), headDim), rotary);
        NDArray k = rotate(
                Ops.heads(Ops.linear(a, pass.weight(b + ".self_attn.k_proj.weight")), config.kvHeads(), headDim),
                rotary);
        NDArray v = Ops.heads(Ops.linear(a, pass.weight(b + ".self_attn.v_proj.weight")), config.kvHeads(), headDim);
        int groups = config.heads() / config.kvHeads();
        if (groups > 1) { // each key/value head serves `groups` consecutive query heads
            k = k.repeat(1, groups);
            v = v.repeat(1, groups);
        }
        NDArray context = Ops.attention(q, k, v, mask);
        return Ops.linear(context, pass.weight(b + ".self_attn.o_proj.weight"));
    }

    /** cos and sin {@code [length, headDim]} of the rotary angles, halves duplicated as in HF. */
    private NDList rotary(NDManager manager, int length) {
        int half = config.headDim() / 2;
        float[] cos = new float[length * config.headDim()];
        float[] sin = new float[length * config.headDim()];
        for (int i = 0; i < half; i++) {
            float invFreq = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim()));
            for (int t = 0; t < length; t++) {
                float angle = t * invFreq;
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[t * config.headDim() + i] = c;
                cos[t * config.headDim() + i + half] = c;
                sin[t * config.headDim() + i] = s;
                sin[t * config.headDim() + i + half] = s;
            }
        }
        Shape shape = new Shape(length, config.headDim());
        return new NDList(manager.create(cos, shape), manager.create(sin, shape));
    }

    /** {@code x cos + rotate_half(x) sin}, where rotate_half(x) = [-x2, x1]. */
    private static NDArray rotate(NDArray x, NDList rotary) {
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(rotary.get(0)).addi(rotated.muli(rotary.get(1)));
    }

    @Override
    public NDArray logits(Pass pass, NDArray rows) {
        return Ops.linear(rows, pass.weight(config.tiedHead() ? "model.embed_tokens.weight" : "lm_head.weight"));
    }
}
