"""Tiny fixtures for the training tests: draft runs made by the real CLI at tests/tiny.toml size, and
a tiny BAGEL-layout checkpoint whose tokenizer has learnt those runs' words (so a film document
takes hundreds of tokens, not thousands, and 200 steps stay fast on one core)."""

from __future__ import annotations

import json
from pathlib import Path

import mot_tiny
from clirun import auteur

TINY_PROFILE = Path(__file__).parent / "tiny.toml"
PREMISES = ["A lighthouse keeper befriends a storm that wants to stop raining",
            "Two rival bakers must share one oven on the night of the harvest fair"]


def draft_runs(root: Path) -> list[Path]:
    """Two finished draft films (script.json, keyframes, reference images), made as a user makes them."""
    runs = []
    for i, premise in enumerate(PREMISES):
        out = root / f"run{i + 1}"
        done = auteur("make", premise, "--profile", str(TINY_PROFILE), "--seed", str(i + 1), "--out", str(out),
                      cache=root / "cache", threads=1)
        assert done.returncode == 0, done.stderr
        runs.append(out)
    return runs


def _texts(runs: list[Path]) -> list[str]:
    out = []
    for run in runs:
        film = json.loads((run / "script.json").read_text("utf-8"))
        out.append(json.dumps(film))
    return out


def tokenizer(runs: list[Path], vocab: int = 1000):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"], show_progress=False)
    tok.train_from_iterator(mot_tiny.CORPUS + _texts(runs) * 5, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   chat_template=mot_tiny.CHAT_TEMPLATE)


def checkpoint(path: Path, runs: list[Path], seed: int = 0, vit: bool = True, std: float = 0.02) -> Path:
    """A tiny random MoT (vocabulary 1024) in BAGEL's layout with a tokenizer that knows the runs' words."""
    import torch

    from auteur.models.mot.loading import save
    from auteur.models.mot.model import MoT

    cfg = mot_tiny.config(vit=vit)
    cfg.llm.vocab_size = 1024
    torch.manual_seed(seed)
    model = MoT(cfg).init_weights(seed, std=std)
    return save(path, model, mot_tiny.vae(seed), tokenizer(runs))


# The director settings that size pictures for the tiny models as the training data above does.
DIRECTOR = dict(dtype="fp32", device="cpu", steps=2, image_side=64, reference_side=32, reference_min_side=16,
                vit_side=16, vit_min_side=8)


def config(path: Path, ckpt: Path, runs: list[Path], out: Path, model: str = "", **train) -> Path:
    """A training config over `runs` at test size; `model` adds [model] lines, `train` overrides [train] keys."""
    settings = dict(steps=20, lr=3e-3, save_every=10, log_every=1, seed=0, ce_weight=1.0, mse_weight=1.0) | train
    lines = [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    path.write_text(
        f'[model]\npath = {json.dumps(str(ckpt))}\n{model}\n'
        f'[data]\nruns = {json.dumps([str(r) for r in runs])}\nseq_len = 512\nkeyframe_side = 64\n'
        f'reference_side = 32\nreference_min_side = 16\nvit_side = 16\nvit_min_side = 8\n\n'
        f'[train]\nout = {json.dumps(str(out))}\n' + "\n".join(lines) + "\n", "utf-8")
    return path
