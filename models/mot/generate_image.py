"""Image generation by rectified flow on patchified VAE latents, with text and image guidance.

The sampling math is a handful of pure functions (`schedule`, `guiding`, `guide`, `euler_step`)
following BAGEL's `generate_image`; `denoise_many` wires them to the network. The conditioning
contexts (full; without the prompt; without the reference images) are prefilled once into KV caches
and stacked into one batched cache, so each step is a single forward over all guidance branches of
all images being drawn (denoise_step.PackedStep). The noisy image is never written to a context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

from auteur.models.mot.config import SpecialTokens
from auteur.models.mot.context import Context, patchify, unpatchify
from auteur.models.mot.denoise_step import PackedStep
from auteur.models.mot.model import MoT


@dataclass(frozen=True)
class Guidance:
    text_scale: float = 4.0
    image_scale: float = 2.0
    interval: tuple[float, float] = (0.4, 1.0)  # guide only while interval[0] < t <= interval[1]
    renorm_min: float = 0.0
    renorm: Literal["global", "channel", "text_channel"] = "global"


def schedule(num_timesteps: int, shift: float = 1.0) -> torch.Tensor:
    """BAGEL's `num_timesteps` schedule points from 1 (noise) to 0 (data), warped by the timestep shift:
    num_timesteps - 1 Euler steps."""
    if num_timesteps < 2:
        raise ValueError(f"a schedule needs at least 2 points (1 step), got {num_timesteps}")
    t = torch.linspace(1, 0, num_timesteps)
    return shift * t / (1 + (shift - 1) * t)


def guiding(g: Guidance, t: float) -> bool:
    """BAGEL guides only inside the interval, and only when the text scale exceeds 1 (image guidance too)."""
    return g.text_scale > 1.0 and g.interval[0] < t <= g.interval[1]


def guide(v: torch.Tensor, v_text: torch.Tensor | None, v_img: torch.Tensor | None, g: Guidance) -> torch.Tensor:
    """Combine the conditional velocity with the text-free and image-free ones, then renormalise, as BAGEL does.

    Without a text-free velocity there is no guidance at all; the image-free one counts only when the
    image scale exceeds 1. Works on one image [n, d] or a batch of images [S, n, d] ("global" norms per image).
    """
    if v_text is None:
        return v
    use_img = v_img is not None and g.image_scale > 1.0
    v_t = v_text + g.text_scale * (v - v_text)
    if g.renorm == "text_channel":
        scale = (v.norm(dim=-1, keepdim=True) / (v_t.norm(dim=-1, keepdim=True) + 1e-8)).clamp(g.renorm_min, 1.0)
        v_t = v_t * scale
        return v_img + g.image_scale * (v_t - v_img) if use_img else v_t
    out = v_img + g.image_scale * (v_t - v_img) if use_img else v_t
    if g.renorm == "channel":
        norm_v, norm_out = v.norm(dim=-1, keepdim=True), out.norm(dim=-1, keepdim=True)
    else:
        norm_v, norm_out = v.norm(dim=(-2, -1), keepdim=True), out.norm(dim=(-2, -1), keepdim=True)
    return out * (norm_v / (norm_out + 1e-8)).clamp(g.renorm_min, 1.0)


def euler_step(x: torch.Tensor, v: torch.Tensor, dt: float) -> torch.Tensor:
    """The velocity points from data to noise, so a step of dt toward t = 0 subtracts it."""
    return x - v * dt


@dataclass
class Branches:
    cond: Context
    no_text: Context | None = None  # the references without the prompt
    no_image: Context | None = None  # every text (reference ID tokens and prompt) without the images
    has_images: bool = False  # False: the image-free context is `cond` itself


def build_branches(model: MoT, special: SpecialTokens, prompt_ids: list[int], references: list[tuple[str, object]] = (),
                   guidance: Guidance | None = None) -> Branches:
    """Prefill the conditional context (references, then prompt) and the guidance contexts BAGEL would use.

    `references` is a sequence of ("text", token ids), ("latent", clean latent [C, H, W]) and
    ("vit", pixels [3, H, W]) items, e.g. an ID token followed by its reference image. As in BAGEL's
    interleaved inference, the text-free context is everything before the prompt, and the image-free
    one keeps every text and drops only the images; neither is built when the text scale is at most 1,
    since then BAGEL does not guide at all.
    """
    g = guidance or Guidance(1.0, 1.0)
    text = [special.bos, *prompt_ids, special.eos]
    p = model.cfg.latent_patch_size
    vit_p = model.cfg.vit["patch_size"] if model.cfg.vit else 1
    sizes = {"text": lambda ids: len(ids) + 2,
             "latent": lambda lat: (lat.shape[1] // p) * (lat.shape[2] // p) + 2,
             "vit": lambda px: (px.shape[-2] // vit_p) * (px.shape[-1] // vit_p) + 2}

    def context(with_images: bool, with_prompt: bool) -> Context:
        items = [(kind, value) for kind, value in references if with_images or kind == "text"]
        ctx = Context(model, special, sum(sizes[k](v) for k, v in items) + (len(text) if with_prompt else 0) + 1)
        for kind, value in items:
            if kind == "text":
                ctx.add_text([special.bos, *value, special.eos])
            elif kind == "latent":
                ctx.add_latent_image(value)
            else:
                ctx.add_vit_image(value)
        if with_prompt:
            ctx.add_text(text)
        return ctx

    has_images = any(kind != "text" for kind, _ in references)
    guided = g.text_scale > 1.0
    return Branches(
        cond=context(True, True),
        no_text=context(True, False) if guided else None,
        no_image=context(False, True) if guided and g.image_scale > 1.0 and has_images else None,
        has_images=has_images,
    )


@torch.no_grad()
def denoise(model: MoT, special: SpecialTokens, branches: Branches, noise: torch.Tensor, num_timesteps: int,
            guidance: Guidance | None = None, shift: float | None = None, graphs: bool | None = None) -> torch.Tensor:
    """Integrate from `noise` [C, H, W] (latent space) to a clean latent of the same shape, over
    `num_timesteps` schedule points (BAGEL's count: num_timesteps - 1 steps)."""
    return denoise_many(model, special, [branches], noise[None], num_timesteps, guidance, shift, graphs)[0]


@torch.no_grad()
def denoise_many(model: MoT, special: SpecialTokens, images: list[Branches], noise: torch.Tensor, num_timesteps: int,
                 guidance: Guidance | None = None, shift: float | None = None, graphs: bool | None = None,
                 compile: bool = False) -> torch.Tensor:
    """Several images of one size in one denoising loop: noise [S, C, H, W] -> clean latents [S, C, H, W].

    Every row of the batched step is one context: first each image's conditional one, then (while
    guiding) the text-free ones, then the image-free ones. An image whose references hold no picture
    has no image-free context of its own: its conditional velocity stands in, which is what BAGEL's
    image-free context (the same texts, no images) computes.
    """
    g = guidance or Guidance(1.0, 1.0)
    cfg = model.cfg
    p, c = cfg.latent_patch_size, cfg.latent_channels
    S, h, w = len(images), noise.shape[-2] // p, noise.shape[-1] // p
    device = images[0].cond.device
    cond = [b.cond for b in images]
    plain = PackedStep(model, special, [x.cache for x in cond], [x.position for x in cond], h, w, graphs, compile)
    guided = None
    if g.text_scale > 1.0:
        rows = cond + [b.no_text for b in images]
        img_rows = []
        for j, b in enumerate(images):
            if g.image_scale > 1.0 and b.no_image is not None:
                img_rows.append(len(rows))
                rows.append(b.no_image)
            else:
                img_rows.append(j)
        guided = PackedStep(model, special, [x.cache for x in rows], [x.position for x in rows], h, w, graphs, compile)
        img_index = torch.tensor(img_rows, device=device)
        repeat = torch.tensor([j for j in range(S)] * 2 + [j for j, r in enumerate(img_rows) if r >= S], device=device)
    times = schedule(num_timesteps, cfg.timestep_shift if shift is None else shift)
    dts = times[:-1] - times[1:]  # float32, as BAGEL steps
    x = torch.stack([patchify(n.to(device).float(), p) for n in noise])  # [S, h*w, p*p*C]
    for i in range(num_timesteps - 1):
        t = float(times[i])
        if guided is not None and guiding(g, t):
            v_all = guided(x[repeat], t)
            v = guide(v_all[:S], v_all[S : 2 * S], v_all[img_index], g)
        else:
            v = plain(x, t)
        x = euler_step(x, v, float(dts[i]))
    return torch.stack([unpatchify(x[j], h, w, p, c) for j in range(S)])
