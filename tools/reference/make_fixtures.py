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
import grace  # noqa: E402
import reflib  # noqa: E402

WORDS = ["<unk>", "Ana", "Bo", "Cyr", "Dag", "Eli", "lives", "in", "likes", "the", "colour", "city", "of",
         "Oslo", "Lima", "Rome", "Kyiv", "red", "blue", "green", "and", "is", "a", "very", "old"]

COMPLETIONS = [
    ("Ana lives in", "Oslo"),
    ("the city of Bo is", "Lima and Rome"),
    ("Cyr likes the colour", "red"),
    ("Dag", "is a very old city"),
]


def forward_fixture(out, model, tokenizer):
    """gpt2/forward: per completion, its token ids, the logits of the rows that predict its target,
    the target tokens' log-probabilities and the loss."""
    folder = os.path.join(out, "gpt2")
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
    probes = []
    with torch.no_grad():
        for j, (prompt, target) in enumerate(GRACE_PROBES):
            p, t = tokenizer.encode(prompt), tokenizer.encode(target)
            adapter.query_position = len(p) - 1
            tensors[f"probe.{j}.log_probs"] = model.teacher(p, t)[1]
            probes.append({"prompt": prompt, "target": target})
    reflib.save_safetensors(os.path.join(folder, "codebook.safetensors"), tensors)
    with open(os.path.join(folder, "edits.json"), "w") as f:
        json.dump({"layer": layer, "module": "MLP_DOWN", "epsilon": epsilon, "learningRate": lr, "steps": steps,
                   "replacement": "all", "edits": edits, "probes": probes}, f, indent=1)


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
    grace_fixture(args.out, config, reflib.load_safetensors(os.path.join(model_folder, "model.safetensors")), tokenizer)
    print(f"reference fixtures in {args.out}")


if __name__ == "__main__":
    main()
