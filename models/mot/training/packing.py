"""Film documents -> token pieces -> samples -> fixed-length packed sequences.

A sample is what one attention span sees, laid out as the director sees it at inference: text is
framed by BOS/EOS, an image by start/end-of-image tokens, an image's tokens share one RoPE position.
Reference images enter as clean VAE latents (generation expert, timestep 0) and, when the model has
a ViT, as SigLIP tokens (understanding expert); a keyframe to learn enters noised, followed by a
clean ViT copy so later text can see it (BAGEL's layout for interleaved data).

Stage 1 trains on whole interleaved documents. Stage 2 splits them: script samples (text only)
and keyframe samples (the shot's cast references and text in context, the keyframe out).
Samples are packed greedily into sequences of `seq_len` tokens; each sample keeps its own mask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import torch

from auteur.core.errors import InputError
from auteur.models.mot.training.documents import FilmDocument

PieceKind = Literal["text", "latent", "noisy", "vit"]
SampleKind = Literal["interleaved", "script", "keyframe"]


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    length: int  # tokens, framing included
    ids: tuple[int, ...] = ()  # text: BOS + tokens + EOS
    loss: bool = False  # text: cross-entropy; noisy: flow loss
    image: Path | None = None  # latent / noisy / vit: the picture, looked up in the ImageBank


@dataclass
class Sample:
    kind: SampleKind
    doc: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def length(self) -> int:
        return sum(p.length for p in self.pieces)


@dataclass
class Packed:
    samples: list[Sample]
    seq_len: int

    @property
    def used(self) -> int:
        return sum(s.length for s in self.samples)


class ImageBank:
    """Latents (VAE posterior means, computed once: the autoencoder is frozen) and ViT pixels per image.

    Keyframes to learn are sized as the director draws them (aspect kept, long side `keyframe_side`);
    reference pictures and ViT inputs with BAGEL's resize rule, exactly as the director prepares them.
    """

    def __init__(self, model_cfg, vae, keyframe_side: int, reference_sides: tuple[int, int],
                 vit_sides: tuple[int, int] | None):
        self.cfg, self.vae = model_cfg, vae
        self.keyframe_side, self.reference_sides, self.vit_sides = keyframe_side, reference_sides, vit_sides
        self.latents: dict[tuple[Path, str], torch.Tensor] = {}
        self.pixels: dict[Path, torch.Tensor] = {}

    def _picture(self, path: Path, kind: str):
        from auteur.models.mot.pictures import bagel_resize

        picture = _open(path)
        if kind == "noisy":
            return _fit(picture, self.keyframe_side, self.cfg.pixels_per_token)
        return bagel_resize(picture, *self.reference_sides, self.cfg.pixels_per_token)

    def latent(self, path: Path, kind: str) -> torch.Tensor:
        key = (path, kind)
        if key not in self.latents:
            from auteur.models.mot import vae as vae_ops
            from auteur.models.mot.pictures import to_tensor

            self.latents[key] = vae_ops.encode(self.vae, to_tensor(self._picture(path, kind)))
        return self.latents[key]

    def vit(self, path: Path) -> torch.Tensor:
        """As the director: the VAE-sized picture (a reference's or the keyframe's), resized again for SigLIP."""
        if path not in self.pixels:
            from auteur.models.mot.pictures import bagel_resize, to_tensor

            base = self._picture(path, "latent")
            self.pixels[path] = to_tensor(bagel_resize(base, *self.vit_sides, self.cfg.vit["patch_size"]))
        return self.pixels[path]

    def tokens(self, path: Path, kind: str) -> int:
        """How many tokens the picture takes inside its start/end-of-image frame."""
        if kind == "vit":
            patch = self.cfg.vit["patch_size"]
            px = self.vit(path)
            return (px.shape[1] // patch) * (px.shape[2] // patch)
        lat = self.latent(path, kind)
        p = self.cfg.latent_patch_size
        return (lat.shape[1] // p) * (lat.shape[2] // p)


def _open(path: Path):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            return im.convert("RGB")
    except (UnidentifiedImageError, OSError) as err:
        raise InputError(f"{path}: not a readable image ({err})") from None


def _fit(picture, side: int, multiple: int):
    """Long side `side`, aspect kept, both sides a multiple of `multiple` (the director's drawing size rule)."""
    from PIL import Image

    scale = side / max(picture.width, picture.height)
    w = max(multiple, round(picture.width * scale / multiple) * multiple)
    h = max(multiple, round(picture.height * scale / multiple) * multiple)
    return picture.resize((w, h), Image.BICUBIC)


class Builder:
    """Turns documents into samples for one stage, with the tokenizer and special tokens of the model."""

    def __init__(self, tokenizer, special, bank: ImageBank, has_vit: bool, seq_len: int):
        self.tok, self.special, self.bank, self.has_vit, self.seq_len = tokenizer, special, bank, has_vit, seq_len

    def text(self, text: str, loss: bool) -> Piece:
        ids = (self.special.bos, *self.tok.encode(text, add_special_tokens=False), self.special.eos)
        return Piece("text", len(ids), ids=ids, loss=loss)

    def image(self, path: Path, kind: PieceKind) -> Piece:
        return Piece(kind, self.bank.tokens(path, kind) + 2, image=path, loss=kind == "noisy")

    def reference(self, member, with_text_loss: bool) -> list[Piece]:
        """An ID token's description, then its picture: clean latent (and ViT tokens), as draw() places them."""
        pieces = [self.text(member.text, with_text_loss)]
        if member.image is not None:
            pieces.append(self.image(member.image, "latent"))
            if self.has_vit:
                pieces.append(self.image(member.image, "vit"))
        return pieces

    # ------------------------------------------------------------------------ per stage
    def interleaved(self, doc: FilmDocument) -> list[Sample]:
        """Stage 1: the whole document; keyframes noised (flow loss), all text with cross-entropy."""
        head: list[Piece] = []
        for member in doc.cast:
            head += self.reference(member, True)
        body = [self.text(doc.treatment, True)]
        for scene in doc.scenes:
            body.append(self.text(scene.text, True))
            for shot in scene.shots:
                body += [self.text(shot.text, True), self.image(shot.keyframe, "noisy")]
                if self.has_vit:
                    body.append(self.image(shot.keyframe, "vit"))
        return self._windows("interleaved", doc, head, body)

    def script(self, doc: FilmDocument) -> list[Sample]:
        """Stage 2, understanding expert: the script's text only."""
        head = [self.text(m.text, True) for m in doc.cast]
        body = [self.text(doc.treatment, True)]
        for scene in doc.scenes:
            body.append(self.text(scene.text, True))
            body += [self.text(shot.text, True) for shot in scene.shots]
        return self._windows("script", doc, head, body)

    def keyframes(self, doc: FilmDocument) -> list[Sample]:
        """Stage 2, generation expert: per shot, the cast it names and its text in context, the keyframe out."""
        out = []
        for scene in doc.scenes:
            for shot in scene.shots:
                named = f"{scene.text} {shot.text}"
                pieces: list[Piece] = []
                for member in doc.cast:
                    if member.token in named:
                        pieces += self.reference(member, False)
                pieces += [self.text(shot.text, False), self.image(shot.keyframe, "noisy")]
                sample = Sample("keyframe", doc.id, pieces)
                self._fits(sample.length, doc, "a keyframe sample (its references, text and image)")
                out.append(sample)
        return out

    def _windows(self, kind: SampleKind, doc: FilmDocument, head: list[Piece], body: list[Piece]) -> list[Sample]:
        """The cast, then the body, split at piece boundaries when long: every window starts from the
        cast (references in context as at inference; its text learnt only in the first window)."""
        context = [p if p.kind != "text" else Piece("text", p.length, p.ids, False) for p in head]
        samples, current = [], Sample(kind, doc.id, list(head))
        self._fits(current.length, doc, "its cast")
        for piece in body:
            if current.length + piece.length > self.seq_len and len(current.pieces) > len(context):
                samples.append(current)
                current = Sample(kind, doc.id, list(context))
            self._fits(current.length + piece.length, doc, "its cast and one piece of text or one image")
            current.pieces.append(piece)
        samples.append(current)
        return samples

    def _fits(self, length: int, doc: FilmDocument, what: str) -> None:
        if length > self.seq_len:
            raise InputError(f"document {doc.id}: {what} take {length} tokens, more than data.seq_len = "
                             f"{self.seq_len}; raise seq_len or lower keyframe_side / reference_side")


def pack(samples: list[Sample], seq_len: int) -> list[Packed]:
    """Greedy packing in order: a sample joins the current sequence while it fits."""
    out: list[Packed] = []
    current = Packed([], seq_len)
    for sample in samples:
        if current.samples and current.used + sample.length > seq_len:
            out.append(current)
            current = Packed([], seq_len)
        current.samples.append(sample)
    if current.samples:
        out.append(current)
    return out
