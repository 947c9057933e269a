"""Whole ROME, MEMIT and AlphaEdit edits, reference for EditLab's `io.editlab.rome`, `io.editlab.memit`
and `io.editlab.alphaedit` (the procedure of the kit `io.editlab.locate`, the key statistics of
`io.editlab.keystats`).

Mirrors the official code:
- key statistics, kmeng01/rome `rome/layer_stats.py` (`layer_stats`, the uncentred second moment
  "mom2" of an MLP output projection's input over every token of a corpus);
- ROME, `rome/rome_main.py` (`execute_rome`: one request at a time), `rome/compute_u.py` (the key,
  C^-1 k) and `rome/compute_v.py` (the value at the edited MLP's output, the right vector from the
  residual over the key's projection);
- MEMIT, kmeng01/memit `memit/memit_main.py` (`execute_memit`: target values at the last edited
  block, then layer by layer the keys on the model edited so far, the residual to the targets spread
  over the layers left, the closed form), `memit/compute_ks.py`, `memit/compute_z.py`;
- AlphaEdit, jianghoucheng/AlphaEdit `AlphaEdit/AlphaEdit_main.py`: MEMIT's procedure with the
  null-space projector and the earlier edits' keys (`cache_c`) added after each call.
The target values come from `target_values.py`, the updates from `closed_forms.py`. Written for
EditLab; no code was copied. EditLab's choices, made the same way here (the kit's README): no context
prefixes in these fixtures (the keys are the bare prompt's), the residual read at the value module on
the model as edited so far, the updates in float64 added to float32 deltas, AlphaEdit's earlier keys
read after the whole call on the edited model.
"""
import torch

import closed_forms
import target_values


def key_statistics(model, tokenizer, layer, texts):
    """C = (1/N) sum k k^T over every input token of every (prompt, continuation) text, float64."""
    module = f"transformer.h.{layer}.mlp.c_proj"
    seen = []
    model.hooks[module] = lambda x, y: seen.append(x[0].detach()) or y
    with torch.no_grad():
        for prompt, target in texts:
            model.teacher(tokenizer.encode(prompt), tokenizer.encode(target))
    model.hooks.pop(module)
    keys = torch.cat(seen).double()
    return keys.T @ keys / keys.shape[0]


def read(model, tokenizer, module, side, sites):
    """Each site's (prompt ids, position) input or output of `module`, [sites, width], on the model as it is."""
    rows = []
    for ids, position in sites:
        got = []
        model.hooks[module] = lambda x, y: got.append((x if side == "input" else y)[0, position].detach()) or y
        with torch.no_grad():
            model.hidden(torch.tensor([ids]))
        rows.append(got[0])
    model.hooks.pop(module)
    return torch.stack(rows)


def site(tokenizer, prompt, subject, position):
    """The subject's last token in the prompt (`subject_last`) or the prompt's last token (`last`)."""
    end = len(prompt) if position == "last" else prompt.index(subject) + len(subject)
    return tokenizer.encode(prompt), len(tokenizer.encode(prompt[:end])) - 1


class Rule:
    """A method's update per edited layer: `update(i, keys, residuals)` -> [out, in] float64."""

    def __init__(self, method, moments, options):
        self.method, self.moments, self.o = method, moments, options
        if method == "rome":
            self.inverses = [torch.linalg.inv(c) for c in moments]
        if method == "alphaedit":
            self.projectors = [closed_forms.null_space_projector(c, options["nullSpaceThreshold"]) for c in moments]
            self.previous = [torch.zeros_like(c) for c in moments]

    def update(self, i, keys, residuals):
        if self.method == "rome":
            return closed_forms.rome(keys[0], residuals[0], self.inverses[i])
        if self.method == "memit":
            return closed_forms.memit(keys, residuals, self.moments[i], self.o["covarianceWeight"])
        return closed_forms.alpha_edit(keys, residuals, self.projectors[i], self.previous[i], self.o["l2"])


def apply(model, tokenizer, rule, layers, requests, options):
    """One editor call over [(prompt, target, subject)]: ROME one request at a time, the others all
    at once. Returns the mean over groups of the target values' last losses."""
    o = options
    groups = [[r] for r in requests] if rule.method == "rome" else [requests]
    value_module = f"transformer.h.{layers[-1]}" + (".mlp" if rule.method == "rome" else "")
    losses = []
    for group in groups:
        values, loss, _ = target_values.compute(model, tokenizer, value_module, group, o["steps"], o["learningRate"],
                                                o["clampNormFactor"], o["klFactor"], o["weightDecay"],
                                                o["keyPosition"])
        losses.append(loss)
        values = values.double()
        sites = [site(tokenizer, p, s, o["keyPosition"]) for p, t, s in group]
        for i, layer in enumerate(layers):
            projection = f"transformer.h.{layer}.mlp.c_proj"
            keys = read(model, tokenizer, projection, "input", sites).double()
            current = read(model, tokenizer, value_module, "output", sites).double()
            update = rule.update(i, keys, (values - current) / (len(layers) - i))
            weight = projection + ".weight"
            base = model.params[weight.replace(".", "/")]
            model.deltas[weight] = model.deltas.get(weight, torch.zeros_like(base)) + update.T.float()
        if rule.method == "alphaedit":
            for i, layer in enumerate(layers):
                keys = read(model, tokenizer, f"transformer.h.{layer}.mlp.c_proj", "input", sites).double()
                rule.previous[i] += keys.T @ keys
    return sum(losses) / len(losses)
