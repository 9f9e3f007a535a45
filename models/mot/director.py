"""The `mot` DirectorModel backend: the MoT model writes every stage and draws every image.

write(): the role's prompt goes through the checkpoint's chat template, or BAGEL's own text turns when
the tokenizer has none (BAGEL's never has), and decoding is constrained by the stage's JSON schema,
narrowed to the request (schemas.py) so the answer validates as is; decoding runs on the static,
graph-captured path (decode_static.py).
draw(): character and location references enter the context as their ID token followed by the
image (VAE latents, plus SigLIP tokens when the checkpoint has a ViT, both sized as BAGEL sizes
inputs), then the visual prompt; the keyframe is denoised from noise seeded by the request, with
BAGEL's text and image guidance. draw_many() denoises several keyframes of one size in one loop.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar

import torch
from PIL import Image
from pydantic import BaseModel, ValidationError

from auteur.models.director import DrawRequest, Reference, WriteRequest
from auteur.models.mot import vae as vae_ops
from auteur.models.mot.constrained import JsonSchemaConstraint, grammar_compiler
from auteur.models.mot.decode_static import StaticDecoder
from auteur.models.mot.generate_image import Guidance, build_branches, denoise_many
from auteur.models.mot.loading import RELEASED, load
from auteur.models.mot.pictures import VAE_SIZES, VIT_SIZES, bagel_resize, check_vit_side, to_picture, to_tensor
from auteur.models.mot.schemas import schema_for
from auteur.core.errors import AuteurError
from auteur.core.schema import Screenplay, Treatment, describe_validation_error

T = TypeVar("T", bound=BaseModel)

SYSTEM = "You are a film crew member. Answer with one JSON document and nothing else."


class MotDirector:
    name = "mot"

    def __init__(self, model: str = RELEASED, dtype: str = "bf16", device: str = "auto", device_map: str | None = None,
                 quantization: str | None = None, max_new_tokens: int = 4096, temperature: float = 0.0,
                 max_chars: int = 48, max_items: int = 4, steps: int = 50, shift: float = 3.0,
                 text_scale: float = 4.0, image_scale: float = 2.0, interval: tuple[float, float] = (0.4, 1.0),
                 renorm_min: float = 0.0, renorm: str = "global", image_side: int = 1024,
                 reference_side: int = VAE_SIZES[0], reference_min_side: int = VAE_SIZES[1],
                 vit_side: int = VIT_SIZES[0], vit_min_side: int = VIT_SIZES[1], posterior: str = "mean",
                 scene_context: bool = False, keyframe_batch: int = 4, graphs: bool | None = None,
                 story_piece_tokens: int = 6000):
        """`steps` is BAGEL's `num_timesteps`: schedule points, so steps - 1 Euler steps (50 is BAGEL's default).

        `posterior`: "mean" (default: a reference picture always gives the same latent, so a plate seen by
        many shots conditions them identically) or "sample" (BAGEL's encoder, seeded by the request).
        `scene_context`: a keyframe also sees the previous keyframe of its scene (MovieDreamer).
        `keyframe_batch`: at most this many keyframes share one denoising loop in `draw_many`.
        `story_piece_tokens`: the most tokens of a story's text one request carries (story_pieces.py).
        """
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if posterior not in ("mean", "sample"):
            raise AuteurError(f"mot director posterior {posterior!r}: choose mean or sample")
        if steps < 2:
            raise AuteurError(f"mot director steps = {steps}: BAGEL's schedule needs at least 2 points (1 step)")
        self._settings = dict(model=str(model), dtype=dtype, quantization=quantization, max_new_tokens=max_new_tokens,
                              temperature=temperature, max_chars=max_chars, max_items=max_items, steps=steps, shift=shift,
                              text_scale=text_scale, image_scale=image_scale, interval=list(interval),
                              renorm_min=renorm_min, renorm=renorm, image_side=image_side, reference_side=reference_side,
                              reference_min_side=reference_min_side, vit_side=vit_side, vit_min_side=vit_min_side,
                              posterior=posterior, scene_context=scene_context)
        self.keyframe_batch, self.graphs = max(1, keyframe_batch), graphs
        self.story_piece_tokens = max(64, story_piece_tokens)
        self._settings["story_piece_tokens"] = self.story_piece_tokens
        self.loaded = load(model, dtype=dtype, device=device, device_map=device_map, quantization=quantization)
        self._settings["weights"] = _fingerprint(self.loaded.path / "ema.safetensors")
        self.guidance = Guidance(text_scale, image_scale, tuple(interval), renorm_min, renorm)
        m = self.loaded.model
        if m.cfg.vit is not None:
            check_vit_side(m.vit_side_limit(), vit_side, vit_min_side, m.cfg.vit["patch_size"], "mot director vit_side")
        self._compiler = grammar_compiler(self.loaded.tokenizer, m.cfg.llm.vocab_size, [self.loaded.special.eos])
        self._decoder: StaticDecoder | None = None

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    # ---------------------------------------------------------------- the script
    def prompt_ids(self, prompt: str) -> list[int]:
        """The system turn and the user's turn, then the start of the answer's turn.

        Through the tokenizer's chat template when it has one; otherwise as BAGEL frames text, each
        turn <|im_start|> text <|im_end|>, and the answer opened by <|im_start|> (BAGEL's start token).
        """
        tok, sp = self.loaded.tokenizer, self.loaded.special
        if getattr(tok, "chat_template", None):
            messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]
            return list(tok.encode(tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False),
                                   add_special_tokens=False))
        ids: list[int] = []
        for text in (SYSTEM, prompt):
            ids += [sp.bos, *tok.encode(text, add_special_tokens=False), sp.eos]
        return ids + [sp.bos]

    def _text_decoder(self, needed: int) -> StaticDecoder:
        if self._decoder is None or self._decoder.capacity < needed:
            self._decoder = StaticDecoder(self.loaded.model, self.loaded.special, max(needed, 1024), graphs=self.graphs)
        return self._decoder

    def write(self, request: WriteRequest, schema: type[T]) -> T:
        if request.context.get("story") and schema in (Treatment, Screenplay):
            # a story is given in pieces that fit the context, and the plan is built stage by stage
            from auteur.models.mot.story_pieces import write_from_story

            def count(text: str) -> int:
                return len(self.loaded.tokenizer.encode(text, add_special_tokens=False))

            return write_from_story(self.write, count, request, schema, self.story_piece_tokens)
        s, tok = self._settings, self.loaded.tokenizer
        narrowed = schema_for(schema, request.context, s["max_chars"], s["max_items"])
        prompt_ids = self.prompt_ids(request.prompt)
        generator = torch.Generator().manual_seed(request.seed)
        decoder = self._text_decoder(len(prompt_ids) + s["max_new_tokens"] + 1)
        ids = decoder.generate(prompt_ids, s["max_new_tokens"], stop_ids=(self.loaded.special.eos,),
                               temperature=s["temperature"], generator=generator,
                               constraint=JsonSchemaConstraint(self._compiler, narrowed))
        text = tok.decode(ids, skip_special_tokens=True)
        try:
            return schema.model_validate_json(text)
        except ValidationError as err:
            raise AuteurError(f"mot director, {request.role} {request.task}: the model's answer does not validate "
                              f"({describe_validation_error(err)})") from None

    # ---------------------------------------------------------------- the pictures
    def _references(self, request: DrawRequest) -> list[tuple[str, Any]]:
        """ID token, then the picture for the VAE (and the ViT), each resized as BAGEL resizes inputs."""
        s, m, tok = self._settings, self.loaded.model, self.loaded.tokenizer
        refs = list(request.references)
        if s["scene_context"] and request.previous_keyframe is not None:
            refs.append(Reference("", request.previous_keyframe))
        items: list[tuple[str, Any]] = []
        for k, ref in enumerate(refs):
            if ref.token:
                items.append(("text", tok.encode(ref.token, add_special_tokens=False)))
            picture = bagel_resize(Image.open(ref.image).convert("RGB"), s["reference_side"], s["reference_min_side"], 16)
            generator = torch.Generator().manual_seed(request.seed * 1000 + k) if s["posterior"] == "sample" else None
            items.append(("latent", vae_ops.encode(self.loaded.vae, to_tensor(picture), generator)))
            if m.cfg.vit is not None:  # BAGEL feeds the ViT the VAE-sized picture, resized again
                items.append(("vit", to_tensor(bagel_resize(picture, s["vit_side"], s["vit_min_side"], m.cfg.vit["patch_size"]))))
        return items

    def draw(self, request: DrawRequest) -> Image.Image:
        return self.draw_many([request])[0]

    def draw_many(self, requests: list[DrawRequest]) -> list[Image.Image]:
        """Draw several pictures; those of one size share denoising loops of up to `keyframe_batch` images."""
        s, m = self._settings, self.loaded.model
        sizes = [_size(r.width, r.height, s["image_side"], m.cfg.pixels_per_token) for r in requests]
        out: list[Image.Image | None] = [None] * len(requests)
        for size in dict.fromkeys(sizes):
            group = [i for i, z in enumerate(sizes) if z == size]
            for start in range(0, len(group), self.keyframe_batch):
                chunk = group[start : start + self.keyframe_batch]
                for i, picture in zip(chunk, self._draw_same_size([requests[i] for i in chunk], size)):
                    out[i] = picture
        return out

    def _draw_same_size(self, requests: list[DrawRequest], size: tuple[int, int]) -> list[Image.Image]:
        s, m, tok = self._settings, self.loaded.model, self.loaded.tokenizer
        width, height = size
        down = m.cfg.vae_downsample
        branches, noise = [], []
        for r in requests:
            prompt_ids = tok.encode(r.prompt, add_special_tokens=False)
            branches.append(build_branches(m, self.loaded.special, prompt_ids, self._references(r), self.guidance))
            generator = torch.Generator().manual_seed(r.seed)
            noise.append(torch.randn(m.cfg.latent_channels, height // down, width // down, generator=generator))
        latents = denoise_many(m, self.loaded.special, branches, torch.stack(noise), s["steps"], self.guidance, s["shift"],
                               graphs=self.graphs)
        return [to_picture(vae_ops.decode(self.loaded.vae, z)).resize((r.width, r.height), Image.LANCZOS)
                for z, r in zip(latents, requests)]


def _size(width: int, height: int, side: int, multiple: int) -> tuple[int, int]:
    """The generation size: the request's aspect ratio with its long side at most `side`."""
    scale = min(1.0, side / max(width, height))
    return (max(multiple, int(width * scale) // multiple * multiple), max(multiple, int(height * scale) // multiple * multiple))


def _fingerprint(path: Path) -> str:
    """Size and head of the weights: changes when the checkpoint does, without hashing 30 GB."""
    st = path.stat()
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    return f"{st.st_size}-{hashlib.sha256(head).hexdigest()[:16]}"
