"""An interleaved context of text and images, prefilled once into a KV cache.

Text advances the RoPE position by one per token; an image (framed by start/end-of-image tokens)
takes a single position for all its tokens and sees itself whole. Clean reference latents go to the
generation expert at timestep 0, ViT tokens to the understanding expert, as BAGEL places them.
"""

from __future__ import annotations

import torch

from auteur.core.errors import AuteurError
from auteur.models.mot.cache import KVCache
from auteur.models.mot.config import SpecialTokens
from auteur.models.mot.masks import Segment
from auteur.models.mot.model import MoT, grid_ids_2d


def patchify(latent: torch.Tensor, p: int) -> torch.Tensor:
    """[C, h*p, w*p] -> [h*w, p*p*C] (row-major patches, channels last)."""
    c, H, W = latent.shape
    x = latent.reshape(c, H // p, p, W // p, p)
    return torch.einsum("chpwq->hwpqc", x).reshape(-1, p * p * c)


def unpatchify(tokens: torch.Tensor, h: int, w: int, p: int, c: int) -> torch.Tensor:
    """[h*w, p*p*C] -> [C, h*p, w*p]."""
    x = tokens.reshape(h, w, p, p, c)
    return torch.einsum("hwpqc->chpwq", x).reshape(c, h * p, w * p)


def grid_ids(h: int, w: int, max_side: int, device=None) -> torch.Tensor:
    """Flattened 2-D position ids of an h x w patch grid; refuses a grid the position table cannot hold."""
    if max(h, w) > max_side:
        raise AuteurError(f"an image of {w}x{h} patches exceeds the model's position table ({max_side} patches a side); "
                          f"lower the director's image_side / reference_side")
    return grid_ids_2d(h, w, max_side, device)


class Context:
    def __init__(self, model: MoT, special: SpecialTokens, capacity: int, cache: KVCache | None = None):
        self.model, self.special = model, special
        self.cache = cache if cache is not None else model.new_cache(capacity)
        self.position = 0
        self.device = next(model.parameters()).device

    def _ids(self, ids) -> torch.Tensor:
        return torch.as_tensor(ids, dtype=torch.long, device=self.device).reshape(1, -1)

    @torch.no_grad()
    def add_text(self, ids) -> torch.Tensor:
        """Append text token ids; returns the logits [V] after the last one."""
        ids = self._ids(ids)
        L = ids.shape[1]
        positions = torch.arange(self.position, self.position + L, device=self.device)[None]
        hidden = self.model(self.model.embed_text(ids), positions, (Segment("text", L),), cache=self.cache)
        self.position += L
        return self.model.logits(hidden[0, -1]).float()

    @torch.no_grad()
    def add_latent_image(self, latent: torch.Tensor) -> None:
        """Append a clean VAE latent [C, H, W] as a reference image (generation expert, timestep 0)."""
        cfg = self.model.cfg
        p = cfg.latent_patch_size
        h, w = latent.shape[1] // p, latent.shape[2] // p
        tokens = patchify(latent.to(self.device), p)[None]
        lat = self.model.embed_latents(tokens, torch.zeros(1, device=self.device), grid_ids(h, w, cfg.max_latent_size, self.device))
        self._add_image(lat, gen_inside=True)

    @torch.no_grad()
    def add_vit_image(self, pixels: torch.Tensor) -> None:
        """Append an image [3, H, W] in [-1, 1] through SigLIP and the connector (understanding expert)."""
        self._add_image(self.model.embed_vit(pixels[None].to(self.device)), gen_inside=False)

    def _add_image(self, inner: torch.Tensor, gen_inside: bool) -> None:
        ends = self.model.embed_text(self._ids([self.special.start_of_image, self.special.end_of_image]))
        embeds = torch.cat([ends[:, :1], inner.to(ends.dtype), ends[:, 1:]], dim=1)
        L = embeds.shape[1]
        gen = torch.zeros(1, L, dtype=torch.bool, device=self.device)
        gen[:, 1:-1] = gen_inside
        positions = torch.full((1, L), self.position, device=self.device)
        self.model(embeds, positions, (Segment("image", L),), gen=gen if gen_inside else None, cache=self.cache)
        self.position += 1
