"""Where UniAVGen's parts are found, and the one-line errors when one is not.

The published repository (MCG-NJU/UniAVGen) holds the dual-branch transformer's shards at its root,
`code2wav_bigvgan_model/` (the BigVGAN vocoder, transformers' layout), the umt5-xxl tokenizer under
`google/umt5-xxl/`, and the text encoder and the Wan 2.2 VAE as two pickles,
`models_t5_umt5-xxl-enc-bf16.pth` and `Wan2.2_VAE.pth`. auteur loads no pickle; those two are the
same networks as the diffusers-format `text_encoder/`, `tokenizer/` and `vae/` folders of
Wan-AI/Wan2.2-TI2V-5B-Diffusers, which are read instead. The character vocabulary `vocab.txt` comes
with the reference code (MCG-NJU/Sora2-mini), not with the weights.

Each part is looked up in the model directory first, then in the `components` source (a local
directory or a hub id in the local hub cache; nothing is downloaded):

    transformer   <model>/diffusion_pytorch_model.safetensors[.index.json]
    vocoder       <model>/code2wav_bigvgan_model/
    vocabulary    the `vocab` setting, else <model>/vocab.txt
    text encoder  <model>/text_encoder/, else <components>/text_encoder/
    tokenizer     <model>/tokenizer/, else <model>/google/umt5-xxl/, else <components>/tokenizer/
    VAE           <model>/vae/, else <components>/vae/
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auteur.core.errors import InputError

PUBLISHED = "MCG-NJU/UniAVGen"
WAN_DIFFUSERS = "Wan-AI/Wan2.2-TI2V-5B-Diffusers"
TRANSFORMER_FILES = ("diffusion_pytorch_model.safetensors.index.json", "diffusion_pytorch_model.safetensors")
VOCODER_DIR = "code2wav_bigvgan_model"
TOKENIZER_DIR = "google/umt5-xxl"
PICKLED = {"text_encoder": "models_t5_umt5-xxl-enc-bf16.pth", "vae": "Wan2.2_VAE.pth"}
TOKENIZER_FILES = ("tokenizer.json", "spiece.model", "tokenizer_config.json")


@dataclass(frozen=True)
class Layout:
    """The folder (or file) of every part of one UniAVGen installation."""

    transformer: Path  # the directory holding the shards (what load_transformer takes)
    text_encoder: Path
    tokenizer: Path
    vae: Path
    vocoder: Path
    vocab: Path


def resolve(source: str, what: str, revision: str | None = None) -> Path:
    """A local directory for `source`: a path, or a hub id already in the local hub cache."""
    path = Path(source).expanduser()
    if path.is_dir():
        return path
    looks_like_id = source.count("/") == 1 and not source.startswith((".", "/", "~"))
    if not looks_like_id:
        raise InputError(f"uniavgen {what} {source}: no such directory")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(source, revision=revision, local_files_only=True))
    except Exception:
        pin = f" --revision {revision}" if revision else ""
        raise InputError(f"uniavgen {what} {source} is not on this machine; download it with "
                         f"`hf download {source}{pin}` (or set the profile's {what} to a local directory)") from None


def locate(model: str, components: str = WAN_DIFFUSERS, vocab: str = "", revision: str | None = None) -> Layout:
    """Every part's location, or a one-line InputError naming the first one missing."""
    root = resolve(model, "model", revision)
    if not any((root / name).is_file() for name in TRANSFORMER_FILES):
        found = sorted(p.name for p in root.glob("*.safetensors"))
        hint = f" (found {', '.join(found[:3])})" if found else ""
        raise InputError(f"uniavgen model {root}: missing {TRANSFORMER_FILES[0]} or {TRANSFORMER_FILES[1]}{hint}; "
                         f"point the profile's model at the download of {PUBLISHED}")
    vocoder = root / VOCODER_DIR
    if not (vocoder / "config.json").is_file():
        raise InputError(f"uniavgen model {root}: missing {VOCODER_DIR}/config.json (the BigVGAN vocoder of "
                         f"{PUBLISHED})")
    vocab_path = Path(vocab).expanduser() if vocab else root / "vocab.txt"
    if not vocab_path.is_file():
        raise InputError(f"uniavgen vocabulary {vocab_path} not found; copy vocab.txt from the MCG-NJU/Sora2-mini "
                         f"repository into the model directory, or set the renderer's vocab to its path")
    extra = _components_dir(root, components)
    text_encoder = _folder(root, extra, "text_encoder", components)
    vae = _folder(root, extra, "vae", components)
    candidates = [root / "tokenizer", root / TOKENIZER_DIR] + ([extra / "tokenizer"] if extra else [])
    tokenizer = next((d for d in candidates if any((d / f).is_file() for f in TOKENIZER_FILES)), None)
    if tokenizer is None:
        raise InputError(f"uniavgen model {root}: no umt5-xxl tokenizer in tokenizer/ or {TOKENIZER_DIR}/"
                         + (f" nor in {components}/tokenizer/" if extra else f" (and {components} is not here)"))
    return Layout(transformer=root, text_encoder=text_encoder, tokenizer=tokenizer, vae=vae, vocoder=vocoder,
                  vocab=vocab_path)


def _components_dir(root: Path, components: str) -> Path | None:
    """The components source as a directory, or None when it is not on this machine."""
    if not components:
        return None
    if all((root / name / "config.json").is_file() for name in ("text_encoder", "vae")):
        return None  # everything is in the model directory: the source is not needed
    try:
        return resolve(components, "components")
    except InputError:
        return None


def _folder(root: Path, extra: Path | None, name: str, components: str) -> Path:
    for base in (root, extra):
        if base is not None and (base / name / "config.json").is_file():
            return base / name
    pickle = root / PICKLED[name]
    where = f"{name}/ in the model directory or in {components or 'the components setting'}"
    if pickle.exists():
        raise InputError(f"uniavgen {name}: {pickle.name} is a pickle, which auteur does not load; use the "
                         f"diffusers-format {name}/ folder of {WAN_DIFFUSERS} instead (put text_encoder/, "
                         f"tokenizer/ and vae/ in {root}, or set the renderer's components = \"{WAN_DIFFUSERS}\" "
                         f"after `hf download {WAN_DIFFUSERS}`)")
    raise InputError(f"uniavgen {name} not found: no {where}; download {WAN_DIFFUSERS} "
                     f"(`hf download {WAN_DIFFUSERS}`) or copy its {name}/ folder into {root}")
