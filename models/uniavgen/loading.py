"""Load the UniAVGen transformer from the published layout: a local directory or a hub repo id.

    config.json                                          diffusers config of the reference class (optional:
                                                         the published 5B values otherwise)
    diffusion_pytorch_model.safetensors.index.json       weight_map: parameter name -> shard file
    diffusion_pytorch_model-0000i-of-0000n.safetensors   the shards
    (or one diffusion_pytorch_model.safetensors)

The network is built on the meta device and each tensor is converted and assigned as its shard is
read, so a 5B model never exists twice. Safetensors only: pickled transformer weights are refused.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import torch

from auteur.core.errors import InputError
from auteur.models.mot.loading import DTYPES, PICKLED, read_safetensors
from auteur.models.uniavgen.config import UniAVGenConfig
from auteur.models.uniavgen.model import UniAVGen

log = logging.getLogger(__name__)

RELEASED = "MCG-NJU/UniAVGen"
WEIGHTS = "diffusion_pytorch_model.safetensors"
INDEX = WEIGHTS + ".index.json"
STEM = "diffusion_pytorch_model"


def resolve(source: str | Path, revision: str | None = None, download: bool = True) -> Path:
    """A local directory holding the transformer: `source` itself, or a hub id's snapshot (downloaded
    when `download` and the hub is reachable, else looked up in the local hub cache)."""
    path = Path(source).expanduser()
    if path.is_dir():
        return path
    looks_like_id = isinstance(source, str) and source.count("/") == 1 and not source.startswith((".", "/", "~"))
    if not looks_like_id:
        raise InputError(f"UniAVGen model {source}: no such directory")
    from huggingface_hub import snapshot_download

    patterns = ["config.json", f"{STEM}*"]
    for local_only in ((False, True) if download else (True,)):
        try:
            return Path(snapshot_download(str(source), revision=revision, allow_patterns=patterns, local_files_only=local_only))
        except Exception:  # offline, unknown repo, not cached: try the next way, then say what to do
            continue
    raise InputError(f"UniAVGen model {source} is neither reachable nor in the local hub cache; get it with "
                     f"`hf download {source} --local-dir models/{source.split('/')[1]}` and pass that directory")


def read_config(path: Path) -> UniAVGenConfig:
    file = path / "config.json"
    if not file.is_file():
        return UniAVGenConfig()
    try:
        data = json.loads(file.read_text("utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"{file}: not valid JSON ({err})") from None
    return UniAVGenConfig.from_json_dict(data)


def shard_map(path: Path) -> dict[str, list[str]]:
    """Shard file -> the parameter names the index puts in it (one file when there is no index)."""
    index = path / INDEX
    if index.is_file():
        try:
            weight_map = json.loads(index.read_text("utf-8"))["weight_map"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f"{index}: not a safetensors index (no weight_map)") from None
        shards: dict[str, list[str]] = {}
        for name, shard in weight_map.items():
            shards.setdefault(shard, []).append(name)
        for shard in shards:
            if Path(shard).suffix in PICKLED:
                raise InputError(f"{index}: shard {shard} is pickled; only safetensors weights are loaded "
                                 f"(pickled checkpoints can run code), convert them to safetensors first")
            if not (path / shard).is_file():
                raise InputError(f"{path}: shard {shard} named by {INDEX} is missing")
        return shards
    if (path / WEIGHTS).is_file():
        return {WEIGHTS: []}
    pickled = sorted(p.name for p in path.iterdir() if p.name.startswith(STEM) and p.suffix in PICKLED)
    if pickled:
        raise InputError(f"{path}: found {', '.join(pickled)} but no {WEIGHTS}; only safetensors weights are loaded "
                         f"(pickled checkpoints can run code), convert them to safetensors first")
    raise InputError(f"{path}: missing {INDEX} (or a single {WEIGHTS}) with the UniAVGen transformer weights")


def load_transformer(source: str | Path, *, dtype: str = "bf16", device: str | torch.device = "cpu",
                     revision: str | None = None, download: bool = True, strict: bool = True) -> UniAVGen:
    """The UniAVGen transformer with the checkpoint's weights, in eval mode, on `device`.

    `strict=False` skips (and logs) tensors the model has no parameter for, as the reference's own
    loader tolerates them (it loads with strict=False); a missing tensor is an error either way.
    """
    if dtype not in DTYPES:
        raise InputError(f"UniAVGen dtype {dtype!r}: choose one of {', '.join(sorted(DTYPES))}")
    torch_dtype = DTYPES[dtype]
    path = resolve(source, revision, download)
    shards = shard_map(path)
    config = read_config(path)
    with torch.device("meta"):
        model = UniAVGen(config)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    state: dict[str, torch.Tensor] = {}
    skipped: list[str] = []
    for shard in sorted(shards):
        tensors = read_safetensors(path / shard)
        for name in list(tensors):
            if name not in expected and not strict:
                skipped.append(name)
                continue
            if name not in expected:
                raise InputError(f"{path / shard}: unexpected tensor {name}; does the checkpoint match config.json?")
            found = tuple(tensors[name].shape)
            if found != expected[name]:
                raise InputError(f"{path / shard}: tensor {name} has shape {found}, the config implies {expected[name]}")
            stored = tensors.pop(name)
            tensor = stored.to(device=device, dtype=torch_dtype)
            # a tensor still on the shard's memory map: own it (aligned memory, the map released)
            state[name] = tensor.clone() if tensor.data_ptr() == stored.data_ptr() else tensor
    missing = [k for k in expected if k not in state]
    if missing:
        raise InputError(f"{path}: tensor {missing[0]} is missing ({len(missing)} missing in all)")
    if skipped:
        log.warning("%s: %d tensors the model does not use were skipped (first: %s)", path, len(skipped), skipped[0])
    model.load_state_dict(state, strict=True, assign=True)
    return model.eval().requires_grad_(False)


def save_transformer(model: UniAVGen, directory: str | Path, shards: int = 1) -> Path:
    """Write `model` in the published layout: config.json, and one file or an index and `shards` shards."""
    from safetensors.torch import save_file

    from auteur.core.atomic import atomic_path, write_text

    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    write_text(path / "config.json", json.dumps(model.config.to_json_dict(), indent=2) + "\n")
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    if shards <= 1:
        with atomic_path(path / WEIGHTS) as tmp:
            save_file(state, str(tmp), metadata={"format": "pt"})
        return path
    names = list(state)
    per = -(-len(names) // shards)
    weight_map = {}
    for i in range(shards):
        shard = f"{STEM}-{i + 1:05d}-of-{shards:05d}.safetensors"
        part = {k: state[k] for k in names[i * per:(i + 1) * per]}
        with atomic_path(path / shard) as tmp:
            save_file(part, str(tmp), metadata={"format": "pt"})
        weight_map.update(dict.fromkeys(part, shard))
    total = sum(t.numel() * t.element_size() for t in state.values())
    write_text(path / INDEX, json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2) + "\n")
    return path


def random_weights(model: torch.nn.Module, seed: int, interaction: bool = True) -> torch.nn.Module:
    """Every parameter drawn at random at about the scale of trained ones (norm scales near 1, matrices
    N(0, 1/fan_in), the rest small), from one seeded generator; for tests, parity and benchmarks. Works on any
    module with UniAVGen's parameter names (ours or the reference's). The zero-initialised interaction output
    projections stay zero unless `interaction`."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if not interaction and name.startswith(("a2v_blocks.", "v2a_blocks.")) and ".o." in name:
                continue
            noise = torch.randn(p.shape, generator=g)
            if name.endswith(("norm_q.weight", "norm_k.weight", "norm3.weight", "norm.weight")):
                p.copy_(1 + 0.1 * noise)
            elif p.dim() >= 2 and "modulation" not in name:
                p.copy_(noise / p[0].numel() ** 0.5)
            else:
                p.copy_(0.1 * noise)
    return model
