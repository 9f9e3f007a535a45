"""The blocks both branches are built of (Wan 2.2 layout): norms, attention, a modulated block, output heads.

Parameter names follow the reference so its checkpoint loads as is. Time modulation lives in float32:
the reference asserts float32 modulation and computes heads in float32 autocast regions, so here the
modulation sums and the heads' projections run in float32 whatever the weights' dtype.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from auteur.models.uniavgen.attention import attend
from auteur.models.uniavgen.rope import rotate


def linear_fp32(layer: nn.Linear, x: torch.Tensor) -> torch.Tensor:
    bias = None if layer.bias is None else layer.bias.float()
    return F.linear(x.float(), layer.weight.float(), bias)


def sequential_fp32(seq: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
    """Run a Linear/activation stack in float32 (weights upcast on the fly)."""
    x = x.float()
    for layer in seq:
        x = linear_fp32(layer, x) if isinstance(layer, nn.Linear) else layer(x)
    return x


def sinusoid(dim: int, t: torch.Tensor) -> torch.Tensor:
    """[cos | sin] timestep features, computed in float64 and returned in float32."""
    half = dim // 2
    t = t.to(torch.float64)
    angles = torch.outer(t.flatten(), torch.pow(10000, -torch.arange(half, dtype=torch.float64, device=t.device) / half))
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=1).float().view(*t.shape, dim)


class RMSNorm(nn.Module):
    """RMS norm over the last dim, computed in the input's dtype as the reference does."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)).type_as(x) * self.weight


class LayerNorm(nn.LayerNorm):
    """LayerNorm (affine only where asked) that returns the input's dtype."""

    def __init__(self, dim: int, eps: float, affine: bool = False):
        super().__init__(dim, eps=eps, elementwise_affine=affine)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x).type_as(x)


class Attention(nn.Module):
    """q/k/v/o projections with RMS-normed q and k; self-attention when `context` is None.

    `dim` is the attention width; queries come from (and the output returns to) `q_dim` channels,
    keys and values from `kv_dim` (both `dim` unless given).
    """

    def __init__(self, dim: int, heads: int, qk_norm: bool, eps: float, q_dim: int | None = None,
                 kv_dim: int | None = None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(q_dim or dim, dim)
        self.k = nn.Linear(kv_dim or dim, dim)
        self.v = nn.Linear(kv_dim or dim, dim)
        self.o = nn.Linear(dim, q_dim or dim)
        self.norm_q = RMSNorm(dim, eps) if qk_norm else nn.Identity()
        self.norm_k = RMSNorm(dim, eps) if qk_norm else nn.Identity()

    def project(self, x: torch.Tensor, context: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """q from x, k and v from context, each [B, L, heads, head_dim]."""
        q = self.norm_q(self.q(x))
        k = self.norm_k(self.k(context))
        v = self.v(context)
        return tuple(u.unflatten(-1, (self.heads, -1)) for u in (q, k, v))

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None, key_len: torch.Tensor | None = None,
                rope_q: torch.Tensor | None = None, rope_k: torch.Tensor | None = None) -> torch.Tensor:
        q, k, v = self.project(x, x if context is None else context)
        if rope_q is not None:
            q = rotate(q, rope_q)
        if rope_k is not None:
            k = rotate(k, rope_k)
        return self.o(attend(q, k, v, key_len))


class AttentionBlock(nn.Module):
    """Self-attention, text cross-attention and a GELU MLP, with six time-modulation vectors per token."""

    def __init__(self, dim: int, ffn_dim: int, heads: int, qk_norm: bool, cross_attn_norm: bool, eps: float):
        super().__init__()
        self.norm1 = LayerNorm(dim, eps)
        self.self_attn = Attention(dim, heads, qk_norm, eps)
        self.norm3 = LayerNorm(dim, eps, affine=True) if cross_attn_norm else nn.Identity()
        self.cross_attn = Attention(dim, heads, qk_norm, eps)
        self.norm2 = LayerNorm(dim, eps)
        self.ffn = nn.Sequential(nn.Linear(dim, ffn_dim), nn.GELU(approximate="tanh"), nn.Linear(ffn_dim, dim))
        self.modulation = nn.Parameter(torch.randn(1, 6, dim) / dim**0.5)

    def forward(self, x: torch.Tensor, e: torch.Tensor, rope: torch.Tensor, context: torch.Tensor,
                context_len: torch.Tensor | None = None, cross_rope: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        """x [B, L, C]; e [B, L or 1, 6, C] float32 time projections; cross_rope (queries, keys) for the audio branch."""
        shift1, scale1, gate1, shift2, scale2, gate2 = (
            m.squeeze(2).to(x.dtype) for m in (self.modulation.float().unsqueeze(1) + e).chunk(6, dim=2))
        x = x + self.self_attn(self.norm1(x) * (1 + scale1) + shift1, rope_q=rope, rope_k=rope) * gate1
        rq, rk = cross_rope or (None, None)
        x = x + self.cross_attn(self.norm3(x), context, context_len, rope_q=rq, rope_k=rk)
        return x + self.ffn(self.norm2(x) * (1 + scale2) + shift2) * gate2


class Head(nn.Module):
    """Final modulated LayerNorm and projection (float32), `out_dim` channels per token times `patch` volume."""

    def __init__(self, dim: int, out_dim: int, eps: float, patch: tuple[int, ...] = (1,)):
        super().__init__()
        self.norm = LayerNorm(dim, eps)
        self.head = nn.Linear(dim, math.prod(patch) * out_dim)
        self.modulation = nn.Parameter(torch.randn(1, 2, dim) / dim**0.5)

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """x [B, L, C]; e [B, L or 1, C] float32 time embedding."""
        shift, scale = (m.squeeze(2) for m in (self.modulation.float().unsqueeze(0) + e.unsqueeze(2)).chunk(2, dim=2))
        return linear_fp32(self.head, self.norm(x) * (1 + scale) + shift)
