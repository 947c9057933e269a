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
    print(f"reference fixtures in {args.out}")


if __name__ == "__main__":
    main()
