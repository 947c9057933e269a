package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * GPT-2 as Hugging Face's {@code GPT2LMHeadModel} computes it: learned positions, pre-norm blocks,
 * {@code Conv1D} weights {@code [in, out]}, {@code gelu_new}, and the token embedding as the head.
 */
final class Gpt2Transformer implements Transformer {

    private final Architecture.Gpt2 config;
    private final int headDim;

    Gpt2Transformer(Architecture.Gpt2 config) {
        this.config = config;
        this.headDim = config.hidden() / config.heads();
    }

    @Override
    public int maxPositions() {
        return config.positions();
    }

    @Override
    public NDArray hidden(Pass pass) {
        NDArray ids = pass.tokenIds();
        int length = (int) ids.getShape().get(1);
        NDArray x = pass.weight("transformer.wte.weight")
                .get(pass.manager(), new NDIndex("{}", ids))
                .addi(pass.weight("transformer.wpe.weight").get(pass.manager(), new NDIndex(":{}", length)));
        x = pass.hook("transformer.wte", ids, x);
        NDArray mask = Ops.causalMask(pass.manager(), length);
        for (int i = 0; i < config.layers(); i++) {
            x = block(pass, "transformer.h." + i, x, mask);
            pass.releaseWidened(x);
        }
        return Ops.layerNorm(
                x, pass.weight("transformer.ln_f.weight"), pass.weight("transformer.ln_f.bias"), config.eps());
    }

    private NDArray block(Pass pass, String b, NDArray input, NDArray mask) {
        NDArray a = Ops.layerNorm(input, pass.weight(b + ".ln_1.weight"), pass.weight(b + ".ln_1.bias"), config.eps());
        NDArray attention = pass.hook(b + ".attn", a, attention(pass, b, a, mask));
        NDArray x = input.add(attention);
        NDArray m = Ops.layerNorm(x, pass.weight(b + ".ln_2.weight"), pass.weight(b + ".ln_2.bias"), config.eps());
        NDArray fc = pass.hook(
                b + ".mlp.c_fc",
                m,
                Ops.conv1d(m, pass.weight(b + ".mlp.c_fc.weight"), pass.weight(b + ".mlp.c_fc.bias")));
        NDArray act = Ops.geluNew(fc);
        NDArray proj = pass.hook(
                b + ".mlp.c_proj",
                act,
                Ops.conv1d(act, pass.weight(b + ".mlp.c_proj.weight"), pass.weight(b + ".mlp.c_proj.bias")));
        NDArray mlp = pass.hook(b + ".mlp", m, proj);
        return pass.hook(b, input, x.add(mlp));
    }

    private NDArray attention(Pass pass, String b, NDArray a, NDArray mask) {
        NDArray qkv = Ops.conv1d(a, pass.weight(b + ".attn.c_attn.weight"), pass.weight(b + ".attn.c_attn.bias"));
        NDList parts = qkv.split(3, 2);
        NDArray q = Ops.heads(parts.get(0), config.heads(), headDim);
        NDArray k = Ops.heads(parts.get(1), config.heads(), headDim);
        NDArray v = Ops.heads(parts.get(2), config.heads(), headDim);
        NDArray context = Ops.attention(q, k, v, mask);
        return Ops.conv1d(context, pass.weight(b + ".attn.c_proj.weight"), pass.weight(b + ".attn.c_proj.bias"));
    }

    @Override
    public NDArray logits(Pass pass, NDArray rows) {
        return Ops.linear(rows, pass.weight("transformer.wte.weight"));
    }
}
