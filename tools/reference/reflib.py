"""Shared parts of EditLab's Python references: EditLab model folders (config.json, a word-level
tokenizer.json, model.safetensors) read and written without third-party packages, and a GPT-2 in
plain PyTorch with Hugging Face's parameter names, computing what EditLab's runtime computes
(runtime/io.editlab.runtime, Gpt2Transformer and Inference): pre-LayerNorm blocks, learned positions,
gelu_new, an additive causal mask, the output layer tied to the token embedding, and the
teacher-forced loss as the mean negative log-probability over every target token.

Written for EditLab from the GPT-2 paper's description and Hugging Face's published parameter layout;
no code was copied.
"""
import json
import math
import os
import struct

import torch

DTYPES = {"F32": torch.float32, "I64": torch.int64, "I32": torch.int32, "F64": torch.float64}
NAMES = {v: k for k, v in DTYPES.items()}


def save_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} in the safetensors layout: an 8-byte little-endian header length, the
    JSON header (dtype, shape, byte offsets per tensor, optional __metadata__), then the raw bytes."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


def load_safetensors(path):
    """{name: tensor} of a safetensors file (the dtypes in DTYPES)."""
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        flat = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[spec["dtype"]])
        tensors[name] = flat.reshape(spec["shape"]).clone()
    return tensors


class WordTokenizer:
    """EditLab's word-level tokenizer for tests: whitespace-separated words, one id each."""

    def __init__(self, words):
        self.words = list(words)
        self.ids = {w: i for i, w in enumerate(self.words)}

    def encode(self, text):
        return [self.ids[w] for w in text.split()]

    def json(self):
        return {
            "version": "1.0",
            "added_tokens": [],
            "pre_tokenizer": {"type": "Whitespace"},
            "model": {"type": "WordLevel", "vocab": self.ids, "unk_token": self.words[0]},
        }


class Gpt2(torch.nn.Module):
    """GPT-2 with Hugging Face's names ("transformer.h.0.mlp.c_fc.weight", weights stored [in, out]).
    `hooks` maps a module name ("transformer.h.1.mlp.c_proj") to fn(input, output) -> output, the
    place where an editor's adapter sits in EditLab; `deltas` maps a weight's name to a tensor
    added to it, as an EditLab session's deltas are."""

    def __init__(self, config, tensors):
        super().__init__()
        self.config = config
        self.params = torch.nn.ParameterDict(
            {name.replace(".", "/"): torch.nn.Parameter(t, requires_grad=False) for name, t in tensors.items()})
        self.hooks = {}
        self.deltas = {}  # name -> a tensor added to that weight (EditLab's session deltas)

    def w(self, name):
        base = self.params[name.replace(".", "/")]
        delta = self.deltas.get(name)
        return base if delta is None else base + delta

    def hook(self, name, x, y):
        fn = self.hooks.get(name)
        return y if fn is None else fn(x, y)

    def ln(self, x, name):
        return torch.nn.functional.layer_norm(
            x, (x.shape[-1],), self.w(name + ".weight"), self.w(name + ".bias"), self.config["layer_norm_epsilon"])

    def conv1d(self, x, name):
        return x @ self.w(name + ".weight") + self.w(name + ".bias")

    @staticmethod
    def gelu_new(x):
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)))

    def hidden(self, ids):
        """Final hidden states [batch, length, width] of token ids [batch, length]."""
        length = ids.shape[1]
        x = self.w("transformer.wte.weight")[ids] + self.w("transformer.wpe.weight")[:length]
        mask = torch.full((length, length), float("-inf")).triu(1)
        heads = self.config["n_head"]
        for i in range(self.config["n_layer"]):
            b = f"transformer.h.{i}"
            a = self.ln(x, b + ".ln_1")
            q, k, v = self.conv1d(a, b + ".attn.c_attn").split(x.shape[-1], dim=2)
            split = lambda t: t.reshape(t.shape[0], length, heads, -1).transpose(1, 2)
            q, k, v = split(q), split(k), split(v)
            scores = q @ k.transpose(2, 3) * (1 / math.sqrt(q.shape[-1])) + mask
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(x.shape)
            attention = self.hook(b + ".attn", a, self.conv1d(context, b + ".attn.c_proj"))
            x = x + attention
            m = self.ln(x, b + ".ln_2")
            fc = self.hook(b + ".mlp.c_fc", m, self.conv1d(m, b + ".mlp.c_fc"))
            act = self.gelu_new(fc)
            proj = self.hook(b + ".mlp.c_proj", act, self.conv1d(act, b + ".mlp.c_proj"))
            x = self.hook(b, x, x + self.hook(b + ".mlp", m, proj))
        return self.ln(x, "transformer.ln_f")

    def teacher(self, prompt_ids, target_ids):
        """One completion, teacher-forced: (logits at the rows that predict each target token
        [targets, vocabulary], the target tokens' log-probabilities, the loss = their negated mean)."""
        ids = torch.tensor([prompt_ids + target_ids[:-1]])
        hidden = self.hidden(ids)[0]
        rows = hidden[len(prompt_ids) - 1:]
        logits = rows @ self.w("transformer.wte.weight").T
        log_probs = logits.log_softmax(-1).gather(1, torch.tensor(target_ids).reshape(-1, 1)).reshape(-1)
        return logits, log_probs, -log_probs.mean()


def write_folder(folder, config, words, tensors):
    """Writes config.json, a word-level tokenizer.json and model.safetensors; returns (config, tensors)."""
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(WordTokenizer(words).json(), f)
    save_safetensors(os.path.join(folder, "model.safetensors"), tensors)
    return config, tensors


def make_model(folder, words, layers=2, width=32, heads=2, inner=128, positions=16, seed=1):
    """Writes a randomly initialised GPT-2 model folder EditLab can load, and returns (config, tensors)."""
    os.makedirs(folder, exist_ok=True)
    g = torch.Generator().manual_seed(seed)
    normal = lambda *shape, std=0.2: torch.randn(*shape, generator=g) * std
    tensors = {"transformer.wte.weight": normal(len(words), width), "transformer.wpe.weight": normal(positions, width)}
    for i in range(layers):
        b = f"transformer.h.{i}"
        for ln in ("ln_1", "ln_2"):
            tensors[f"{b}.{ln}.weight"] = 1 + normal(width, std=0.1)
            tensors[f"{b}.{ln}.bias"] = normal(width, std=0.1)
        for name, (n_in, n_out) in {"attn.c_attn": (width, 3 * width), "attn.c_proj": (width, width),
                                    "mlp.c_fc": (width, inner), "mlp.c_proj": (inner, width)}.items():
            tensors[f"{b}.{name}.weight"] = normal(n_in, n_out, std=1 / math.sqrt(n_in))
            tensors[f"{b}.{name}.bias"] = normal(n_out, std=0.1)
    tensors["transformer.ln_f.weight"] = 1 + normal(width, std=0.1)
    tensors["transformer.ln_f.bias"] = normal(width, std=0.1)
    config = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_layer": layers, "n_embd": width,
              "n_head": heads, "n_inner": inner, "vocab_size": len(words), "n_positions": positions,
              "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "torch_dtype": "float32"}
    return write_folder(folder, config, words, tensors)


class GptJ(Gpt2):
    """GPT-J with Hugging Face's names ("transformer.h.0.attn.q_proj.weight", Linear weights stored
    [out, in]): one LayerNorm per block feeding attention and MLP side by side, both added to the
    residual; rotary positions on the first rotary_dim dimensions of each query and key head, turning
    each pair of neighbouring dimensions (0, 1), (2, 3), ... by the angle position * 10000^(-2i/rotary_dim);
    gelu_new; a separate head with a bias. Written from the GPT-J description (Wang and Komatsuzaki,
    mesh-transformer-jax) and the published parameter layout; no code was copied."""

    def linear(self, x, name, bias=True):
        y = x @ self.w(name + ".weight").T
        return y + self.w(name + ".bias") if bias else y

    def rotate(self, x, length):
        dim = self.config["rotary_dim"]
        pairs = torch.arange(dim // 2, dtype=torch.float64)
        angles = torch.arange(length, dtype=torch.float64)[:, None] * 10000.0 ** (-2 * pairs / dim)[None, :]
        cos, sin = angles.cos().float(), angles.sin().float()  # [length, dim/2]: one angle per pair
        head, rest = x[..., :dim], x[..., dim:]
        first, second = head[..., 0::2], head[..., 1::2]
        turned = torch.stack((first * cos - second * sin, second * cos + first * sin), dim=-1).flatten(-2)
        return torch.cat((turned, rest), dim=-1)

    def hidden(self, ids):
        length = ids.shape[1]
        x = self.w("transformer.wte.weight")[ids]
        mask = torch.full((length, length), float("-inf")).triu(1)
        heads = self.config["n_head"]
        for i in range(self.config["n_layer"]):
            b = f"transformer.h.{i}"
            a = self.ln(x, b + ".ln_1")
            split = lambda t: t.reshape(t.shape[0], length, heads, -1).transpose(1, 2)
            q = self.rotate(split(self.linear(a, b + ".attn.q_proj", bias=False)), length)
            k = self.rotate(split(self.linear(a, b + ".attn.k_proj", bias=False)), length)
            v = split(self.linear(a, b + ".attn.v_proj", bias=False))
            scores = q @ k.transpose(2, 3) * (1 / math.sqrt(q.shape[-1])) + mask
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(x.shape)
            attention = self.hook(b + ".attn", a, self.linear(context, b + ".attn.out_proj", bias=False))
            fc = self.hook(b + ".mlp.fc_in", a, self.linear(a, b + ".mlp.fc_in"))
            act = self.gelu_new(fc)
            out = self.hook(b + ".mlp.fc_out", act, self.linear(act, b + ".mlp.fc_out"))
            x = self.hook(b, x, x + attention + self.hook(b + ".mlp", a, out))
        return self.ln(x, "transformer.ln_f")

    def teacher(self, prompt_ids, target_ids):
        ids = torch.tensor([prompt_ids + target_ids[:-1]])
        rows = self.hidden(ids)[0][len(prompt_ids) - 1:]
        logits = self.linear(rows, "lm_head")
        log_probs = logits.log_softmax(-1).gather(1, torch.tensor(target_ids).reshape(-1, 1)).reshape(-1)
        return logits, log_probs, -log_probs.mean()


def make_gptj(folder, words, layers=2, width=32, heads=2, rotary_dim=8, inner=64, seed=2):
    """Writes a randomly initialised GPT-J model folder EditLab can load (the head dimension 16 is
    wider than rotary_dim, so rotated and passed-through dimensions are both exercised), and returns
    (config, tensors)."""
    os.makedirs(folder, exist_ok=True)
    g = torch.Generator().manual_seed(seed)
    normal = lambda *shape, std=0.2: torch.randn(*shape, generator=g) * std
    tensors = {"transformer.wte.weight": normal(len(words), width)}
    for i in range(layers):
        b = f"transformer.h.{i}"
        tensors[f"{b}.ln_1.weight"] = 1 + normal(width, std=0.1)
        tensors[f"{b}.ln_1.bias"] = normal(width, std=0.1)
        for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
            tensors[f"{b}.attn.{name}.weight"] = normal(width, width, std=1 / math.sqrt(width))
        tensors[f"{b}.mlp.fc_in.weight"] = normal(inner, width, std=1 / math.sqrt(width))
        tensors[f"{b}.mlp.fc_in.bias"] = normal(inner, std=0.1)
        tensors[f"{b}.mlp.fc_out.weight"] = normal(width, inner, std=1 / math.sqrt(inner))
        tensors[f"{b}.mlp.fc_out.bias"] = normal(width, std=0.1)
    tensors["transformer.ln_f.weight"] = 1 + normal(width, std=0.1)
    tensors["transformer.ln_f.bias"] = normal(width, std=0.1)
    tensors["lm_head.weight"] = normal(len(words), width)
    tensors["lm_head.bias"] = normal(len(words), std=0.1)
    config = {"architectures": ["GPTJForCausalLM"], "model_type": "gptj", "n_layer": layers, "n_embd": width,
              "n_head": heads, "n_inner": inner, "rotary_dim": rotary_dim, "vocab_size": len(words),
              "n_positions": 64, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new",
              "tie_word_embeddings": False, "torch_dtype": "float32"}
    return write_folder(folder, config, words, tensors)
