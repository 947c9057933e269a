"""GRACE (Hartvigsen et al., 2023), reference for EditLab's `io.editlab.grace` editor.

Mirrors the official code, Thartvigsen/GRACE `grace/editors/grace.py`: the class `GRACEAdapter`
(keys, values, epsilons and key labels of one wrapped layer; `add_key`; `split_epsilons_in_half`;
`forward`: the query is the layer's input at the edit token, the codebook is searched with the
Euclidean distance, the nearest key's value replaces the layer's output where the query lies within
its epsilon) and `GRACE.edit` (`n_iter` Adam steps on the values). Written for EditLab; no code was
copied. Where EditLab's editor makes another choice, this reference makes the same one (the GRACE
bundle's README, "what is ours"):
- the value of a new entry starts at the layer's own output for the query ("warm" in the official
  configuration; its default is "cold", random);
- only the entry the edit landed on is trained (the official code passes every value to Adam, but
  only the chosen one has a gradient), with Adam as EditLab's editor kit computes it (below);
- same label, beyond the radius: the radius grows to the distance times (1 + 1e-4) (official:
  exactly the distance, `eps_expand: coverage`), so the key recomputed in another pass stays covered;
- another label: the old radius becomes min(radius, d / 2) (official: d / 2 - 1e-5) and the new one
  min(epsilon, d / 2) (official: d / 2); at d = 0 the entry takes the new label instead;
- `replacement` "all": every position of a covered sequence gets the value (official
  `replace_all`); the query is the last prompt token.
"""
import torch


class Adam:
    """Adam as EditLab's editor kit runs it (DJL's fused update): m and v as usual, and
    w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps, self.t = params, lr, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self):
        self.t += 1
        b1, b2 = self.betas
        corrected = self.lr * (1 - b2 ** self.t) ** 0.5 / (1 - b1 ** self.t)
        for p, m, v in zip(self.params, self.m, self.v):
            m.mul_(b1).add_(p.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            p.sub_(corrected * m / (v.sqrt() + self.eps))
            p.grad = None


class GRACEAdapter:
    """The codebook of one wrapped layer and its forward hook."""

    COVER_MARGIN = 1e-4

    def __init__(self, init_epsilon):
        self.init_epsilon = init_epsilon
        self.keys, self.values, self.epsilons, self.key_labels = [], [], [], []
        self.query_position = -1
        self.last_query = None
        self.last_output = None

    def nearest(self, query):
        """(index, distance) of the nearest key (the first of equals), or (None, inf)."""
        if not self.keys:
            return None, float("inf")
        dists = torch.stack([torch.dist(k.double(), query.double()) for k in self.keys])
        i = int(torch.argmin(dists))
        return i, float(dists[i].float())

    def add_key(self, key, value, epsilon, label):
        self.keys.append(key.detach().clone())
        self.values.append(value.detach().clone())
        self.epsilons.append(epsilon)
        self.key_labels.append(label)
        return len(self.keys) - 1

    def split_epsilons_in_half(self, nearest, distance, key, value, label):
        half = distance / 2
        self.epsilons[nearest] = min(self.epsilons[nearest], half)
        return self.add_key(key, value, min(self.init_epsilon, half), label)

    def place(self, key, value, label, expand=True):
        """GRACE's rules for a new edit's key; returns the index of the entry to train."""
        i, d = self.nearest(key)
        if i is None or d > self.epsilons[i] + self.init_epsilon:
            return self.add_key(key, value, self.init_epsilon, label)
        if self.key_labels[i] == label:
            if d <= self.epsilons[i]:
                return i
            if not expand:
                return self.add_key(key, value, self.init_epsilon, label)
            self.epsilons[i] = d * (1 + self.COVER_MARGIN)
            return i
        if d == 0:
            self.key_labels[i] = label
            return i
        return self.split_epsilons_in_half(i, d, key, value, label)

    def forward(self, layer_input, layer_out):
        """The hook: remembers the query and the layer's own output, replaces covered outputs."""
        query = layer_input[0, self.query_position]
        self.last_query, self.last_output = query.detach(), layer_out[0, self.query_position].detach()
        i, d = self.nearest(query.detach())
        if i is None or d > self.epsilons[i]:
            return layer_out
        return self.values[i].reshape(1, 1, -1).expand_as(layer_out)


def edit(model, tokenizer, adapter, module, prompt, target, lr, steps):
    """GRACE.edit for one request: one pass for the key, the placement, `steps` Adam steps on the
    chosen value. Returns (entry index, the loss of every step before its update, the loss after
    the last step)."""
    p, t = tokenizer.encode(prompt), tokenizer.encode(target)
    adapter.query_position = len(p) - 1
    model.hooks[module] = adapter.forward
    with torch.no_grad():
        model.teacher(p, t)
    index = adapter.place(adapter.last_query, adapter.last_output, target)
    value = adapter.values[index]
    value.requires_grad_(True)
    optimiser = Adam([value], lr)
    losses = []
    for _ in range(steps):
        loss = model.teacher(p, t)[2]
        losses.append(float(loss))
        loss.backward()
        optimiser.step()
    value.requires_grad_(False)
    with torch.no_grad():
        after = float(model.teacher(p, t)[2])
    return index, losses, after
