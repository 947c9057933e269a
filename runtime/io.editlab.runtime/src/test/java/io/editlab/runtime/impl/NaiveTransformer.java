package io.editlab.runtime.impl;

import java.util.Map;

/**
 * Deliberately naive reference forward pass of Hugging Face {@code GPT2LMHeadModel} and
 * {@code LlamaForCausalLM} (also Mistral without sliding window), written independently of the
 * production code so tests can check it. Plain loops over weights in their stored Hugging Face
 * layout, double-precision activations and accumulation; no caching, no batching, no shortcuts.
 */
final class NaiveTransformer {

    private NaiveTransformer() {}

    /** Logits [T][vocab] at every position for GPT2LMHeadModel. */
    static float[][] gpt2(
            Map<String, float[]> w,
            int layers,
            int hidden,
            int heads,
            int inner,
            int vocab,
            double layerNormEps,
            int[] tokens) {
        int n = tokens.length;
        int headDim = hidden / heads;
        float[] wte = get(w, "transformer.wte.weight", (long) vocab * hidden);
        float[] wpe = w.get("transformer.wpe.weight");
        if (wpe == null || wpe.length % hidden != 0 || wpe.length / hidden < n) {
            throw new IllegalArgumentException("transformer.wpe.weight missing or too short for " + n + " positions");
        }
        double[][] h = new double[n][hidden];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < hidden; i++) {
                h[t][i] = (double) wte[tokens[t] * hidden + i] + wpe[t * hidden + i];
            }
        }
        for (int l = 0; l < layers; l++) {
            String p = "transformer.h." + l + ".";
            double[][] q = new double[n][hidden];
            double[][] k = new double[n][hidden];
            double[][] v = new double[n][hidden];
            for (int t = 0; t < n; t++) {
                double[] x = layerNorm(
                        h[t], get(w, p + "ln_1.weight", hidden), get(w, p + "ln_1.bias", hidden), layerNormEps);
                double[] qkv = conv1d(
                        x,
                        get(w, p + "attn.c_attn.weight", (long) hidden * 3 * hidden),
                        get(w, p + "attn.c_attn.bias", 3L * hidden),
                        hidden,
                        3 * hidden);
                System.arraycopy(qkv, 0, q[t], 0, hidden);
                System.arraycopy(qkv, hidden, k[t], 0, hidden);
                System.arraycopy(qkv, 2 * hidden, v[t], 0, hidden);
            }
            double[][] a = attention(q, k, v, heads, heads, headDim);
            for (int t = 0; t < n; t++) {
                add(
                        h[t],
                        conv1d(
                                a[t],
                                get(w, p + "attn.c_proj.weight", (long) hidden * hidden),
                                get(w, p + "attn.c_proj.bias", hidden),
                                hidden,
                                hidden));
            }
            for (int t = 0; t < n; t++) {
                double[] x = layerNorm(
                        h[t], get(w, p + "ln_2.weight", hidden), get(w, p + "ln_2.bias", hidden), layerNormEps);
                double[] f = conv1d(
                        x,
                        get(w, p + "mlp.c_fc.weight", (long) hidden * inner),
                        get(w, p + "mlp.c_fc.bias", inner),
                        hidden,
                        inner);
                for (int i = 0; i < inner; i++) {
                    f[i] = geluNew(f[i]);
                }
                add(
                        h[t],
                        conv1d(
                                f,
                                get(w, p + "mlp.c_proj.weight", (long) inner * hidden),
                                get(w, p + "mlp.c_proj.bias", hidden),
                                inner,
                                hidden));
            }
        }
        float[][] logits = new float[n][];
        for (int t = 0; t < n; t++) {
            double[] x = layerNorm(
                    h[t],
                    get(w, "transformer.ln_f.weight", hidden),
                    get(w, "transformer.ln_f.bias", hidden),
                    layerNormEps);
            logits[t] = toFloat(linear(x, wte, hidden, vocab));
        }
        return logits;
    }

    /** Logits [T][vocab] at every position for LlamaForCausalLM (also Mistral without sliding window). */
    static float[][] llama(
            Map<String, float[]> w,
            int layers,
            int hidden,
            int heads,
            int kvHeads,
            int headDim,
            int inner,
            int vocab,
            double rmsNormEps,
            double ropeTheta,
            boolean tiedHead,
            int[] tokens) {
        int n = tokens.length;
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        float[] emb = get(w, "model.embed_tokens.weight", (long) vocab * hidden);
        double[][] h = new double[n][hidden];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < hidden; i++) {
                h[t][i] = emb[tokens[t] * hidden + i];
            }
        }
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] x = rmsNorm(h[t], get(w, p + "input_layernorm.weight", hidden), rmsNormEps);
                q[t] = linear(x, get(w, p + "self_attn.q_proj.weight", (long) qDim * hidden), hidden, qDim);
                k[t] = linear(x, get(w, p + "self_attn.k_proj.weight", (long) kvDim * hidden), hidden, kvDim);
                v[t] = linear(x, get(w, p + "self_attn.v_proj.weight", (long) kvDim * hidden), hidden, kvDim);
                rope(q[t], heads, headDim, t, ropeTheta);
                rope(k[t], kvHeads, headDim, t, ropeTheta);
            }
            double[][] a = attention(q, k, v, heads, kvHeads, headDim);
            for (int t = 0; t < n; t++) {
                add(h[t], linear(a[t], get(w, p + "self_attn.o_proj.weight", (long) hidden * qDim), qDim, hidden));
            }
            for (int t = 0; t < n; t++) {
                double[] x = rmsNorm(h[t], get(w, p + "post_attention_layernorm.weight", hidden), rmsNormEps);
                double[] g = linear(x, get(w, p + "mlp.gate_proj.weight", (long) inner * hidden), hidden, inner);
                double[] u = linear(x, get(w, p + "mlp.up_proj.weight", (long) inner * hidden), hidden, inner);
                double[] m = new double[inner];
                for (int i = 0; i < inner; i++) {
                    m[i] = g[i] / (1.0 + Math.exp(-g[i])) * u[i];
                }
                add(h[t], linear(m, get(w, p + "mlp.down_proj.weight", (long) hidden * inner), inner, hidden));
            }
        }
        float[] head = tiedHead ? emb : get(w, "lm_head.weight", (long) vocab * hidden);
        float[][] logits = new float[n][];
        for (int t = 0; t < n; t++) {
            double[] x = rmsNorm(h[t], get(w, "model.norm.weight", hidden), rmsNormEps);
            logits[t] = toFloat(linear(x, head, hidden, vocab));
        }
        return logits;
    }

    /** Weight lookup that fails loudly on a missing name or a wrong size. */
    private static float[] get(Map<String, float[]> w, String name, long expectedLength) {
        float[] a = w.get(name);
        if (a == null) {
            throw new IllegalArgumentException("missing weight " + name);
        }
        if (a.length != expectedLength) {
            throw new IllegalArgumentException(name + " has " + a.length + " values, expected " + expectedLength);
        }
        return a;
    }

    /** GPT-2 Conv1D, weight stored [in, out]: y = x W + b. */
    private static double[] conv1d(double[] x, float[] weight, float[] bias, int in, int out) {
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            double s = bias[j];
            for (int i = 0; i < in; i++) {
                s += x[i] * weight[i * out + j];
            }
            y[j] = s;
        }
        return y;
    }

    /** torch.nn.Linear without bias, weight stored [out, in]: y = x W^T. */
    private static double[] linear(double[] x, float[] weight, int in, int out) {
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            double s = 0;
            for (int i = 0; i < in; i++) {
                s += weight[j * in + i] * x[i];
            }
            y[j] = s;
        }
        return y;
    }

    /** LayerNorm with biased variance. */
    private static double[] layerNorm(double[] x, float[] weight, float[] bias, double eps) {
        int d = x.length;
        double mean = 0;
        for (double xi : x) {
            mean += xi;
        }
        mean /= d;
        double var = 0;
        for (double xi : x) {
            var += (xi - mean) * (xi - mean);
        }
        var /= d;
        double inv = 1.0 / Math.sqrt(var + eps);
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            y[i] = (x[i] - mean) * inv * weight[i] + bias[i];
        }
        return y;
    }

    /** RMSNorm: x / sqrt(mean(x^2) + eps) * weight. */
    private static double[] rmsNorm(double[] x, float[] weight, double eps) {
        double ss = 0;
        for (double xi : x) {
            ss += xi * xi;
        }
        double inv = 1.0 / Math.sqrt(ss / x.length + eps);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * inv * weight[i];
        }
        return y;
    }

    /** HF rotary embedding (default rope type, rotate_half convention), in place, for every head of x. */
    private static void rope(double[] x, int nHeads, int headDim, int position, double theta) {
        int half = headDim / 2;
        for (int hd = 0; hd < nHeads; hd++) {
            int base = hd * headDim;
            for (int i = 0; i < half; i++) {
                double angle = position * (1.0 / Math.pow(theta, (2.0 * i) / headDim));
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                double x1 = x[base + i];
                double x2 = x[base + half + i];
                x[base + i] = x1 * cos - x2 * sin;
                x[base + half + i] = x2 * cos + x1 * sin;
            }
        }
    }

    /** Causal multi-head / grouped-query attention; query head h reads kv head h / (heads / kvHeads). */
    private static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, int kvHeads, int headDim) {
        int n = q.length;
        int group = heads / kvHeads;
        double scale = 1.0 / Math.sqrt(headDim);
        double[][] out = new double[n][heads * headDim];
        for (int hd = 0; hd < heads; hd++) {
            int qOff = hd * headDim;
            int kvOff = (hd / group) * headDim;
            for (int t = 0; t < n; t++) {
                double[] scores = new double[t + 1];
                for (int j = 0; j <= t; j++) {
                    double s = 0;
                    for (int d = 0; d < headDim; d++) {
                        s += q[t][qOff + d] * k[j][kvOff + d];
                    }
                    scores[j] = s * scale;
                }
                softmax(scores);
                for (int j = 0; j <= t; j++) {
                    for (int d = 0; d < headDim; d++) {
                        out[t][qOff + d] += scores[j] * v[j][kvOff + d];
                    }
                }
            }
        }
        return out;
    }

    /** Numerically stable softmax, in place. */
    private static void softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double xi : x) {
            max = Math.max(max, xi);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }

    /** HF "gelu_new" (tanh approximation). */
    private static double geluNew(double x) {
        return 0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    private static void add(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }

    private static float[] toFloat(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) x[i];
        }
        return y;
    }
}
