"""Load a director model from a BAGEL-layout checkpoint: a local directory or a hub repo id.

    llm_config.json   Qwen2 decoder config          ema.safetensors   every network weight
    vit_config.json   SigLIP config (optional)      ae.safetensors    FLUX autoencoder, LDM names
    tokenizer files   tokenizer.json / vocab.json + merges.txt, tokenizer_config.json

The network is built on the meta device and the checkpoint's tensors are assigned to it, so a 7B
model never exists twice in memory. Weights are read from safetensors only; anything pickled is
refused. A hub id is looked up in the local hub cache only: downloading ~30 GB is the user's call.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from auteur.models.mot.config import MoTConfig, SpecialTokens
from auteur.models.mot.fused import fuse
from auteur.models.mot.model import MoT
from auteur.core.errors import InputError

RELEASED = "ByteDance-Seed/BAGEL-7B-MoT"
REQUIRED = ("llm_config.json", "ema.safetensors", "ae.safetensors")
PICKLED = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
DTYPES = {"fp32": torch.float32, "float32": torch.float32, "bf16": torch.bfloat16, "bfloat16": torch.bfloat16,
          "fp16": torch.float16, "float16": torch.float16}


@dataclass
class Loaded:
    model: MoT
    vae: Any  # diffusers AutoencoderKL
    tokenizer: Any  # transformers PreTrainedTokenizerFast
    special: SpecialTokens
    path: Path


def resolve(source: str | Path) -> Path:
    """A local checkpoint directory for `source` (a path, or a hub id already in the hub cache)."""
    path = Path(source).expanduser()
    if path.is_dir():
        return path
    looks_like_id = isinstance(source, str) and source.count("/") == 1 and not source.startswith((".", "/", "~"))
    if not looks_like_id:
        raise InputError(f"director model {source}: no such directory")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(source, local_files_only=True))
    except Exception:
        raise InputError(f"director model {source} is not downloaded; get it with `hf download {source} "
                         f"--local-dir models/{source.split('/')[1]}` and pass --director mot:models/"
                         f"{source.split('/')[1]}, or use --profile draft") from None


def check_layout(path: Path) -> None:
    """Name the first missing file, or refuse pickled weights."""
    pickled = sorted(p.name for p in path.iterdir() if p.suffix in PICKLED)
    for name in REQUIRED:
        if not (path / name).is_file():
            if name.endswith(".safetensors") and pickled:
                raise InputError(f"{path}: found {', '.join(pickled)} but no {name}; only safetensors weights are "
                                 f"loaded (pickled checkpoints can run code), convert them to safetensors first")
            raise InputError(f"{path}: missing {name} (a BAGEL checkpoint needs {', '.join(REQUIRED)} and tokenizer files)")
    if not (path / "tokenizer.json").is_file() and not (path / "vocab.json").is_file():
        raise InputError(f"{path}: missing tokenizer files (tokenizer.json, or vocab.json and merges.txt)")


def load_tokenizer(path: Path):
    """The checkpoint's tokenizer with the four tokens BAGEL adds, and their ids."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(path), trust_remote_code=False)
    names = ("<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>")
    missing = [t for t in names if t not in tok.get_vocab()]
    if missing:
        tok.add_tokens(missing)
    ids = [tok.convert_tokens_to_ids(t) for t in names]
    return tok, SpecialTokens(*ids)


def read_safetensors(path: Path, device: str = "cpu") -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    try:
        return load_file(str(path), device=device)
    except Exception as err:
        raise InputError(f"{path}: not a readable safetensors file ({str(err).splitlines()[0]})") from None


def bagel_to_auteur(sd: dict[str, torch.Tensor], cfg: MoTConfig) -> dict[str, torch.Tensor]:
    """BAGEL stores the SigLIP patch embedding as a linear layer over (row, col, channel) patches."""
    key = "vit_model.vision_model.embeddings.patch_embedding.weight"
    if key in sd and sd[key].dim() == 2:
        p = cfg.vit["patch_size"]
        w = sd[key]
        sd = {**sd, key: w.reshape(w.shape[0], p, p, -1).permute(0, 3, 1, 2).contiguous()}
    return sd


def auteur_to_bagel(sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The inverse of `bagel_to_auteur`: the tensors as ema.safetensors holds them."""
    key = "vit_model.vision_model.embeddings.patch_embedding.weight"
    if key in sd and sd[key].dim() == 4:
        w = sd[key]
        sd = {**sd, key: w.permute(0, 2, 3, 1).reshape(w.shape[0], -1).contiguous()}
    return sd


def assign_weights(model: MoT, sd: dict[str, torch.Tensor], source: Path) -> None:
    """load_state_dict(assign=True) after checking names and shapes, each problem named."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in sd]
    if missing:
        raise InputError(f"{source}: tensor {missing[0]} is missing ({len(missing)} missing in all)")
    unexpected = [k for k in sd if k not in expected]
    if unexpected:
        raise InputError(f"{source}: unexpected tensor {unexpected[0]} ({len(unexpected)} in all); "
                         f"does the checkpoint match llm_config.json / vit_config.json?")
    for k, t in expected.items():
        if tuple(sd[k].shape) != tuple(t.shape):
            raise InputError(f"{source}: tensor {k} has shape {tuple(sd[k].shape)}, the config implies {tuple(t.shape)}")
    model.load_state_dict(sd, strict=True, assign=True)
    # Non-persistent buffers are not in any checkpoint; SigLIP's patch index table is the only one.
    for name, buf in list(model.named_buffers()):
        if buf.is_meta:
            owner = model.get_submodule(name.rsplit(".", 1)[0])
            if not name.endswith("position_ids"):
                raise InputError(f"{source}: buffer {name} has no value after loading")
            owner.register_buffer("position_ids", torch.arange(buf.shape[-1]).expand(buf.shape), persistent=False)


def load(source: str | Path, dtype: str = "fp32", device: str = "cpu", device_map: str | dict | None = None,
         quantization: str | None = None, fuse_weights: bool = True) -> Loaded:
    """Build and load the director model, its autoencoder and tokenizer from a BAGEL-layout checkpoint.

    `fuse_weights`: q/k/v and gate/up become one matrix each, the separate parameters views of it
    (fused.py); a trainer that wants independent parameter tensors passes False.
    """
    if dtype not in DTYPES:
        raise InputError(f"director dtype {dtype!r}: choose one of {', '.join(sorted(DTYPES))}")
    torch_dtype = DTYPES[dtype]
    path = resolve(source)
    check_layout(path)
    vit_file = path / "vit_config.json"
    cfg = MoTConfig.from_files(path / "llm_config.json", vit_file if vit_file.is_file() else None)
    if cfg.vit is not None:
        cfg.vit["vision_use_head"] = False
    tokenizer, special = load_tokenizer(path)
    raw = read_safetensors(path / "ema.safetensors")
    _sizes_from_weights(cfg, raw)
    with torch.device("meta"):
        model = MoT(cfg)
    sd = bagel_to_auteur(raw, cfg)
    assign_weights(model, {k: v.to(torch_dtype) for k, v in sd.items()}, path / "ema.safetensors")
    model.eval()
    if quantization is not None:
        model = _quantize(model, quantization)
    elif device_map is not None:
        model = _dispatch(model, device_map)
    else:
        model = model.to(device)
        if fuse_weights:
            fuse(model)  # q/k/v and gate/up as one matmul each, the separate tensors views of them
    vae = _load_vae(path / "ae.safetensors", torch_dtype).to(device if device_map is None else "cuda:0" if torch.cuda.is_available() else "cpu")
    return Loaded(model=model, vae=vae, tokenizer=tokenizer, special=special, path=path)


def _sizes_from_weights(cfg: MoTConfig, sd: dict[str, torch.Tensor]) -> None:
    """Sizes BAGEL sets in code rather than in its config files, read off the tensors instead."""
    import math

    if "latent_pos_embed.pos_embed" in sd:
        cfg.max_latent_size = math.isqrt(sd["latent_pos_embed.pos_embed"].shape[0])
    if "vit_pos_embed.pos_embed" in sd:
        cfg.vit_max_num_patch_per_side = math.isqrt(sd["vit_pos_embed.pos_embed"].shape[0])
    if "vae2llm.weight" in sd:
        cfg.latent_channels = sd["vae2llm.weight"].shape[1] // cfg.latent_patch_size**2


def _load_vae(file: Path, dtype: torch.dtype):
    from auteur.models.mot.vae import build_vae, ldm_to_diffusers, vae_config_from_weights

    ldm = read_safetensors(file)
    try:
        config = vae_config_from_weights(ldm)
    except (KeyError, ValueError) as err:
        raise InputError(f"{file}: not a FLUX/LDM autoencoder (no tensor {err})") from None
    with torch.device("meta"):
        vae = build_vae(config, torch.float32)
    sd = ldm_to_diffusers(ldm)
    expected = vae.state_dict()
    for k, t in expected.items():
        if k not in sd:
            raise InputError(f"{file}: autoencoder tensor for {k} is missing")
        if tuple(sd[k].shape) != tuple(t.shape):
            raise InputError(f"{file}: autoencoder tensor {k} has shape {tuple(sd[k].shape)}, expected {tuple(t.shape)}")
    vae.load_state_dict({k: v.to(dtype) for k, v in sd.items() if k in expected}, strict=True, assign=True)
    return vae.eval()


def _dispatch(model: MoT, device_map: str | dict) -> MoT:
    """Spread the layers over the visible GPUs with accelerate (one decoder layer never split)."""
    from accelerate import dispatch_model, infer_auto_device_map

    if device_map == "auto":
        device_map = infer_auto_device_map(model, no_split_module_classes=["DecoderLayer"])
        # Embeddings and every module that feeds or reads the decoder stay on the first device.
        first = device_map.get("language_model.model.embed_tokens", 0)
        for name in ("language_model.model.embed_tokens", "time_embedder", "latent_pos_embed", "vae2llm", "llm2vae",
                     "connector", "vit_pos_embed"):
            device_map[name] = first
    return dispatch_model(model, device_map=device_map)


def _quantize(model: MoT, mode: str) -> MoT:
    """Replace the decoder's linear layers by bitsandbytes 8-bit or 4-bit (NF4) ones (CUDA only)."""
    if mode not in ("int8", "nf4"):
        raise InputError(f"director quantization {mode!r}: choose int8 or nf4")
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise InputError("director quantization needs bitsandbytes (pip install bitsandbytes) and a CUDA GPU") from None
    from accelerate.utils import BnbQuantizationConfig, replace_with_bnb_layers

    bnb = BnbQuantizationConfig(load_in_8bit=mode == "int8", load_in_4bit=mode == "nf4", bnb_4bit_quant_type="nf4",
                                bnb_4bit_compute_dtype=torch.bfloat16)
    sd = model.state_dict()
    keep = ["lm_head", "vae2llm", "llm2vae", "time_embedder", "connector", "vit_model"]
    bnb.skip_modules = keep
    model = replace_with_bnb_layers(model, bnb, modules_to_not_convert=keep)
    model.load_state_dict(sd, strict=False)
    return model.to("cuda")


def save(path: Path, model: MoT, vae: Any, tokenizer: Any | None = None) -> Path:
    """Write `model` (and its autoencoder and tokenizer) in BAGEL's layout and parameter names."""
    import json

    from safetensors.torch import save_file

    from auteur.models.mot.vae import diffusers_to_ldm
    from auteur.core.atomic import atomic_path, write_text

    path.mkdir(parents=True, exist_ok=True)
    write_text(path / "llm_config.json", json.dumps(model.cfg.llm_json(), indent=2) + "\n")
    if model.cfg.vit is not None:
        write_text(path / "vit_config.json", json.dumps(model.cfg.vit_json(), indent=2) + "\n")
    for name, sd in (("ema.safetensors", auteur_to_bagel(model.state_dict())), ("ae.safetensors", diffusers_to_ldm(vae.state_dict()))):
        with atomic_path(path / name) as tmp:
            # clone: fused projections make parameters views of one tensor, which safetensors refuses to share
            save_file({k: v.detach().cpu().clone() for k, v in sd.items()}, str(tmp))
    if tokenizer is not None:
        tokenizer.save_pretrained(str(path))
    return path
