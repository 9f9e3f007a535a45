"""The `mot` DirectorModel backend: the MoT model writes every stage and draws every image.

write(): the role's prompt goes through the checkpoint's chat template, and decoding is constrained
by the stage's JSON schema, narrowed to the request (schemas.py) so the answer validates as is.
draw(): character and location references enter the context as their ID token followed by the
image (VAE latents, plus SigLIP tokens when the checkpoint has a ViT), then the visual prompt; the
keyframe is denoised from noise seeded by the request, with text and image guidance.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import torch
from PIL import Image
from pydantic import BaseModel, ValidationError

from auteur.models.director import DrawRequest, WriteRequest
from auteur.models.mot import vae as vae_ops
from auteur.models.mot.constrained import JsonSchemaConstraint, grammar_compiler
from auteur.models.mot.generate_image import Guidance, build_branches, denoise
from auteur.models.mot.generate_text import generate
from auteur.models.mot.loading import RELEASED, load
from auteur.models.mot.schemas import schema_for
from auteur.core.errors import AuteurError
from auteur.core.schema import describe_validation_error

T = TypeVar("T", bound=BaseModel)

SYSTEM = "You are a film crew member. Answer with one JSON document and nothing else."


class MotDirector:
    name = "mot"

    def __init__(self, model: str = RELEASED, dtype: str = "bf16", device: str = "auto", device_map: str | None = None,
                 quantization: str | None = None, max_new_tokens: int = 4096, temperature: float = 0.0,
                 max_chars: int = 48, max_items: int = 4, steps: int = 30, shift: float = 3.0,
                 text_scale: float = 4.0, image_scale: float = 2.0, interval: tuple[float, float] = (0.4, 1.0),
                 renorm_min: float = 0.0, renorm: str = "global", image_side: int = 1024, reference_side: int = 512):
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self._settings = dict(model=str(model), dtype=dtype, quantization=quantization, max_new_tokens=max_new_tokens,
                              temperature=temperature, max_chars=max_chars, max_items=max_items, steps=steps, shift=shift,
                              text_scale=text_scale, image_scale=image_scale, interval=list(interval),
                              renorm_min=renorm_min, renorm=renorm, image_side=image_side, reference_side=reference_side)
        self.loaded = load(model, dtype=dtype, device=device, device_map=device_map, quantization=quantization)
        self._settings["weights"] = _fingerprint(self.loaded.path / "ema.safetensors")
        self.guidance = Guidance(text_scale, image_scale, tuple(interval), renorm_min, renorm)
        m = self.loaded.model
        self._compiler = grammar_compiler(self.loaded.tokenizer, m.cfg.llm.vocab_size, [self.loaded.special.eos])

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    # ---------------------------------------------------------------- the script
    def write(self, request: WriteRequest, schema: type[T]) -> T:
        s, tok = self._settings, self.loaded.tokenizer
        narrowed = schema_for(schema, request.context, s["max_chars"], s["max_items"])
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": request.prompt}]
        prompt_ids = tok.encode(tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False),
                                add_special_tokens=False)
        generator = torch.Generator().manual_seed(request.seed)
        ids = generate(self.loaded.model, self.loaded.special, list(prompt_ids), s["max_new_tokens"],
                       stop_ids=(self.loaded.special.eos,), temperature=s["temperature"], generator=generator,
                       constraint=JsonSchemaConstraint(self._compiler, narrowed))
        text = tok.decode(ids, skip_special_tokens=True)
        try:
            return schema.model_validate_json(text)
        except ValidationError as err:
            raise AuteurError(f"mot director, {request.role} {request.task}: the model's answer does not validate "
                              f"({describe_validation_error(err)})") from None

    # ---------------------------------------------------------------- the pictures
    def draw(self, request: DrawRequest) -> Image.Image:
        s, m, tok = self._settings, self.loaded.model, self.loaded.tokenizer
        items: list[tuple[str, Any]] = []
        for ref in request.references:
            items.append(("text", tok.encode(ref.token, add_special_tokens=False)))
            picture = Image.open(ref.image).convert("RGB")
            items.append(("latent", vae_ops.encode(self.loaded.vae, _to_tensor(_fit(picture, s["reference_side"], 16)))))
            if m.cfg.vit is not None:
                side = m.cfg.vit["image_size"]
                items.append(("vit", _to_tensor(picture.resize((side, side), Image.BICUBIC))))
        prompt_ids = tok.encode(request.prompt, add_special_tokens=False)
        width, height = _size(request.width, request.height, s["image_side"], m.cfg.pixels_per_token)
        branches = build_branches(m, self.loaded.special, prompt_ids, items, self.guidance)
        down = m.cfg.vae_downsample
        generator = torch.Generator().manual_seed(request.seed)
        noise = torch.randn(m.cfg.latent_channels, height // down, width // down, generator=generator)
        latent = denoise(m, self.loaded.special, branches, noise, s["steps"], self.guidance, s["shift"])
        image = vae_ops.decode(self.loaded.vae, latent)
        pixels = ((image.permute(1, 2, 0).cpu().numpy() * 0.5 + 0.5) * 255).round().clip(0, 255).astype(np.uint8)
        return Image.fromarray(pixels).resize((request.width, request.height), Image.LANCZOS)


def _size(width: int, height: int, side: int, multiple: int) -> tuple[int, int]:
    """The generation size: the request's aspect ratio with its long side at most `side`."""
    scale = min(1.0, side / max(width, height))
    return (max(multiple, int(width * scale) // multiple * multiple), max(multiple, int(height * scale) // multiple * multiple))


def _fit(picture: Image.Image, side: int, multiple: int) -> Image.Image:
    w, h = _size(picture.width, picture.height, side, multiple)
    return picture.resize((w, h), Image.BICUBIC)


def _to_tensor(picture: Image.Image) -> torch.Tensor:
    """RGB picture -> [3, H, W] in [-1, 1]."""
    return torch.from_numpy(np.asarray(picture, dtype=np.float32) / 127.5 - 1.0).permute(2, 0, 1).contiguous()


def _fingerprint(path: Path) -> str:
    """Size and head of the weights: changes when the checkpoint does, without hashing 30 GB."""
    st = path.stat()
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    return f"{st.st_size}-{hashlib.sha256(head).hexdigest()[:16]}"
