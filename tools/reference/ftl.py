"""FT-L, the constrained fine-tuning baseline of ROME (Meng et al., 2022), reference for EditLab's
`ft-l` method (`io.editlab.ftl`).

Mirrors the official code, kmeng01/rome `baselines/ft/ft_main.py` (`execute_ft`): Adam on one
weight, a number of passes over the requests in mini-batches, no step when a mini-batch's loss is
below 0.01, after every step the weight clamped to within the norm constraint of its value at the
start of the call (elementwise), and the passes ending when a pass's mean loss is below 0.01.
Written for EditLab; no code was copied. EditLab's choices, made the same way here (the bundle's
README, "Whose choices"): the change is a session delta added to the frozen weight; the loss is the
mean negative log-probability over every target token of a mini-batch under teacher forcing; a
pass's loss is the mean of its mini-batches' losses weighted by their sizes; Adam as EditLab's
editor kit computes it.
"""
import torch

from grace import Adam

CONVERGED = 0.01


def apply(model, weight, completions, lr, passes, constraint, batch_size):
    """One apply call over [(prompt ids, target ids)]: returns (pass loss, passes run, steps taken)."""
    delta = model.deltas.setdefault(weight, torch.zeros_like(model.params[weight.replace(".", "/")]))
    start = delta.detach().clone()
    delta.requires_grad_(True)
    adam = Adam([delta], lr)
    pass_loss, run, taken = float("nan"), 0, 0
    while run < passes:
        run += 1
        total, counted = 0.0, 0
        for begin in range(0, len(completions), batch_size):
            part = completions[begin:begin + batch_size]
            log_probs = torch.cat([model.teacher(p, t)[1] for p, t in part])
            loss = -log_probs.mean()
            value = float(loss)
            if value >= CONVERGED:
                loss.backward()
                adam.step()
                taken += 1
                with torch.no_grad():
                    delta.copy_(torch.maximum(start - constraint, torch.minimum(delta, start + constraint)))
            total += value * len(part)
            counted += len(part)
        pass_loss = total / counted
        if pass_loss < CONVERGED:
            break
    delta.requires_grad_(False)
    return pass_loss, run, taken
