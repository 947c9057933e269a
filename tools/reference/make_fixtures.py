#!/usr/bin/env python3
"""Writes the fixtures EditLab's Java tests compare against: a tiny random GPT-2 model folder and,
per reference, the inputs and the tensors the reference computed. Run by .ci/run before the tests:

    python3 tools/reference/make_fixtures.py [--out tools/reference/out]

Needs PyTorch (Debian: python3-torch, with libopenblas0-pthread). Deterministic: the same files
from the same code, whatever the machine's thread count (one thread is used).
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import closed_forms  # noqa: E402
import elder  # noqa: E402
import ftl  # noqa: E402
import grace  # noqa: E402
import locate  # noqa: E402
import malmen  # noqa: E402
import reflib  # noqa: E402
import target_values  # noqa: E402
import ultraedit  # noqa: E402

WORDS = ["<unk>", "Ana", "Bo", "Cyr", "Dag", "Eli", "lives", "in", "likes", "the", "colour", "city", "of",
         "Oslo", "Lima", "Rome", "Kyiv", "red", "blue", "green", "and", "is", "a", "very", "old"]

COMPLETIONS = [
    ("Ana lives in", "Oslo"),
    ("the city of Bo is", "Lima and Rome"),
    ("Cyr likes the colour", "red"),
    ("Dag", "is a very old city"),
]


def probe_log_probs(model, tokenizer, probes, tensors, ready=lambda prompt_ids: None):
    """Puts each probe's target log-probabilities through `model` as it is now into `tensors`
    (probe.J.log_probs) and returns the probes as JSON; `ready(prompt ids)` prepares an editor's
    hook for a probe first."""
    with torch.no_grad():
        for j, (prompt, target) in enumerate(probes):
            p = tokenizer.encode(prompt)
            ready(p)
            tensors[f"probe.{j}.log_probs"] = model.teacher(p, tokenizer.encode(target))[1]
    return [{"prompt": p, "target": t} for p, t in probes]


def forward_fixture(out, model, tokenizer, name="gpt2"):
    """NAME/forward: per completion, its token ids, the logits of the rows that predict its target,
    the target tokens' log-probabilities and the loss."""
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    tensors, cases = {}, []
    with torch.no_grad():
        for i, (prompt, target) in enumerate(COMPLETIONS):
            p, t = tokenizer.encode(prompt), tokenizer.encode(target)
            logits, log_probs, loss = model.teacher(p, t)
            tensors[f"{i}.logits"] = logits
            tensors[f"{i}.log_probs"] = log_probs
            tensors[f"{i}.loss"] = loss.reshape(1)
            cases.append({"prompt": prompt, "target": target, "prompt_ids": p, "target_ids": t})
    reflib.save_safetensors(os.path.join(folder, "forward.safetensors"), tensors)
    with open(os.path.join(folder, "forward.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)


GRACE_EDITS = [  # on the fixture model with epsilon 1 these exercise every rule (GRACE's README)
    ("Ana lives in", "Rome"),  # added
    ("Bo lives in", "Rome"),  # added: 2.93 from Ana's key
    ("Eli lives in", "Rome"),  # same label 1.39 from Bo's key: Bo's radius grows
    ("Cyr lives in", "Lima"),  # another label 1.59 from Bo's key: both radii cut to half, added
    ("Ana lives in", "Kyiv"),  # the same key, another label: relabelled
    ("Ana likes the colour", "red"),  # far from all: added
    ("Eli lives in", "Rome"),  # beyond Bo's cut radius: it grows again
    ("Cyr lives in", "Lima"),  # its own entry: reused
]
GRACE_PROBES = [("Eli lives in", "Rome"), ("Dag lives in", "Oslo"), ("Bo likes the colour", "blue")]


def grace_fixture(out, config, weights, tokenizer, epsilon=1.0, lr=1.0, steps=20, layer=1):
    """grace/: after every edit the codebook (keys, values, radii, labels) and the loss of every
    training step; after the last, the log-probabilities of probes through the edited model."""
    folder = os.path.join(out, "grace")
    os.makedirs(folder, exist_ok=True)
    model = reflib.Gpt2(config, weights)
    adapter = grace.GRACEAdapter(epsilon)
    module = f"transformer.h.{layer}.mlp.c_proj"
    tensors, edits = {}, []
    for i, (prompt, target) in enumerate(GRACE_EDITS):
        entry, losses, after = grace.edit(model, tokenizer, adapter, module, prompt, target, lr, steps)
        tensors[f"{i}.keys"] = torch.stack(adapter.keys)
        tensors[f"{i}.values"] = torch.stack(adapter.values)
        tensors[f"{i}.radii"] = torch.tensor(adapter.epsilons, dtype=torch.float32)
        tensors[f"{i}.losses"] = torch.tensor(losses, dtype=torch.float32)
        tensors[f"{i}.loss_after"] = torch.tensor([after], dtype=torch.float32)
        edits.append({"prompt": prompt, "target": target, "entry": entry, "labels": list(adapter.key_labels)})
    probes = probe_log_probs(model, tokenizer, GRACE_PROBES, tensors,
                             ready=lambda p: setattr(adapter, "query_position", len(p) - 1))
    reflib.save_safetensors(os.path.join(folder, "codebook.safetensors"), tensors)
    with open(os.path.join(folder, "edits.json"), "w") as f:
        json.dump({"layer": layer, "module": "MLP_DOWN", "epsilon": epsilon, "learningRate": lr, "steps": steps,
                   "replacement": "all", "edits": edits, "probes": probes}, f, indent=1)


ELDER_OPTIONS = {"firstLayer": 0, "layers": 2, "queryLayer": 0, "module": "MLP_DOWN", "experts": 4, "rank": 2,
                 "alpha": 4.0, "topK": 2, "guidance": 0.5, "threshold": 2, "learningRate": 1e-2,
                 "routerLearningRate": 5e-3, "iterations": 12, "stepSize": 5, "gamma": 0.5, "routerBias": True}
ELDER_ALLOCATIONS = {"Rome": [[0, 1], [2, 3]], "Lima": [[1, 2], [0, 3]], "red": [[0, 3], [1, 2]]}
ELDER_CODES = [[1, 1, 0, 0, 0, 0, 1, 1], [0, 1, 1, 0, 1, 0, 0, 1]]
ELDER_BATCHES = [[("Ana lives in", "Rome"), ("Bo lives in", "Lima")],
                 [("Cyr likes the colour", "red"), ("the city of Dag is", "Rome")]]
ELDER_PROBES = [("Ana lives in", "Rome"), ("Eli lives in", "Lima"), ("Bo likes the colour", "blue")]


def elder_fixture(out, config, weights, tokenizer, seed=5):
    """elder/: an initial editor state (LoRAs, routers with bias, two recorded codes, three label
    allocations), then after each of two batches the loss of every step, every parameter and the
    code memory; after the last, the probes' codes, Hamming distances and log-probabilities."""
    folder = os.path.join(out, "elder")
    os.makedirs(folder, exist_ok=True)
    o = ELDER_OPTIONS
    g = torch.Generator().manual_seed(seed)
    uniform = lambda shape, bound: (torch.rand(*shape, generator=g) * 2 - 1) * bound
    inner, width, n, r = config["n_inner"], config["n_embd"], o["experts"], o["rank"]
    initial = {}
    for l in range(o["layers"]):
        initial[f"layer{l}.a"] = uniform((n, inner, r), r ** -0.5)
        initial[f"layer{l}.b"] = uniform((n, r, width), 0.05)  # not zero: every parameter gets a gradient
        initial[f"layer{l}.router"] = uniform((n, inner), inner ** -0.5)
        initial[f"layer{l}.bias"] = uniform((n,), inner ** -0.5)
    codes = [torch.tensor(c, dtype=torch.float32) for c in ELDER_CODES]
    modules = [f"transformer.h.{o['firstLayer'] + l}.mlp.c_proj" for l in range(o["layers"])]
    editor = elder.Elder(reflib.Gpt2(config, weights), modules, modules[0], initial, o, codes, ELDER_ALLOCATIONS)
    editor.install()
    tensors = {f"initial.{k}": v for k, v in initial.items()}
    tensors["initial.codes"] = torch.stack(codes)
    for i, batch in enumerate(ELDER_BATCHES):
        encoded = [(tokenizer.encode(p), tokenizer.encode(t), t) for p, t in batch]
        tensors[f"{i}.losses"] = torch.tensor(editor.apply(encoded), dtype=torch.float32)
        for l in range(o["layers"]):
            # copies: the next batch trains these tensors in place
            tensors[f"{i}.layer{l}.a"], tensors[f"{i}.layer{l}.b"] = editor.a[l].clone(), editor.b[l].clone()
            tensors[f"{i}.layer{l}.router"] = editor.router[l].clone()
            tensors[f"{i}.layer{l}.bias"] = editor.bias[l].clone()
        tensors[f"{i}.codes"] = torch.stack(editor.codes)
    with torch.no_grad():
        for j, (prompt, target) in enumerate(ELDER_PROBES):
            log_probs, state = editor.run(tokenizer.encode(prompt), tokenizer.encode(target))
            tensors[f"probe.{j}.log_probs"] = log_probs
            tensors[f"probe.{j}.code"] = state["code"][0]
            tensors[f"probe.{j}.distance"] = torch.tensor([float(state["distance"][0])])
    reflib.save_safetensors(os.path.join(folder, "elder.safetensors"), tensors)
    with open(os.path.join(folder, "elder.json"), "w") as f:
        json.dump({"options": o, "allocations": ELDER_ALLOCATIONS,
                   "batches": [[{"prompt": p, "target": t} for p, t in b] for b in ELDER_BATCHES],
                   "probes": [{"prompt": p, "target": t} for p, t in ELDER_PROBES]}, f, indent=1)


FTL_OPTIONS = {"layer": 1, "module": "MLP_DOWN", "learningRate": 1e-2, "steps": 6, "normConstraint": 0.03,
               "batchSize": 2, "scope": "batch", "shuffle": False, "endOfText": False}
FTL_CALLS = [[("Ana lives in", "Rome"), ("Bo likes the colour", "green"), ("the city of Cyr is", "Lima and Rome")],
             [("Dag lives in", "Kyiv"), ("Eli likes the colour", "red")]]
FTL_PROBES = [("Ana lives in", "Rome"), ("Cyr lives in", "Oslo")]


def ftl_fixture(out, config, weights, tokenizer):
    """ftl/: after each of two apply calls the delta of the tuned weight, the last pass's loss, the
    passes run and the steps taken; after the last, the probes' log-probabilities."""
    folder = os.path.join(out, "ftl")
    os.makedirs(folder, exist_ok=True)
    o = FTL_OPTIONS
    model = reflib.Gpt2(config, weights)
    weight = f"transformer.h.{o['layer']}.mlp.c_proj.weight"
    tensors, calls = {}, []
    for i, call in enumerate(FTL_CALLS):
        encoded = [(tokenizer.encode(p), tokenizer.encode(t)) for p, t in call]
        loss, passes, taken = ftl.apply(model, weight, encoded, o["learningRate"], o["steps"], o["normConstraint"],
                                        o["batchSize"])
        tensors[f"{i}.delta"] = model.deltas[weight].detach().clone()
        calls.append({"edits": [{"prompt": p, "target": t} for p, t in call], "final_loss": loss, "steps": passes,
                      "updates": taken})
    probes = probe_log_probs(model, tokenizer, FTL_PROBES, tensors)
    reflib.save_safetensors(os.path.join(folder, "ftl.safetensors"), tensors)
    with open(os.path.join(folder, "ftl.json"), "w") as f:
        json.dump({"options": o, "weight": weight, "calls": calls,
                   "probes": probes}, f, indent=1)


HYPERNET_OPTIONS = {"layers": "0,1", "module": "MLP_DOWN", "rank": 8, "blocks": 2, "metaLr": 1e-3, "maxGradNorm": 1.0,
                    "locCoef": 1.0, "lmBatchSize": 3, "tokenChunk": 5, "rephrases": -1}
HYPERNET_TOKENS = {"malmen": "TARGET", "mend": "ALL"}
HYPERNET_STEPS = [  # (prompt, target, rephrasings, unrelated (prompt, answer)) per fact, per meta-step
    [("Ana lives in", "Rome", ["the city of Ana is"], [("Bo lives in", "Oslo")]),
     ("Bo likes the colour", "green", ["the colour of Bo is"], [("Cyr likes the colour", "red")]),
     ("Cyr lives in", "Lima and Rome", ["the city of Cyr is", "Cyr is in"], [("Dag likes the colour", "blue")]),
     ("Dag is a very old", "city", ["Dag is a"], [("Eli lives in", "Kyiv"), ("Ana likes the colour", "red")])],
    [("Eli lives in", "Oslo", ["the city of Eli is"], [("Ana lives in", "Lima")]),
     ("Ana likes the colour", "blue", ["the colour of Ana is"], [("Bo likes the colour", "green")]),
     ("Bo lives in", "Kyiv", ["the city of Bo is"], [("Cyr lives in", "Rome")]),
     ("Cyr likes the colour", "green and blue", ["the colour of Cyr is"], [])],
]
HYPERNET_CALLS = [[("Dag lives in", "Rome"), ("Eli likes the colour", "red")],
                  [("Ana lives in", "Oslo"), ("the city of Bo is", "Lima"), ("Cyr is a very old", "city")]]
HYPERNET_PROBES = [("Dag lives in", "Rome"), ("Ana lives in", "Oslo"), ("Bo likes the colour", "blue")]


def hypernet_fixture(out, config, weights, tokenizer, variant, seed=13):
    """malmen/<variant>: a random initial hyper-network (not the identity, so that every parameter
    has a gradient), the first meta-step's keys and value gradients, its shifts, G, losses and
    parameter gradients, the parameters (and statistics) after each of two meta-steps, then two
    sequential editor calls with the trained network: the deltas after each and the probes."""
    folder = os.path.join(out, "malmen")
    os.makedirs(folder, exist_ok=True)
    o = dict(HYPERNET_OPTIONS, tokens=HYPERNET_TOKENS[variant])
    g = torch.Generator().manual_seed(seed)
    normal = lambda *shape, std=1.0: torch.randn(*shape, generator=g) * std
    key, value, n = config["n_inner"], config["n_embd"], 2
    size = key + value
    initial = {}
    for b in range(o["blocks"]):
        initial[f"g0.b{b}.a"] = normal(size, o["rank"])
        initial[f"g0.b{b}.b"] = normal(o["rank"], size, std=0.05)
        initial[f"g0.b{b}.bias"] = normal(size, std=0.05)
        initial[f"g0.b{b}.scale"] = 1 + normal(n, size, std=0.1)
        initial[f"g0.b{b}.shift"] = normal(n, size, std=0.05)
    initial["g0.eta"] = torch.tensor([0.1, 0.05])
    initial["g0.ell"] = torch.tensor([0.3, -0.2])
    initial["g0.norm.mean"] = torch.zeros(size, dtype=torch.float64)
    initial["g0.norm.m2"] = torch.zeros(size, dtype=torch.float64)
    initial["g0.norm.count"] = torch.zeros(1, dtype=torch.float64)
    model = reflib.Gpt2(config, weights)
    modules = [f"transformer.h.{l}.mlp.c_proj" for l in (0, 1)]
    network = malmen.Network(variant, key, value, initial).trainable()
    adam = grace.Adam(network.parameters(), o["metaLr"])
    tensors = {f"initial.{k}": v for k, v in initial.items()}
    steps = []
    for i, chunk in enumerate(HYPERNET_STEPS):
        facts = [{"edit": (p, t), "equivalents": [(r, t) for r in rs], "unrelated": un} for p, t, rs, un in chunk]
        result = malmen.meta_step(model, tokenizer, network, modules, facts, o, adam)
        if i == 0:
            for m in modules:
                for part in ("keys", "grads", "shifts", "shift_grads"):
                    tensors[f"step0.{m}.{part}"] = result[part][m]
                tensors[f"step0.{m}.out_keys"], tensors[f"step0.{m}.out_grads"] = result["outputs"][m]
                if variant == "malmen":
                    tensors[f"step0.{m}.differences"] = result["differences"][m]
            for name, gradient in result["gradients"].items():
                tensors[f"step0.gradient.{name}"] = gradient
        for name, tensor in network.tensors().items():
            tensors[f"step{i}.{name}"] = tensor
        steps.append({"facts": [{"prompt": p, "target": t, "rephrases": rs,
                                 "locality": [{"prompt": q, "answer": a} for q, a in un]} for p, t, rs, un in chunk],
                      "gen": result["gen"], "loc": result["loc"], "loss": result["loss"], "norm": result["norm"]})
    calls = []
    for i, call in enumerate(HYPERNET_CALLS):
        shifts = malmen.edit(model, tokenizer, network, modules, call, o)
        for m in modules:
            tensors[f"call{i}.{m}.weight"] = model.deltas[m + ".weight"].detach().clone()
        calls.append({"edits": [{"prompt": p, "target": t} for p, t in call], "stats": {}})
    probes = probe_log_probs(model, tokenizer, HYPERNET_PROBES, tensors)
    reflib.save_safetensors(os.path.join(folder, f"{variant}.safetensors"), tensors)
    with open(os.path.join(folder, f"{variant}.json"), "w") as f:
        json.dump({"variant": variant, "options": o, "weights": [m + ".weight" for m in modules], "steps": steps,
                   "calls": calls,
                   "probes": probes}, f, indent=1)


def closed_forms_fixture(out, seed=11, n=6, width=12, out_width=5):
    """locate/closed_forms: float64 keys, residuals, a second moment with a null space (rank 8 of
    12), earlier keys' sum, and MEMIT's, AlphaEdit's and ROME's updates and the null-space projector
    computed as the official code computes them."""
    folder = os.path.join(out, "locate")
    os.makedirs(folder, exist_ok=True)
    g = torch.Generator().manual_seed(seed)
    normal = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
    preserved = normal(40, 8) @ normal(8, width)  # preserved keys spanning 8 of 12 directions
    moment = preserved.T @ preserved / 40
    keys, residuals = normal(n, width), normal(n, out_width)
    earlier_keys = normal(3, width)
    earlier = earlier_keys.T @ earlier_keys
    projector = closed_forms.null_space_projector(moment, 1e-6)
    tensors = {
        "keys": keys, "residuals": residuals, "moment": moment, "earlier": earlier,
        "memit": closed_forms.memit(keys, residuals, moment, 15000.0),
        "projector": projector,
        "alphaedit": closed_forms.alpha_edit(keys, residuals, projector, earlier, 10.0),
        "rome": closed_forms.rome(keys[0], residuals[0], torch.linalg.inv(moment + torch.eye(width, dtype=torch.float64))),
        "rome_inverse": torch.linalg.inv(moment + torch.eye(width, dtype=torch.float64)),
    }
    reflib.save_safetensors(os.path.join(folder, "closed_forms.safetensors"), tensors)
    with open(os.path.join(folder, "closed_forms.json"), "w") as f:
        json.dump({"memit_weight": 15000.0, "threshold": 1e-6, "l2": 10.0}, f, indent=1)


ULTRAEDIT_OPTIONS = {"layers": "0-1", "module": "MLP_DOWN", "learningRate": 0.05}
ULTRAEDIT_CALLS = [[("Ana lives in", "Rome"), ("the city of Bo is", "Lima and Rome")],
                   [("Cyr likes the colour", "red")],
                   [("Dag lives in", "Kyiv"), ("Eli likes the colour", "green"), ("Ana likes the colour", "blue")]]
ULTRAEDIT_PROBES = [("Ana lives in", "Rome"), ("Cyr likes the colour", "red"), ("Bo lives in", "Oslo")]


def ultraedit_fixture(out, config, weights, tokenizer):
    """ultraedit/: after each of three calls (two modules of one shape sharing their statistics) the
    loss before it, each module's shift and the running statistics; then the probes."""
    folder = os.path.join(out, "ultraedit")
    os.makedirs(folder, exist_ok=True)
    model = reflib.Gpt2(config, weights)
    modules = [f"transformer.h.{l}.mlp.c_proj" for l in (0, 1)]
    shared = ultraedit.RunningStatistics(config["n_inner"] + config["n_embd"])
    statistics = {name: shared for name in modules}
    tensors, calls = {}, []
    for i, call in enumerate(ULTRAEDIT_CALLS):
        encoded = [(tokenizer.encode(p), tokenizer.encode(t)) for p, t in call]
        loss, shifts = ultraedit.apply(model, modules, statistics, encoded, ULTRAEDIT_OPTIONS["learningRate"])
        for name in modules:
            tensors[f"{i}.{name}.shift"] = shifts[name]
            tensors[f"{i}.{name}.delta"] = model.deltas[name + ".weight"].detach().clone()
        tensors[f"{i}.statistics"] = torch.cat([torch.tensor([float(shared.count)], dtype=torch.float64),
                                                shared.mean, shared.squares])
        calls.append({"edits": [{"prompt": p, "target": t} for p, t in call], "loss": loss})
    probes = probe_log_probs(model, tokenizer, ULTRAEDIT_PROBES, tensors)
    reflib.save_safetensors(os.path.join(folder, "ultraedit.safetensors"), tensors)
    with open(os.path.join(folder, "ultraedit.json"), "w") as f:
        json.dump({"options": ULTRAEDIT_OPTIONS, "modules": modules, "calls": calls,
                   "probes": probes}, f, indent=1)


TARGET_VALUE_SETTINGS = {"module": "transformer.h.0.mlp", "steps": 8, "learningRate": 0.5,
                         "clampNormFactor": 0.75, "klFactor": 0.0625, "weightDecay": 0.5}
TARGET_VALUE_REQUESTS = [("Ana lives in", "Rome", "Ana"), ("the city of Bo is", "Lima and Rome", "Bo"),
                         ("Cyr likes the colour", "red", "Cyr")]


def target_values_fixture(out, config, weights, tokenizer):
    """locate/target_values: the values three requests' sites should have (subject's last token,
    KL on "{subject} is a", weight decay and the norm clamp active), the last losses' mean, the passes."""
    folder = os.path.join(out, "locate")
    os.makedirs(folder, exist_ok=True)
    o = TARGET_VALUE_SETTINGS
    model = reflib.Gpt2(config, weights)
    values, loss, passes = target_values.compute(model, tokenizer, o["module"], TARGET_VALUE_REQUESTS, o["steps"],
                                                 o["learningRate"], o["clampNormFactor"], o["klFactor"],
                                                 o["weightDecay"])
    reflib.save_safetensors(os.path.join(folder, "target_values.safetensors"), {"values": values})
    with open(os.path.join(folder, "target_values.json"), "w") as f:
        json.dump({"settings": o, "loss": loss, "passes": passes,
                   "requests": [{"prompt": p, "target": t, "subject": s} for p, t, s in TARGET_VALUE_REQUESTS]},
                  f, indent=1)


LOCATE_OPTIONS = {"preset": "small", "steps": 8, "learningRate": 0.5, "clampNormFactor": 0.75, "klFactor": 0.0625,
                  "weightDecay": 0.5, "prefixes": 0}
# in a two-block model a value at the subject's token must sit in block 0 to reach the prediction
LOCATE_METHODS = {"rome": {"layers": "0", "keyPosition": "subject_last"},
                  "memit": {"layers": "0-1", "keyPosition": "last", "covarianceWeight": 4.0},
                  "alphaedit": {"layers": "0", "keyPosition": "subject_last", "l2": 0.5}}
LOCATE_CALLS = [[("Ana lives in", "Rome", "Ana"), ("the city of Bo is", "Lima and Rome", "Bo")],
                [("Cyr likes the colour", "red", "Cyr"), ("Dag lives in", "Kyiv", "Dag")]]
LOCATE_PROBES = [("Ana lives in", "Rome"), ("Cyr likes the colour", "red"), ("Eli lives in", "Oslo")]


def locate_corpus(seed=3, sentences=40):
    """Random sentences of the fixture words (8 to 15 words, seeded): enough distinct contexts for a
    full-rank second moment of the 128-wide keys."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(sentences):
        n = 8 + int(torch.randint(0, 8, (1,), generator=g))
        out.append(" ".join(WORDS[1 + int(j)] for j in torch.randint(0, len(WORDS) - 1, (n,), generator=g)))
    return out


def null_space_threshold(moments):
    """A threshold between two consecutive eigenvalues of the first moment, in the lower third of its
    spectrum, as far (in ratio) from every moment's eigenvalues as possible: float32 differences in C
    cannot move an eigenvalue across it."""
    spectra = [torch.linalg.eigvalsh(c).clamp(min=1e-30).log() for c in moments]
    best, threshold = -1.0, None
    first = spectra[0]
    for i in range(10, len(first) // 3):
        candidate = (first[i] + first[i + 1]) / 2
        margin = min(float((s - candidate).abs().min()) for s in spectra)
        if margin > best:
            best, threshold = margin, float(candidate.exp())
    return threshold


def locate_fixture(out, config, weights, tokenizer, method):
    """locate/<method>: the key statistics of the edited blocks over a corpus file, then two calls
    (ROME one request at a time): after each the delta of every edited projection and the target
    values' loss; after the last, the probes."""
    folder = os.path.join(out, "locate")
    os.makedirs(folder, exist_ok=True)
    sentences = locate_corpus()
    corpus = os.path.join(folder, "corpus.txt")
    with open(corpus, "w") as f:
        f.write("\n".join(sentences) + "\n")
    texts = [tuple(s.rsplit(" ", 1)) for s in sentences]
    o = dict(LOCATE_OPTIONS, **LOCATE_METHODS[method])
    first, last = (int(x) for x in (o["layers"].split("-") * 2)[:2])
    layers = list(range(first, last + 1))
    model = reflib.Gpt2(config, weights)
    moments = [locate.key_statistics(model, tokenizer, layer, texts) for layer in layers]
    if method == "alphaedit":
        o["nullSpaceThreshold"] = null_space_threshold(moments)
    rule = locate.Rule(method, moments, o)
    tensors = {f"moment.{layer}": c for layer, c in zip(layers, moments)}
    calls, weights_edited = [], [f"transformer.h.{layer}.mlp.c_proj.weight" for layer in layers]
    for i, call in enumerate(LOCATE_CALLS):
        loss = locate.apply(model, tokenizer, rule, layers, call, o)
        for weight in weights_edited:
            tensors[f"call{i}.{weight}"] = model.deltas[weight].detach().clone()
        calls.append({"edits": [{"prompt": p, "target": t, "subject": s} for p, t, s in call],
                      "stats": {"value_loss": loss}})
    if method == "alphaedit":
        for i, previous in enumerate(rule.previous):
            tensors[f"previous.{i}"] = previous  # the earlier edits' K^T K per edited block, after both calls
    probes = probe_log_probs(model, tokenizer, LOCATE_PROBES, tensors)
    reflib.save_safetensors(os.path.join(folder, f"{method}.safetensors"), tensors)
    with open(os.path.join(folder, f"{method}.json"), "w") as f:
        json.dump({"options": o, "corpus": "corpus.txt", "layers": layers, "weights": weights_edited,
                   "calls": calls, "probes": probes}, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    model_folder = os.path.join(args.out, "model")
    config, tensors = reflib.make_model(model_folder, WORDS)
    model = reflib.Gpt2(config, reflib.load_safetensors(os.path.join(model_folder, "model.safetensors")))
    tokenizer = reflib.WordTokenizer(WORDS)
    forward_fixture(args.out, model, tokenizer)
    gptj_config, _ = reflib.make_gptj(os.path.join(args.out, "gptj", "model"), WORDS)
    gptj = reflib.GptJ(gptj_config, reflib.load_safetensors(os.path.join(args.out, "gptj", "model", "model.safetensors")))
    forward_fixture(args.out, gptj, tokenizer, "gptj")
    weights = lambda: reflib.load_safetensors(os.path.join(model_folder, "model.safetensors"))
    grace_fixture(args.out, config, weights(), tokenizer)
    elder_fixture(args.out, config, weights(), tokenizer)
    ftl_fixture(args.out, config, weights(), tokenizer)
    for variant in ("malmen", "mend"):
        hypernet_fixture(args.out, config, weights(), tokenizer, variant)
    closed_forms_fixture(args.out)
    ultraedit_fixture(args.out, config, weights(), tokenizer)
    target_values_fixture(args.out, config, weights(), tokenizer)
    for method in LOCATE_METHODS:
        locate_fixture(args.out, config, weights(), tokenizer, method)
    print(f"reference fixtures in {args.out}")


if __name__ == "__main__":
    main()
