"""MALMEN (Tan, Zhang and Fu, ICLR 2024) and MEND (Mitchell et al., ICLR 2022) as the MALMEN
repository runs them, reference for EditLab's `io.editlab.malmen.hypernet` (the hyper-network, the
least-squares aggregation, the meta-training step and the editor).

Mirrors the official code, ChenmienTan/malmen:
- `nets.py`: `RunningMeanStd` (Statistics below), `MALMENBlock` (Block), `MALMENNet` (Network: one
  per weight shape, modules told apart by per-module scale and shift, a learned step size `lr` and
  `lamda` per module);
- `util.py`: `Tracer`/`TracerDict` (trace: a module's inputs at the selected tokens, and the
  gradient of the mini-batch's mean target loss with respect to its outputs there),
  `cross_entropy` and `kl_div` (the meta-loss terms);
- `editor/base.py`: `cache` (tracing and the statistics' update), `train` (shifts in place, the
  rephrasings' loss and the locality KL back-propagated into the edited weights);
- `editor/malmen.py`: `predict_param_shifts` (value differences -lr <u, u~> d~, the ridge solve) and
  `update_hypernet` (dL/dD = U (U^T U + lambda I)^-1 G, the explicit lambda term, clipping, Adam);
- `editor/mend.py`: the summed shifts -lr sum u~^T d~ and their meta-gradient <G, S>.
Written for EditLab; no code was copied. EditLab's choices, made the same way here (the bundle's
README, "Whose choices"): the statistics are kept in float64 as mean, sum of squared deviations and
count (the same update), the forward pass normalises in float32; sums U^T U and U^T D accumulated
chunk by chunk in float64 and solved through an explicit inverse; a partial LM mini-batch counts as
a full one (its loss scaled by its size over the nominal one); MEND's block is MEND's own form
h + relu((h A B + bias) * scale + shift); LM mini-batches are cut from the tuples sorted longest
first; Adam and the norm clipping are EditLab's editor kit's.
"""
import math

import torch

from grace import Adam

EPS = torch.finfo(torch.float32).eps


class Statistics:
    """The running normaliser of one shape group (RunningMeanStd)."""

    def __init__(self, size):
        self.mean = torch.zeros(size, dtype=torch.float64)
        self.m2 = torch.zeros(size, dtype=torch.float64)
        self.count = 0.0

    def update(self, rows):
        x = rows.detach().double()
        n, total = self.count, self.count + x.shape[0]
        batch_mean = x.mean(0)
        batch_var = x.var(0) if x.shape[0] > 1 else torch.zeros_like(batch_mean)
        d = batch_mean - self.mean
        self.mean += d * (x.shape[0] / total)
        self.m2 += batch_var * x.shape[0] + d.pow(2) * (n * x.shape[0] / total)
        self.count = total

    def normalise(self, x):
        scale = ((self.m2 / (self.count - 1 + EPS)).sqrt() + EPS).float()
        return (x - self.mean.float()) / scale


class Block:
    """One residual low-rank block; MALMEN h + scale * relu(h A B + bias) + shift, MEND
    h + relu((h A B + bias) * scale + shift)."""

    def __init__(self, a, b, bias, scale, shift):
        self.a, self.b, self.bias, self.scale, self.shift = a, b, bias, scale, shift

    def forward(self, h, module, variant):
        pre = h @ self.a @ self.b + self.bias
        if variant == "malmen":
            return h + pre.clamp(min=0) * self.scale[module] + self.shift[module]
        return h + (pre * self.scale[module] + self.shift[module]).clamp(min=0)


class Network:
    """The hyper-network of one shape group (keys of `key_size`, values of `value_size`), with
    EditLab's tensor names (g0.b0.a, ..., g0.eta, g0.ell, g0.norm.*)."""

    def __init__(self, variant, key_size, value_size, tensors, prefix="g0."):
        self.variant, self.key_size, self.prefix = variant, key_size, prefix
        t = {name[len(prefix):]: value.clone() for name, value in tensors.items() if name.startswith(prefix)}
        self.blocks = []
        b = 0
        while f"b{b}.a" in t:
            self.blocks.append(Block(*(t[f"b{b}.{n}"] for n in ("a", "b", "bias", "scale", "shift"))))
            b += 1
        self.eta, self.ell = t["eta"], t["ell"]
        self.statistics = Statistics(key_size + value_size)
        self.statistics.mean, self.statistics.m2 = t["norm.mean"].double(), t["norm.m2"].double()
        self.statistics.count = float(t["norm.count"][0])

    PARTS = ("a", "b", "bias", "scale", "shift")

    def named(self):
        """(name, parameter) in EditLab's order: the blocks' a, b, bias, scale, shift; eta; ell."""
        pairs = [(f"b{i}.{n}", getattr(blk, n)) for i, blk in enumerate(self.blocks) for n in self.PARTS]
        return [(self.prefix + n, p) for n, p in pairs + [("eta", self.eta), ("ell", self.ell)]]

    def parameters(self):
        """The learned parameters (MEND has no ell)."""
        return [p for n, p in self.named() if self.variant == "malmen" or not n.endswith(".ell")]

    def trainable(self):
        """Makes every learned parameter a leaf that records gradients."""
        for blk in self.blocks:
            for n in self.PARTS:
                setattr(blk, n, getattr(blk, n).detach().clone().requires_grad_(True))
        self.eta = self.eta.detach().clone().requires_grad_(True)
        self.ell = self.ell.detach().clone().requires_grad_(self.variant == "malmen")
        return self

    def tensors(self):
        """Every tensor by its checkpoint name, the statistics included."""
        out = {n: p.detach().clone() for n, p in self.named()}
        out[self.prefix + "norm.mean"] = self.statistics.mean.clone()
        out[self.prefix + "norm.m2"] = self.statistics.m2.clone()
        out[self.prefix + "norm.count"] = torch.tensor([self.statistics.count], dtype=torch.float64)
        return out

    def forward(self, keys, grads, module):
        h = self.statistics.normalise(torch.cat([keys, grads], 1))
        for block in self.blocks:
            h = block.forward(h, module, self.variant)
        return h[:, :self.key_size], h[:, self.key_size:]

    def lam(self, module):
        return math.exp(float(self.ell[module]))

    def chunk_output(self, keys, grads, module):
        """MALMEN's value differences -eta <u, u~> d~ of these rows; MEND's summed shift -eta u~^T d~."""
        out_keys, out_grads = self.forward(keys, grads, module)
        if self.variant == "malmen":
            return -(out_grads * (keys * out_keys).sum(1, keepdim=True) * self.eta[module])
        return -(out_keys.T @ out_grads * self.eta[module])


def longest_first(tokenizer, tuples, size):
    """(prompt, target) tuples in mini-batches of `size`, longest first (the loader's sort; stable)."""
    order = sorted(range(len(tuples)), key=lambda i: -(len(tokenizer.encode(tuples[i][0]))
                                                        + len(tokenizer.encode(tuples[i][1]))))
    ordered = [tuples[i] for i in order]
    return [ordered[s:s + size] for s in range(0, len(ordered), size)]


def trace(model, tokenizer, modules, batch, tokens, lm_batch):
    """One mini-batch: {module: (keys, value gradients)} at the selected rows (TARGET: the rows that
    predict target tokens; ALL: every input row), sequence by sequence, and the mean target loss."""
    leaves, inputs = {m: [] for m in modules}, {m: [] for m in modules}
    log_probs, rows = [], []
    for prompt, target in batch:
        p, t = tokenizer.encode(prompt), tokenizer.encode(target)
        start = len(p) - 1 if tokens == "TARGET" else 0
        rows.append(range(start, len(p) + len(t) - 1))
        for m in modules:
            def hook(x, y, m=m):
                probe = torch.zeros_like(y, requires_grad=True)  # its gradient is the loss's at the output
                leaves[m].append(probe)
                inputs[m].append(x.detach())
                return y + probe
            model.hooks[m] = hook
        log_probs.append(model.teacher(p, t)[1])
    for m in modules:
        model.hooks.pop(m)
    loss = -torch.cat(log_probs).mean()
    (loss * (len(batch) / lm_batch)).backward()
    captured = {m: (torch.cat([x[0, r] for x, r in zip(inputs[m], rows)]),
                    torch.cat([y.grad[0, r] for y, r in zip(leaves[m], rows)])) for m in modules}
    return float(loss), captured


def cache(model, tokenizer, network, modules, edits, tokens, lm_batch, update=True):
    """Keys and value gradients of every edit tuple per module, mini-batch by mini-batch, each
    mini-batch's rows added to the statistics (editor/base.py `cache`)."""
    keys, grads = {m: [] for m in modules}, {m: [] for m in modules}
    for batch in longest_first(tokenizer, edits, lm_batch):
        _, captured = trace(model, tokenizer, modules, batch, tokens, lm_batch)
        for m in modules:
            u, g = captured[m]
            if update:
                network.statistics.update(torch.cat([u, g], 1))
            keys[m].append(u)
            grads[m].append(g)
    return {m: torch.cat(keys[m]) for m in modules}, {m: torch.cat(grads[m]) for m in modules}


def predict(network, modules, keys, grads, chunk):
    """Each module's shift [key, value] (float32) and, for MALMEN, (inverse, solution) for the
    meta-gradients (predict_param_shifts)."""
    shifts, solutions = {}, {}
    with torch.no_grad():
        for i, m in enumerate(modules):
            u, g = keys[m], grads[m]
            if network.variant == "malmen":
                gram = torch.zeros(u.shape[1], u.shape[1], dtype=torch.float64)
                rhs = torch.zeros(u.shape[1], g.shape[1], dtype=torch.float64)
                for s in range(0, u.shape[0], chunk):
                    d = network.chunk_output(u[s:s + chunk], g[s:s + chunk], i).double()
                    gram += u[s:s + chunk].double().T @ u[s:s + chunk].double()
                    rhs += u[s:s + chunk].double().T @ d
                inverse = torch.linalg.inv(gram + network.lam(i) * torch.eye(u.shape[1], dtype=torch.float64))
                solution = inverse @ rhs
                solutions[m] = (inverse, solution)
                shifts[m] = solution.float()
            else:
                total = torch.zeros(u.shape[1], g.shape[1], dtype=torch.float64)
                for s in range(0, u.shape[0], chunk):
                    total += network.chunk_output(u[s:s + chunk], g[s:s + chunk], i).double()
                shifts[m] = total.float()
    return shifts, solutions


def meta_loss(model, tokenizer, modules, shifts, facts, lm_batch, loc_coef):
    """With the shifts as the edited weights' deltas: the rephrasings' mean target NLL and loc_coef
    times the locality KL back-propagated mini-batch by mini-batch (editor/base.py `train`).
    Returns (gen, loc: means over mini-batches, {module: G = dL/dW})."""
    deltas = {m: shifts[m].clone().requires_grad_(True) for m in modules}
    equivalents = [e for f in facts for e in f["equivalents"]]
    unrelated = [u for f in facts for u in f["unrelated"]]
    gen = []
    model.deltas = {m + ".weight": deltas[m] for m in modules}
    for batch in longest_first(tokenizer, equivalents, lm_batch):
        loss = -torch.cat([model.teacher(tokenizer.encode(p), tokenizer.encode(t))[1] for p, t in batch]).mean()
        loss.backward()
        gen.append(float(loss))
    loc = []
    if loc_coef > 0:
        for batch in longest_first(tokenizer, unrelated, lm_batch):
            model.deltas = {}
            with torch.no_grad():
                before = torch.cat([model.teacher(tokenizer.encode(p), tokenizer.encode(t))[0]
                                    for p, t in batch]).log_softmax(-1)
            model.deltas = {m + ".weight": deltas[m] for m in modules}
            after = torch.cat([model.teacher(tokenizer.encode(p), tokenizer.encode(t))[0]
                               for p, t in batch]).log_softmax(-1)
            kl = (before.exp() * (before - after)).sum() / before.shape[0]
            (kl * loc_coef).backward()
            loc.append(float(kl))
    model.deltas = {}
    mean = lambda xs: sum(xs) / max(1, len(xs))
    return mean(gen), mean(loc), {m: deltas[m].grad.detach().clone() for m in modules}


def meta_gradients(network, modules, keys, grads, solutions, shift_grads, chunk):
    """Back-propagates the aggregation into the network's parameters (update_hypernet); returns
    MALMEN's dL/d ell per module (empty for MEND)."""
    ell_grads = {}
    for i, m in enumerate(modules):
        u, g, big_g = keys[m], grads[m], shift_grads[m]
        if network.variant == "malmen":
            inverse, solution = solutions[m]
            mat = inverse @ big_g.double()
            ell_grads[i] = -network.lam(i) * float((mat * solution).sum())
            for s in range(0, u.shape[0], chunk):
                d_grad = (u[s:s + chunk].double() @ mat).float()
                (d_grad * network.chunk_output(u[s:s + chunk], g[s:s + chunk], i)).sum().backward()
        else:
            for s in range(0, u.shape[0], chunk):
                (network.chunk_output(u[s:s + chunk], g[s:s + chunk], i) * big_g).sum().backward()
    if network.variant == "malmen":
        coefficients = torch.tensor([ell_grads[i] for i in range(len(modules))], dtype=torch.float32)
        (coefficients * network.ell).sum().backward()
    return ell_grads


def clip(parameters, max_norm):
    """The editor kit's global norm clipping (as torch's clip_grad_norm_); returns the norm before."""
    norm = math.sqrt(sum(float(p.grad.pow(2).sum()) for p in parameters))
    if norm > max_norm:
        scale = max_norm / (norm + 1e-6)
        for p in parameters:
            p.grad.mul_(scale)
    return norm


def meta_step(model, tokenizer, network, modules, facts, options, adam):
    """One meta-training step on `facts` ({"edit", "equivalents", "unrelated"}). Returns what the
    Java test compares: losses, keys, value gradients, the network's outputs and (MALMEN) value
    differences per row, shifts, G, the parameters' gradients before clipping, the norm."""
    o = options
    keys, grads = cache(model, tokenizer, network, modules, [f["edit"] for f in facts], o["tokens"],
                        o["lmBatchSize"])
    with torch.no_grad():  # the network's outputs per row, MALMEN's value differences, before any step
        outputs = {m: network.forward(keys[m], grads[m], i) for i, m in enumerate(modules)}
        differences = {m: network.chunk_output(keys[m], grads[m], i) for i, m in enumerate(modules)}
    shifts, solutions = predict(network, modules, keys, grads, o["tokenChunk"])
    gen, loc, shift_grads = meta_loss(model, tokenizer, modules, shifts, facts, o["lmBatchSize"], o["locCoef"])
    meta_gradients(network, modules, keys, grads, solutions, shift_grads, o["tokenChunk"])
    gradients = {n: p.grad.detach().clone() for n, p in network.named() if p.grad is not None}
    norm = clip(network.parameters(), o["maxGradNorm"])
    adam.step()
    return {"gen": gen, "loc": loc, "loss": gen + o["locCoef"] * loc, "norm": norm, "keys": keys,
            "grads": grads, "outputs": outputs, "differences": differences, "shifts": shifts,
            "shift_grads": shift_grads, "gradients": gradients}


def edit(model, tokenizer, network, modules, requests, options):
    """An editor call in sequential mode: traces the requests on the model as it is (no statistics
    update), adds each module's shift to its delta; returns the shifts."""
    keys, grads = cache(model, tokenizer, network, modules, requests, options["tokens"], options["lmBatchSize"],
                        update=False)
    shifts, _ = predict(network, modules, keys, grads, options["tokenChunk"])
    for m in modules:
        name = m + ".weight"
        model.deltas[name] = model.deltas.get(name, torch.zeros_like(shifts[m])) + shifts[m]
    return shifts

