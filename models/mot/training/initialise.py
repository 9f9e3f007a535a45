"""Where training starts: a BAGEL-layout checkpoint, or a Qwen2-family text model.

From Qwen2 the MoT is built as BAGEL builds it: the decoder's weights fill the understanding
expert and are copied into the generation expert (`*_moe_gen`), QK-norms start at one when the
text model has none, and the modules that only latents use (timestep embedder, vae2llm, llm2vae)
start random. The FLUX autoencoder comes from its own ae.safetensors. There is no ViT then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from auteur.core.errors import InputError
from auteur.models.mot import loading
from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.model import MoT


@dataclass
class Start:
    model: MoT
    vae: Any
    tokenizer: Any
    special: SpecialTokens


def from_bagel(source: str | Path) -> Start:
    """fp32 master weights from a BAGEL checkpoint (directory or hub id in the local cache)."""
    loaded = loading.load(source, dtype="fp32", device="cpu")
    return Start(loaded.model, loaded.vae, loaded.tokenizer, loaded.special)


def from_qwen2(path: Path, vae_file: Path, seed: int = 0) -> Start:
    """A MoT whose two experts both start as the Qwen2 text model at `path`."""
    if not path.is_dir():
        raise InputError(f"qwen2 model {path}: no such directory")
    config_file = path / "config.json"
    if not config_file.is_file():
        raise InputError(f"qwen2 model {path}: missing config.json")
    raw = json.loads(config_file.read_text("utf-8"))
    if not str(raw.get("model_type", "")).startswith("qwen"):
        raise InputError(f"qwen2 model {path}: config.json model_type is {raw.get('model_type')!r}, not a Qwen2-family model")
    llm = LLMConfig.from_dict(raw)
    llm.qk_norm, tied = True, bool(raw.get("tie_word_embeddings", False))
    llm.tie_word_embeddings = False  # BAGEL's MoT keeps its own LM head
    cfg = MoTConfig(llm=llm, vit=None)
    text = _read_weights(path)
    tokenizer, special = loading.load_tokenizer(path)
    top = max(special.bos, special.eos, special.start_of_image, special.end_of_image)
    if top >= llm.vocab_size:
        raise InputError(f"qwen2 model {path}: token id {top} of the image tokens is past vocab_size {llm.vocab_size}")

    torch.manual_seed(seed)
    model = MoT(cfg).init_weights(seed)
    sd = model.state_dict()
    for key, value in text.items():
        name = "language_model." + key  # model.* and lm_head.* sit under BAGEL's language_model
        if not key.startswith(("model.", "lm_head.")) or name not in sd:
            raise InputError(f"qwen2 model {path}: unexpected tensor {key}")
        if tuple(value.shape) != tuple(sd[name].shape):
            raise InputError(f"qwen2 model {path}: tensor {key} has shape {tuple(value.shape)}, config.json implies {tuple(sd[name].shape)}")
        sd[name] = value.float()
    if "lm_head.weight" not in text:
        if not tied:
            raise InputError(f"qwen2 model {path}: no lm_head.weight and tie_word_embeddings is false")
        sd["language_model.lm_head.weight"] = sd["language_model.model.embed_tokens.weight"].clone()
    for key in sd:
        optional = "_moe_gen" in key or key.endswith(("q_norm.weight", "k_norm.weight", "lm_head.weight"))
        if key.startswith("language_model.") and not optional and key.removeprefix("language_model.") not in text:
            raise InputError(f"qwen2 model {path}: tensor {key.removeprefix('language_model.')} is missing")
    for key in sd:
        if key.endswith(("q_norm.weight", "k_norm.weight")) and key.removeprefix("language_model.") not in text:
            sd[key] = torch.ones_like(sd[key])
    for key in sd:
        if "_moe_gen" in key:
            sd[key] = sd[key.replace("_moe_gen", "")].clone()
    model.load_state_dict(sd)
    vae = loading._load_vae(vae_file, torch.float32) if vae_file.is_file() else None
    if vae is None:
        raise InputError(f"autoencoder {vae_file}: no such file (a FLUX ae.safetensors)")
    return Start(model, vae, tokenizer, special)


def _read_weights(path: Path) -> dict[str, torch.Tensor]:
    """model.safetensors, or the shards its index names; pickled weights are refused."""
    index = path / "model.safetensors.index.json"
    if index.is_file():
        files = sorted(set(json.loads(index.read_text("utf-8"))["weight_map"].values()))
    elif (path / "model.safetensors").is_file():
        files = ["model.safetensors"]
    else:
        pickled = sorted(p.name for p in path.iterdir() if p.suffix in loading.PICKLED)
        hint = f" (found {', '.join(pickled)}: pickled weights are not loaded, convert them to safetensors)" if pickled else ""
        raise InputError(f"qwen2 model {path}: missing model.safetensors{hint}")
    out: dict[str, torch.Tensor] = {}
    for name in files:
        out.update(loading.read_safetensors(path / name))
    return out
