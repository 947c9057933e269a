"""UltraEdit (Gu et al., 2025), reference for EditLab's `ultraedit` method (`io.editlab.ultraedit`).

Mirrors the official code, XiaojieGu/UltraEdit (`editor/ultraedit.py` and its running normaliser):
per call, one forward and backward pass of the batch captures at every edited module its inputs k
and the gradient g of the loss at its outputs, on the rows that predict target tokens; running
statistics of the rows [k, g] over the whole stream (one set per module shape, shared by the
modules of that shape) normalise them; the pseudo-values are v = -lr |k^|^2 g^; each weight moves by
the ridge solution (K^T K + I)^-1 K^T V with the raw keys K. Written for EditLab; no code was
copied. EditLab's one choice that differs, made the same way here (the family README): the running
variance is combined with the exact parallel formula (Chan et al.) instead of adding each batch's
unbiased variance, which a batch of one row leaves undefined; the standard deviation is the sample
one over every row seen, zero before two rows; normalised = (x - mean) / (std + 1e-7).
"""
import torch


class RunningStatistics:
    def __init__(self, width):
        self.count = 0
        self.mean = torch.zeros(width, dtype=torch.float64)
        self.squares = torch.zeros(width, dtype=torch.float64)

    def update(self, rows):
        rows = rows.double()
        n = rows.shape[0]
        batch_mean = rows.mean(0)
        total = self.count + n
        delta = batch_mean - self.mean
        self.squares += ((rows - batch_mean) ** 2).sum(0) + delta * delta * self.count * n / total
        self.mean += delta * n / total
        self.count = total

    def normalise(self, rows):
        std = (self.squares / (self.count - 1)).sqrt() if self.count > 1 else torch.zeros_like(self.mean)
        return ((rows.double() - self.mean) / (std + 1e-7)).float()


def apply(model, modules, statistics, completions, lr):
    """One call over [(prompt ids, target ids)]; `statistics` maps a module to its (shared) running
    statistics. Returns the batch's loss before the edit; the shifts are added to model.deltas."""
    captured = {}

    def capture(name):
        def hook(x, y):
            probe = torch.zeros_like(y, requires_grad=True)  # its gradient is the loss's at the output
            captured.setdefault(name, []).append((x, probe))
            return y + probe
        return hook

    for name in modules:
        model.hooks[name] = capture(name)
    log_probs, rows = [], []
    for p, t in completions:
        log_probs.append(model.teacher(p, t)[1])
        rows.append(list(range(len(p) - 1, len(p) - 1 + len(t))))
    loss = -torch.cat(log_probs).mean()
    loss.backward()
    keys, gradients = {}, {}
    for name in modules:
        keys[name] = torch.cat([x[0, r].detach() for (x, _), r in zip(captured[name], rows)])
        gradients[name] = torch.cat([y.grad[0, r] for (_, y), r in zip(captured[name], rows)])
        model.hooks.pop(name)
    for name in modules:
        statistics[name].update(torch.cat([keys[name], gradients[name]], 1))
    shifts = {}
    for name in modules:
        k, g = keys[name], gradients[name]
        normalised = statistics[name].normalise(torch.cat([k, g], 1))
        k_hat, g_hat = normalised[:, :k.shape[1]].double(), normalised[:, k.shape[1]:].double()
        values = (-lr * (k_hat ** 2).sum(1, keepdim=True) * g_hat).float().double()
        kd = k.double()
        gram = kd.T @ kd + torch.eye(kd.shape[1], dtype=torch.float64)
        shifts[name] = torch.linalg.inv(gram) @ (kd.T @ values)
    for name in modules:
        weight = name + ".weight"
        base = model.params[weight.replace(".", "/")]
        model.deltas[weight] = model.deltas.get(weight, torch.zeros_like(base)) + shifts[name].float()
    return float(loss), shifts
