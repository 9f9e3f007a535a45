"""One velocity evaluation of a noisy image over cached contexts, shaped for speed.

The query is one image per row: its n latent tokens first, then its start- and end-of-image tokens,
so the generation expert sees one contiguous [B, n, D] block and the understanding expert a [B, 2, D]
block, each a plain (fused) matmul with no boolean gathers. All tokens of an image share one RoPE
position and see each other whole, so this order changes nothing but speed. The rows' contexts
(guidance branches, and the images of several shots) are stacked once per image into one cache with
room after the longest context; each step writes its keys into that room in place, and the padding
mask is built once (none at all when the contexts have one length). Inputs and outputs live in
preallocated buffers, so on CUDA the step is captured as one graph per row count and replayed.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

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
                 graphs: bool | None = None, compile: bool = False):
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
        # Fused weights looked up once: the step itself holds no Python checks (nothing for torch.compile to trip on).
        self.weights = [(fused_attention(l.self_attn, "_moe_gen"), fused_attention(l.self_attn, ""),
                         fused_mlp(l.mlp_moe_gen), fused_mlp(l.mlp)) for l in model.decoder.layers]
        fn = torch.compile(self._velocity, dynamic=False) if compile else self._velocity
        self._run = Graphed(lambda: self.v.copy_(fn()), enabled=device.type == "cuda" if graphs is None else graphs)

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
        m, n, P = self.model, self.n, self.past
        B = self.rows
        lat = m.embed_latents(self.x, self.t, self.pos_ids)
        hs = torch.cat([lat.to(self.ends.dtype), self.ends], 1)  # [B, n + 2, D]: generation tokens first
        layers = m.decoder.layers
        for i, layer in enumerate(layers):
            attn = layer.self_attn
            H, K, hd = attn.n_heads, attn.n_kv, attn.head_dim
            qkv_gen, qkv_und, mlp_gen, mlp_und = self.weights[i]
            g = F.linear(layer.input_layernorm_moe_gen(hs[:, :n]), *qkv_gen)
            u = F.linear(layer.input_layernorm(hs[:, n:]), *qkv_und)
            qg, kg, vg = g.split([H * hd, K * hd, K * hd], -1)
            qu, ku, vu = u.split([H * hd, K * hd, K * hd], -1)
            q = torch.cat([attn.q_norm_moe_gen(qg.view(B, n, H, hd)), attn.q_norm(qu.view(B, 2, H, hd))], 1).transpose(1, 2)
            k = torch.cat([attn.k_norm_moe_gen(kg.view(B, n, K, hd)), attn.k_norm(ku.view(B, 2, K, hd))], 1).transpose(1, 2)
            v = torch.cat([vg, vu], 1).view(B, n + 2, K, hd).transpose(1, 2)
            q, k = apply_rope(q, self.cos[:, 0], self.sin[:, 0]), apply_rope(k, self.cos[:, 0], self.sin[:, 0])
            keys, values = self.cache.k[i], self.cache.v[i]
            keys[:, :, P:].copy_(k)
            values[:, :, P:].copy_(v)
            if self.mask is not None and H != K:
                # A masked grouped-query call falls back to the math kernel on CUDA (scores materialised);
                # repeating the K/V heads keeps it on the memory-efficient one.
                keys, values = keys.repeat_interleave(H // K, 1), values.repeat_interleave(H // K, 1)
            o = F.scaled_dot_product_attention(q, keys, values, attn_mask=self.mask,
                                               enable_gqa=self.mask is None and H != K)
            o = o.transpose(1, 2).reshape(B, n + 2, H * hd)
            hs = hs + torch.cat([attn.o_proj_moe_gen(o[:, :n]), attn.o_proj(o[:, n:])], 1)
            gen = _mlp(layer.mlp_moe_gen, mlp_gen, layer.post_attention_layernorm_moe_gen(hs[:, :n]))
            if i == len(layers) - 1:  # the start/end tokens' last MLP feeds nothing that is read
                hs = hs[:, :n] + gen
            else:
                hs = hs + torch.cat([gen, _mlp(layer.mlp, mlp_und, layer.post_attention_layernorm(hs[:, n:]))], 1)
        return m.velocity(m.decoder.norm_moe_gen(hs[:, :n])).float()


def _mlp(mlp, gate_up: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    gate, up = F.linear(x, gate_up).chunk(2, dim=-1)
    return mlp.down_proj(F.silu(gate) * up)
