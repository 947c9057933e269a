"""ELDER (Li et al., AAAI 2025), reference for EditLab's `io.editlab.elder` editor with its router
(`io.editlab.elder.router`, `elder-topk`) and guided loss (`io.editlab.elder.loss`, `elder-guided`).

Mirrors the official code, JiaangL/ELDER `peft_egg/src/peft/tuners/elder.py`: `Gate` (a linear
router, softmax, the top-k probabilities as gates, and the guided loss -log P of the preset experts
summed and divided by the batch), `ElderLinear.forward` (every LoRA's output, weighted by the gates
and added to the frozen layer's output where the sequence is in the edit scope), and
`ElderGraceLinear` (`get_bin_code`: each layer's top-k selection as a k-hot row, concatenated;
`discriminate`: in scope when the smallest Hamming distance to a recorded code is below the
threshold). The editing loop (a fresh Adam per batch, StepLR, the codes of the batch recorded after
its last step) follows MELO's, which the official code runs. Written for EditLab; no code was
copied. EditLab's choices, made the same way here (the ELDER README, "Paper, code and ours"):
- the query is the input of the query module at the last prompt token, detached; it routes every
  mixture layer; the gate of one sequence is used for all its tokens;
- LoRAs stacked per layer as a [N, in, r] and b [N, r, out], scaled by alpha / r; routers [N, d_q]
  with an optional bias; LoRAs and routers in two Adam groups with their own learning rates, both
  multiplied by gamma every step_size steps; Adam as EditLab's editor kit computes it;
- the guided loss clips probabilities to at least 1e-12 before the log; the total loss is the
  teacher-forced mean over every target token of the batch plus guidance times the guided loss;
- codes are recorded from an inference pass over the batch after training; with no codes recorded
  nothing is in scope.
"""
import torch

from grace import Adam


class Gate:
    """One layer's router: probabilities, top-k selection and gates of queries [B, d_q]."""

    def __init__(self, weight, bias):
        self.weight, self.bias = weight, bias

    def __call__(self, query, top_k):
        scores = query @ self.weight.T + (0 if self.bias is None else self.bias)
        probabilities = scores.softmax(-1)
        index = torch.topk(probabilities.detach(), top_k, dim=-1).indices
        selected = torch.zeros_like(probabilities).scatter_(1, index, 1.0)
        return probabilities, probabilities * selected, selected


def guided_loss(probabilities, masks):
    """(1/B) sum_b sum_l sum_e mask * -log P, probabilities and masks [B, L, N]."""
    return -(probabilities.clamp(1e-12, 1.0).log() * masks).sum() / probabilities.shape[0]


class Elder:
    """The editor's state and its hooks: `layers` mixture modules (module names), the query module
    (read at its input, before a mixture at the same module acts), LoRA and router tensors by layer,
    the code memory and the label allocations."""

    def __init__(self, model, modules, query_module, tensors, options, codes, allocations):
        self.model, self.modules, self.query_module, self.options = model, modules, query_module, options
        self.a = [tensors[f"layer{l}.a"].clone() for l in range(len(modules))]
        self.b = [tensors[f"layer{l}.b"].clone() for l in range(len(modules))]
        self.router = [tensors[f"layer{l}.router"].clone() for l in range(len(modules))]
        self.bias = [tensors.get(f"layer{l}.bias") for l in range(len(modules))]
        self.bias = [None if b is None else b.clone() for b in self.bias]
        self.codes = [c.clone() for c in codes]  # each [L * N] of 0/1
        self.allocations = dict(allocations)  # label -> [L][k] LoRA indices
        self.training = False
        self.pass_state = {}

    def gates(self, l):
        return Gate(self.router[l], self.bias[l])

    def code(self, query):
        """get_bin_code: each layer's top-k selection, concatenated [B, L * N]."""
        with torch.no_grad():
            return torch.cat([self.gates(l)(query, self.options["topK"])[2] for l in range(len(self.modules))], 1)

    def in_scope(self, code):
        """discriminate: [B] booleans, the smallest Hamming distance below the threshold."""
        if not self.codes:
            return torch.zeros(code.shape[0], dtype=torch.bool), [None] * code.shape[0]
        memory = torch.stack(self.codes)
        distances = (code.unsqueeze(1) != memory.unsqueeze(0)).sum(2).min(1).values
        return distances < self.options["threshold"], distances.tolist()

    def hook(self, module):
        def run(x, y):
            if module == self.query_module:
                query = x[:, self.pass_state["position"]].detach()
                self.pass_state["query"] = query
                if self.training:
                    self.pass_state["scope"] = torch.ones(query.shape[0], dtype=torch.bool)
                else:
                    code = self.code(query)
                    self.pass_state["code"] = code
                    self.pass_state["scope"], self.pass_state["distance"] = self.in_scope(code)
            if module not in self.modules:
                return y
            l = self.modules.index(module)
            probabilities, gates, _ = self.gates(l)(self.pass_state["query"], self.options["topK"])
            self.pass_state.setdefault("probabilities", {})[l] = probabilities
            experts = torch.stack([x @ self.a[l][e] @ self.b[l][e] for e in range(self.a[l].shape[0])], 1)
            scale = self.options["alpha"] / self.options["rank"]
            lora = torch.einsum("belh,be->blh", experts, gates) * scale
            scope = self.pass_state["scope"].view(-1, 1, 1)
            return torch.where(scope, y + lora, y)

        return run

    def install(self):
        for module in set(self.modules + [self.query_module]):
            self.model.hooks[module] = self.hook(module)

    def run(self, prompt_ids, target_ids):
        """One sequence through the model with the hooks: (log-probabilities of its targets, pass state)."""
        self.pass_state = {"position": len(prompt_ids) - 1}
        _, log_probs, _ = self.model.teacher(prompt_ids, target_ids)
        return log_probs, self.pass_state

    def mask(self, label):
        n = self.a[0].shape[0]
        rows = torch.zeros(len(self.modules), n)
        for l, experts in enumerate(self.allocations[label]):
            rows[l, experts] = 1.0
        return rows

    def loss(self, batch):
        """LM loss (mean over every target token) + guidance * guided loss, and both parts."""
        log_probs, probabilities = [], []
        for p, t, _ in batch:
            lp, state = self.run(p, t)
            log_probs.append(lp)
            probabilities.append(torch.stack([state["probabilities"][l] for l in range(len(self.modules))], 1))
        lm = -torch.cat(log_probs).mean()
        masks = torch.stack([self.mask(label) for _, _, label in batch])
        guided = guided_loss(torch.cat(probabilities, 0), masks)
        return lm + self.options["guidance"] * guided, lm, guided

    def apply(self, batch):
        """One edit batch [(prompt ids, target ids, label)]: the training loop, then the batch's codes
        recorded. Returns the loss of every step (before its update)."""
        lora = self.a + self.b
        routers = self.router + [b for b in self.bias if b is not None]
        for p in lora + routers:
            p.requires_grad_(True)
        optimisers = [Adam(lora, self.options["learningRate"]), Adam(routers, self.options["routerLearningRate"])]
        losses = []
        self.training = True
        for step in range(1, self.options["iterations"] + 1):
            total, _, _ = self.loss(batch)
            losses.append(float(total))
            total.backward()
            for optimiser in optimisers:
                optimiser.step()
            if self.options["stepSize"] > 0 and step % self.options["stepSize"] == 0:
                for optimiser in optimisers:
                    optimiser.lr *= self.options["gamma"]
        self.training = False
        for p in lora + routers:
            p.requires_grad_(False)
        with torch.no_grad():
            for p, t, _ in batch:
                self.codes.append(self.run(p, t)[1]["code"][0])
        return losses
