"""The target-value search of the locate-then-edit family, reference for EditLab's
`io.editlab.locate` `TargetValues`.

Mirrors the official code, kmeng01/rome `rome/compute_v.py` and kmeng01/memit `memit/compute_z.py`
(`compute_v`, `compute_z`): a free vector added to one module's output at the request's site (the
subject's last token, in every context prompt and in "{subject} is a"), Adam on the negative
log-likelihood of the target (mean over its tokens, averaged over the prompts) plus klFactor times
the KL divergence of the prediction after "{subject} is a" from the unedited one plus weightDecay
times |delta| / |h|^2, the vector's norm clamped to clampNormFactor |h| after every step, stopping
when the loss is below 0.05; the value is h + delta. Written for EditLab; no code was copied.
EditLab's choices, made the same way here (the kit's README, "Target values"): the requests of a
call are optimised together, each with its own vector, a request below 0.05 stops moving while the
others go on (its vector is put back after the step), the last of `steps` passes only measures,
and Adam is EditLab's editor kit's.
"""
import torch

from grace import Adam

CONVERGED = 5e-2
DESCRIPTION = " is a"


def compute(model, tokenizer, module, requests, steps, lr, clamp, kl_factor, weight_decay, position="subject_last"):
    """requests: [(prompt, target, subject)], the subject in the prompt. `position`: "subject_last"
    (the subject's last token; KL read there in "{subject} is a") or "last" (the prompt's last token;
    KL read at the last token of "{subject} is a"). Returns (values [n, width], the mean of the last
    losses, the passes run)."""
    n = len(requests)
    sites = []  # (prompt ids, target ids, position, owner, is description)
    for i, (prompt, target, subject) in enumerate(requests):
        end = len(prompt) if position == "last" else prompt.index(subject) + len(subject)
        sites.append((tokenizer.encode(prompt), tokenizer.encode(target), len(tokenizer.encode(prompt[:end])) - 1, i, False))
    for i, (prompt, target, subject) in enumerate(requests):
        if position == "last":
            ids = tokenizer.encode(subject + DESCRIPTION)
            sites.append((ids, tokenizer.encode(target), len(ids) - 1, i, True))
        else:
            ids = tokenizer.encode(subject)
            sites.append((ids, tokenizer.encode(DESCRIPTION.strip()), len(ids) - 1, i, True))
    width = model.config["n_embd"]
    delta = torch.zeros(n, width, requires_grad=True)
    adam = Adam([delta], lr)
    initial, kl_initial = [None] * n, [None] * n
    done, last = [False] * n, [0.0] * n
    passes = 0
    for it in range(steps):
        passes += 1
        before = delta.detach().clone()
        nll_rows, kl = [[] for _ in range(n)], [None] * n
        for prompt_ids, target_ids, position, owner, description in sites:
            def hook(x, y, position=position, owner=owner, description=description):
                if not description and initial[owner] is None:
                    initial[owner] = y[0, position].detach().clone()
                added = torch.zeros_like(y)
                added[0, position] = 1.0
                return y + added * delta[owner]
            model.hooks[module] = hook
            logits, log_probs, _ = model.teacher(prompt_ids, target_ids)
            if description:
                log_p = logits[0].log_softmax(-1)
                if kl_initial[owner] is None:
                    kl_initial[owner] = log_p.detach().clone()
                kl[owner] = (log_p.exp() * (log_p - kl_initial[owner])).sum()
            else:
                nll_rows[owner].append(log_probs)
        model.hooks.pop(module)
        each = []
        for i in range(n):
            nll = -torch.cat(nll_rows[i]).mean()
            norm = (delta[i].pow(2).sum() + 1e-12).sqrt()
            each.append(nll + kl_factor * kl[i] + weight_decay * norm / initial[i].pow(2).sum())
        for i in range(n):
            last[i] = float(each[i])
            done[i] = done[i] or last[i] < CONVERGED
        finished = all(done) or it == steps - 1
        if not finished:
            total = sum(e * (0.0 if d else 1.0) for e, d in zip(each, done))
            total.backward()
            adam.step()
        if finished:
            break
        with torch.no_grad():
            for i in range(n):
                if done[i]:
                    delta[i] = before[i]
                    continue
                bound = clamp * initial[i].norm()
                norm = delta[i].norm()
                if norm > bound:
                    delta[i] *= bound / norm
    values = torch.stack(initial) + delta.detach()
    return values, sum(last) / n, passes
