"""Visual coherence with CLIP: keyframe-text alignment and cross-shot identity of each character.

Runs only when CLIP weights can be had (a local directory or a hub id already in the HF cache;
`AUTEUR_CLIP_MODEL` picks one); otherwise both metrics are skipped and say why. Weights load from
safetensors only.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from auteur.core.schema import Film
from auteur.tools.evaluation.metrics import Metric, clamp01

DEFAULT_CLIP = "openai/clip-vit-base-patch32"
# CLIP ViT-B/32 image-text cosines: ~0.15 for a mismatch, ~0.35 for a good caption.
TEXT_FLOOR, TEXT_CEIL = 0.15, 0.35
# Crops of one person across shots: ~0.5 for strangers, ~0.95 for the same figure.
ID_FLOOR, ID_CEIL = 0.5, 0.95


class Clip:
    """A CLIP model and its processor, embedding images and texts onto the unit sphere."""

    def __init__(self, source: str):
        import torch
        from transformers import CLIPModel, CLIPProcessor

        self.torch = torch
        self.model = CLIPModel.from_pretrained(source, use_safetensors=True).eval()
        self.processor = CLIPProcessor.from_pretrained(source)
        self.source = source

    def _unit(self, x) -> np.ndarray:
        x = x if isinstance(x, self.torch.Tensor) else x.pooler_output
        return (x / x.norm(dim=-1, keepdim=True)).float().numpy()

    def images(self, images: list[Image.Image]) -> np.ndarray:
        with self.torch.no_grad():
            inputs = self.processor(images=images, return_tensors="pt")
            return self._unit(self.model.get_image_features(pixel_values=inputs["pixel_values"]))

    def texts(self, texts: list[str]) -> np.ndarray:
        with self.torch.no_grad():
            limit = self.model.config.text_config.max_position_embeddings
            inputs = self.processor(text=texts, return_tensors="pt", padding=True, truncation=True, max_length=limit)
            return self._unit(self.model.get_text_features(input_ids=inputs["input_ids"],
                                                           attention_mask=inputs["attention_mask"]))


@lru_cache(maxsize=2)
def load_clip(source: str | None = None) -> Clip | str:
    """The CLIP model, or the reason it cannot be loaded here."""
    source = source or os.environ.get("AUTEUR_CLIP_MODEL") or DEFAULT_CLIP
    if not Path(source).is_dir() and not _in_hub_cache(source):
        # a hub id with no cached copy: asking the hub from a machine without it costs tens of seconds of timeouts
        return (f"no CLIP weights available: {source} is not a local directory and has no cached copy here; "
                f"set AUTEUR_CLIP_MODEL to a local CLIP directory")
    try:
        return Clip(source)
    except Exception as err:  # offline without a cached copy, a missing directory, a broken checkpoint
        return (f"no CLIP weights available: {source} could not be loaded here ({type(err).__name__}); "
                f"set AUTEUR_CLIP_MODEL to a local CLIP directory")


def _in_hub_cache(repo: str) -> bool:
    """Whether the Hugging Face cache holds a snapshot of this hub id (nothing is downloaded to find out)."""
    try:
        from huggingface_hub.constants import HF_HUB_CACHE
    except ImportError:
        return False
    return (Path(HF_HUB_CACHE) / f"models--{repo.replace('/', '--')}" / "snapshots").is_dir()


def evaluate(film: Film, root: Path | None, clip: Clip | str | None = None) -> list[Metric]:
    """Keyframe-text alignment and character identity, or both skipped with the reason."""
    names = ("keyframe_text", "identity")
    if root is None or not any(sh.keyframe for sh in film.shots()):
        return [Metric(name=n, family="visual", score=None, skipped="no keyframes (evaluating a bare script)")
                for n in names]
    clip = clip if clip is not None else load_clip()
    if isinstance(clip, str):
        return [Metric(name=n, family="visual", score=None, skipped=clip) for n in names]
    return [keyframe_text(film, root, clip), identity(film, root, clip)]


def _caption(film: Film, text: str) -> str:
    for c in film.characters:
        text = text.replace(c.token, f"{c.name}, {c.appearance},")
    for p in film.locations:
        text = text.replace(p.token, p.name)
    return text


def keyframe_text(film: Film, root: Path, clip: Clip) -> Metric:
    """Each keyframe matches its shot's visual prompt."""
    shots = [sh for sh in film.shots() if sh.keyframe and (root / sh.keyframe).is_file()]
    images = [Image.open(root / sh.keyframe).convert("RGB") for sh in shots]
    sims = np.sum(clip.images(images) * clip.texts([_caption(film, sh.visual_prompt) for sh in shots]), axis=1)
    per_shot = {sh.id: clamp01((float(s) - TEXT_FLOOR) / (TEXT_CEIL - TEXT_FLOOR)) for sh, s in zip(shots, sims)}
    per_scene = {}
    for scene in film.scenes:
        vals = [per_shot[sh.id] for sh in scene.shots if sh.id in per_shot]
        if vals:
            per_scene[scene.id] = float(np.mean(vals))
    issues = [f"shot {sid}: the keyframe hardly matches its prompt" for sid, v in per_shot.items() if v < 0.2]
    return Metric(name="keyframe_text", family="visual", score=float(np.mean(list(per_shot.values()))),
                  issues=issues, per_scene=per_scene, detail={"shots": len(shots)})


def identity(film: Film, root: Path, clip: Clip) -> Metric:
    """Each character's crops (framing boxes) look alike across shots and like the reference sheet."""
    crops: dict[str, list[Image.Image]] = {}
    for shot in film.shots():
        if not shot.keyframe or not (root / shot.keyframe).is_file():
            continue
        with Image.open(root / shot.keyframe) as frame:
            w, h = frame.size
            for box in shot.framing:
                area = (int(box.x * w), int(box.y * h), int((box.x + box.w) * w), int((box.y + box.h) * h))
                if area[2] - area[0] >= 8 and area[3] - area[1] >= 8:
                    crops.setdefault(box.character, []).append(frame.convert("RGB").crop(area))
    for c in film.characters:
        if c.reference_image and (root / c.reference_image).is_file() and c.token in crops:
            crops[c.token].append(Image.open(root / c.reference_image).convert("RGB"))
    detail, issues = {}, []
    for token, images in crops.items():
        if len(images) < 2:
            continue
        vecs = clip.images(images)
        sims = vecs @ vecs.T
        mean = float((sims.sum() - len(images)) / (len(images) * (len(images) - 1)))
        detail[token] = clamp01((mean - ID_FLOOR) / (ID_CEIL - ID_FLOOR))
        if detail[token] < 0.3:
            issues.append(f"{token} ({film.character(token).name}) looks different from shot to shot")
    if not detail:
        return Metric(name="identity", family="visual", score=None, skipped="no character is framed in two shots")
    return Metric(name="identity", family="visual", score=float(np.mean(list(detail.values()))), issues=issues,
                  detail=detail)
