"""Image generation by rectified flow on patchified VAE latents, with text and image guidance.

The sampling math is a handful of pure functions (`schedule`, `guide`, `euler_step`); `denoise`
wires them to the network. The conditioning contexts (full; without the text; without the
reference images) are prefilled once into KV caches and stacked into one batched cache, so each
step is a single forward over all guidance branches. The noisy image is appended after each
context without being written to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

from auteur.models.mot.cache import KVCache
from auteur.models.mot.config import SpecialTokens
from auteur.models.mot.context import Context, grid_ids, patchify, unpatchify
from auteur.models.mot.masks import Segment
from auteur.models.mot.model import MoT


@dataclass(frozen=True)
class Guidance:
    text_scale: float = 4.0
    image_scale: float = 2.0
    interval: tuple[float, float] = (0.4, 1.0)  # guide only while interval[0] < t <= interval[1]
    renorm_min: float = 0.0
    renorm: Literal["global", "channel", "text_channel"] = "global"


def schedule(steps: int, shift: float = 1.0) -> torch.Tensor:
    """steps + 1 times from 1 (noise) to 0 (data), warped by the timestep shift."""
    t = torch.linspace(1, 0, steps + 1)
    return shift * t / (1 + (shift - 1) * t)


def guide(v: torch.Tensor, v_text: torch.Tensor | None, v_img: torch.Tensor | None, g: Guidance) -> torch.Tensor:
    """Combine the conditional velocity with the text-free and image-free ones, then renormalise."""
    if v_text is None and v_img is None:
        return v
    v_t = v if v_text is None else v_text + g.text_scale * (v - v_text)
    if g.renorm == "text_channel" and v_text is not None:
        scale = (v.norm(dim=-1, keepdim=True) / (v_t.norm(dim=-1, keepdim=True) + 1e-8)).clamp(g.renorm_min, 1.0)
        v_t = v_t * scale
        return v_t if v_img is None else v_img + g.image_scale * (v_t - v_img)
    out = v_t if v_img is None else v_img + g.image_scale * (v_t - v_img)
    if g.renorm == "channel":
        norm_v, norm_out = v.norm(dim=-1, keepdim=True), out.norm(dim=-1, keepdim=True)
    else:
        norm_v, norm_out = v.norm(), out.norm()
    return out * (norm_v / (norm_out + 1e-8)).clamp(g.renorm_min, 1.0)


def euler_step(x: torch.Tensor, v: torch.Tensor, t: torch.Tensor, t_next: torch.Tensor) -> torch.Tensor:
    """The velocity points from data to noise, so a step toward t_next < t subtracts it."""
    return x - v * (t - t_next)


@dataclass
class Branches:
    cond: Context
    no_text: Context | None = None  # the references without the prompt
    no_image: Context | None = None  # the prompt without the references


def build_branches(model: MoT, special: SpecialTokens, prompt_ids: list[int], references: list[tuple[str, object]] = (),
                   guidance: Guidance | None = None) -> Branches:
    """Prefill the conditional context (references, then prompt) and the guidance contexts it needs.

    `references` is a sequence of ("text", token ids), ("latent", clean latent [C, H, W]) and
    ("vit", pixels [3, S, S]) items, e.g. an ID token followed by its reference image.
    """
    g = guidance or Guidance(1.0, 1.0)
    text = [special.bos, *prompt_ids, special.eos]
    p = model.cfg.latent_patch_size
    sizes = {"text": lambda ids: len(ids) + 2,
             "latent": lambda lat: (lat.shape[1] // p) * (lat.shape[2] // p) + 2,
             "vit": lambda px: (px.shape[-1] // model.cfg.vit["patch_size"]) ** 2 + 2}
    ref_tokens = sum(sizes[kind](value) for kind, value in references)

    def context(with_refs: bool, with_text: bool) -> Context:
        ctx = Context(model, special, (ref_tokens if with_refs else 0) + (len(text) if with_text else 0) + 1)
        for kind, value in references if with_refs else ():
            if kind == "text":
                ctx.add_text([special.bos, *value, special.eos])
            elif kind == "latent":
                ctx.add_latent_image(value)
            else:
                ctx.add_vit_image(value)
        if with_text:
            ctx.add_text(text)
        return ctx

    has_images = any(kind != "text" for kind, _ in references)
    return Branches(
        cond=context(True, True),
        no_text=context(True, False) if g.text_scale != 1.0 else None,
        no_image=context(False, True) if g.image_scale != 1.0 and has_images else None,
    )


@torch.no_grad()
def denoise(model: MoT, special: SpecialTokens, branches: Branches, noise: torch.Tensor, steps: int,
            guidance: Guidance | None = None, shift: float | None = None) -> torch.Tensor:
    """Integrate from `noise` [C, H, W] (latent space) to a clean latent of the same shape."""
    g = guidance or Guidance(1.0, 1.0)
    cfg = model.cfg
    p, c = cfg.latent_patch_size, cfg.latent_channels
    h, w = noise.shape[1] // p, noise.shape[2] // p
    device = branches.cond.device
    contexts = [ctx for ctx in (branches.cond, branches.no_text, branches.no_image) if ctx is not None]
    guided = KVCache.stack([ctx.cache for ctx in contexts]) if len(contexts) > 1 else None
    positions = torch.tensor([ctx.position for ctx in contexts], device=device)
    n = h * w
    gen = torch.zeros(len(contexts), n + 2, dtype=torch.bool, device=device)
    gen[:, 1:-1] = True
    ends = model.embed_text(torch.tensor([[special.start_of_image, special.end_of_image]], device=device))
    pos_ids = grid_ids(h, w, cfg.max_latent_size, device)
    times = schedule(steps, cfg.timestep_shift if shift is None else shift).to(device)
    x = patchify(noise.to(device).float(), p)
    for i in range(steps):
        t = times[i]
        use_guidance = guided is not None and g.interval[0] < float(t) <= g.interval[1]
        B = len(contexts) if use_guidance else 1
        cache = guided if use_guidance else branches.cond.cache
        lat = model.embed_latents(x[None].expand(B, -1, -1), t.expand(B), pos_ids)
        embeds = torch.cat([ends[:, :1].expand(B, -1, -1), lat.to(ends.dtype), ends[:, 1:].expand(B, -1, -1)], dim=1)
        pos = positions[:B, None].expand(B, n + 2)
        hidden = model(embeds, pos, (Segment("noisy", n + 2),), gen=gen[:B], cache=cache, write=False)
        v_all = model.velocity(hidden[:, 1:-1]).float()
        v, rest = v_all[0], list(v_all[1:])
        v_text = rest.pop(0) if use_guidance and branches.no_text is not None else None
        v_img = rest.pop(0) if use_guidance and branches.no_image is not None else None
        v = guide(v, v_text, v_img, g)
        x = euler_step(x, v, times[i], times[i + 1])
    return unpatchify(x, h, w, p, c)
