"""One velocity evaluation of a noisy image over cached contexts, shaped for speed.

The query is one image per row: its n latent tokens first, then its start- and end-of-image tokens,
so the generation expert sees one contiguous [B, n, D] block and the understanding expert a [B, 2, D]
block, each a plain (fused) matmul with no boolean gathers. All tokens of an image share one RoPE
position and see each other whole, so this order changes nothing but speed. The rows' contexts
(guidance branches, and the images of several shots) are stacked once per image into one cache with
room after the longest context; each step writes its keys into that room in place, and the padding
mask is built once (none at all when the contexts have one length). Inputs and outputs live in
preallocated buffers, so on CUDA the step is captured as one graph per row count and replayed.

`compile=True` compiles one decoder layer, not the whole step: the layer body is a function of
tensors only (each layer's weights are arguments), so torch.compile traces it once and every layer
reuses that graph (two graphs in all: the last layer skips the text MLP), where compiling the step
unrolled all 28 layers into one graph per picture size.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from typing import NamedTuple

from auteur.models.mot.cache import KVCache
from auteur.models.mot.config import SpecialTokens
from auteur.models.mot.context import grid_ids
from auteur.models.mot.fused import fused_attention, fused_mlp
from auteur.models.mot.graphs import Graphed
from auteur.models.mot.layers import apply_rope, rope_cos_sin
from auteur.models.mot.model import MoT


class PackedStep:
    """Velocities [B, n, p*p*C] of `x` at timesteps `t`, row r attending to context row r of `caches`."""

    def __init__(self, model: MoT, special: SpecialTokens, caches: list[KVCache], positions: list[int], h: int, w: int,
                 graphs: bool | None = None, compile: bool = False, backend: str = "inductor"):
        self.model, self.h, self.w = model, h, w
        p = next(model.parameters())
        device, dtype = p.device, p.dtype
        self.n = n = h * w
        B, L = len(caches), h * w + 2
        self.cache = KVCache.stack(caches, room=L)  # the context once; each step's keys go after it
        self.past = P = max(c.length for c in caches)
        valid = self.cache.valid[:, :P]
        # One host look per image: is any row padded? Only then is a mask needed at all.
        self.mask = None if bool(valid.all()) else torch.cat(
            [valid, torch.ones(B, L, dtype=torch.bool, device=device)], 1)[:, None, None, :]
        c = model.cfg.llm
        cos, sin = rope_cos_sin(torch.tensor(positions, device=device)[:, None], c.head_dim, c.rope_theta, dtype)
        self.cos, self.sin = cos[:, None], sin[:, None]  # [B, 1, 1, hd]: one position per row
        self.pos_ids = grid_ids(h, w, model.cfg.max_latent_size, device)
        self.ends = model.embed_text(torch.tensor([[special.start_of_image, special.end_of_image]], device=device)).expand(B, -1, -1)
        self.x = torch.zeros(B, n, model.cfg.patch_latent_dim, dtype=torch.float32, device=device)
        self.t = torch.zeros(B, dtype=torch.float32, device=device)
        self.v = torch.zeros_like(self.x)
        # Each layer's weights looked up once, as plain tensors: the layer body holds no modules and no Python
        # checks, so one compiled graph serves every layer
        self.layers = [LayerWeights.of(layer) for layer in model.decoder.layers]
        self.eps = c.rms_norm_eps
        self._layer = torch.compile(layer_step, dynamic=False, backend=backend) if compile else layer_step
        self._run = Graphed(lambda: self.v.copy_(self._velocity()),
                            enabled=device.type == "cuda" if graphs is None else graphs)

    @property
    def rows(self) -> int:
        return self.x.shape[0]

    def __call__(self, x: torch.Tensor, t: float) -> torch.Tensor:
        """x [B, n, p*p*C] float, t the timestep; returns the velocity buffer (overwritten by the next call)."""
        self.x.copy_(x)
        self.t.fill_(t)
        self._run()
        return self.v

    def _velocity(self) -> torch.Tensor:
        m, n = self.model, self.n
        lat = m.embed_latents(self.x, self.t, self.pos_ids)
        hs = torch.cat([lat.to(self.ends.dtype), self.ends], 1)  # [B, n + 2, D]: generation tokens first
        attn = m.decoder.layers[0].self_attn
        last = len(self.layers) - 1
        for i, w in enumerate(self.layers):
            hs = self._layer(hs, w, self.cache.k[i], self.cache.v[i], self.cos[:, 0], self.sin[:, 0], self.mask,
                             n, self.past, attn.n_heads, attn.n_kv, attn.head_dim, self.eps, i == last)
        return m.velocity(m.decoder.norm_moe_gen(hs[:, :n])).float()


class LayerWeights(NamedTuple):
    """One decoder layer's weights for the packed step (generation expert first, then understanding)."""

    norm_gen: torch.Tensor
    norm_und: torch.Tensor
    qkv_gen: tuple[torch.Tensor, torch.Tensor]  # fused (weight, bias)
    qkv_und: tuple[torch.Tensor, torch.Tensor]
    q_norm_gen: torch.Tensor | None  # None where the model has no QK-norm
    q_norm_und: torch.Tensor | None
    k_norm_gen: torch.Tensor | None
    k_norm_und: torch.Tensor | None
    o_gen: torch.Tensor
    o_und: torch.Tensor
    post_norm_gen: torch.Tensor
    post_norm_und: torch.Tensor
    gate_up_gen: torch.Tensor
    gate_up_und: torch.Tensor
    down_gen: torch.Tensor
    down_und: torch.Tensor

    @classmethod
    def of(cls, layer) -> LayerWeights:
        a = layer.self_attn

        def norm(module):
            return module.weight.detach() if hasattr(module, "weight") else None

        return cls(layer.input_layernorm_moe_gen.weight.detach(), layer.input_layernorm.weight.detach(),
                   fused_attention(a, "_moe_gen"), fused_attention(a, ""),
                   norm(a.q_norm_moe_gen), norm(a.q_norm), norm(a.k_norm_moe_gen), norm(a.k_norm),
                   a.o_proj_moe_gen.weight.detach(), a.o_proj.weight.detach(),
                   layer.post_attention_layernorm_moe_gen.weight.detach(), layer.post_attention_layernorm.weight.detach(),
                   fused_mlp(layer.mlp_moe_gen), fused_mlp(layer.mlp),
                   layer.mlp_moe_gen.down_proj.weight.detach(), layer.mlp.down_proj.weight.detach())


def _rms(x: torch.Tensor, weight: torch.Tensor | None, eps: float) -> torch.Tensor:
    """layers.RMSNorm as a function (no weight: the identity, as a model without QK-norm has)."""
    if weight is None:
        return x
    dtype = x.dtype
    x = x.float()
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)).to(dtype)


def _mlp(x: torch.Tensor, gate_up: torch.Tensor, down: torch.Tensor) -> torch.Tensor:
    gate, up = F.linear(x, gate_up).chunk(2, dim=-1)
    return F.linear(F.silu(gate) * up, down)


def layer_step(hs, w: LayerWeights, keys, values, cos, sin, mask, n: int, P: int, H: int, K: int, hd: int,
               eps: float, last: bool) -> torch.Tensor:
    """One decoder layer over [B, n + 2, D] (n latent tokens, then start and end of image); writes its keys."""
    B = hs.shape[0]
    g = F.linear(_rms(hs[:, :n], w.norm_gen, eps), *w.qkv_gen)
    u = F.linear(_rms(hs[:, n:], w.norm_und, eps), *w.qkv_und)
    qg, kg, vg = g.split([H * hd, K * hd, K * hd], -1)
    qu, ku, vu = u.split([H * hd, K * hd, K * hd], -1)
    q = torch.cat([_rms(qg.view(B, n, H, hd), w.q_norm_gen, eps), _rms(qu.view(B, 2, H, hd), w.q_norm_und, eps)],
                  1).transpose(1, 2)
    k = torch.cat([_rms(kg.view(B, n, K, hd), w.k_norm_gen, eps), _rms(ku.view(B, 2, K, hd), w.k_norm_und, eps)],
                  1).transpose(1, 2)
    v = torch.cat([vg, vu], 1).view(B, n + 2, K, hd).transpose(1, 2)
    q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
    keys[:, :, P:].copy_(k)
    values[:, :, P:].copy_(v)
    if mask is not None and H != K:
        # A masked grouped-query call falls back to the math kernel on CUDA (scores materialised);
        # repeating the K/V heads keeps it on the memory-efficient one.
        keys, values = keys.repeat_interleave(H // K, 1), values.repeat_interleave(H // K, 1)
    o = F.scaled_dot_product_attention(q, keys, values, attn_mask=mask, enable_gqa=mask is None and H != K)
    o = o.transpose(1, 2).reshape(B, n + 2, H * hd)
    hs = hs + torch.cat([F.linear(o[:, :n], w.o_gen), F.linear(o[:, n:], w.o_und)], 1)
    gen = _mlp(_rms(hs[:, :n], w.post_norm_gen, eps), w.gate_up_gen, w.down_gen)
    if last:  # the start/end tokens' last MLP feeds nothing that is read
        return hs[:, :n] + gen
    return hs + torch.cat([gen, _mlp(_rms(hs[:, n:], w.post_norm_und, eps), w.gate_up_und, w.down_und)], 1)
