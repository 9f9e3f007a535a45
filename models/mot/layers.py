"""Building blocks of a Qwen2 decoder layer with two experts: RMSNorm, SwiGLU MLP, RoPE, attention.

Every weight of the understanding expert has a twin with the suffix `_moe_gen` for the generation
expert, named exactly as in BAGEL's checkpoints. There is no learned router: a boolean `gen` mask
(True for VAE-latent tokens) says which twin sees which token.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from auteur.models.mot.config import LLMConfig
from auteur.models.mot.masks import Mask, attend


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class MLP(nn.Module):
    def __init__(self, cfg: LLMConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


def routed(x: torch.Tensor, gen: torch.Tensor | None, und: Callable, gen_expert: Callable) -> torch.Tensor:
    """Apply `und` to the tokens where `gen` is False and `gen_expert` where it is True."""
    if gen is None:
        return und(x)
    n_gen = int(gen.sum())
    if n_gen == 0:
        return und(x)
    if n_gen == gen.numel():
        return gen_expert(x)
    a, b = und(x[~gen]), gen_expert(x[gen])
    out = a.new_empty(*gen.shape, *a.shape[1:])
    out[~gen], out[gen] = a, b
    return out


def rope_cos_sin(positions: torch.Tensor, head_dim: int, theta: float, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin for `positions` [B, L] as Qwen2 computes them (fp32, then cast)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=positions.device, dtype=torch.int64).float() / head_dim))
    freqs = positions[..., None].float() * inv_freq
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: [B, H, L, D]; cos, sin: [B, L, D]."""
    cos, sin = cos[:, None], sin[:, None]
    return x * cos + _rotate_half(x) * sin


class Attention(nn.Module):
    """One attention over the whole packed sequence; projections and QK-norms per expert."""

    def __init__(self, cfg: LLMConfig):
        super().__init__()
        self.n_heads, self.n_kv, self.head_dim = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
        d, q_dim, kv_dim = cfg.hidden_size, cfg.num_attention_heads * cfg.head_dim, cfg.num_key_value_heads * cfg.head_dim
        for suffix in ("", "_moe_gen"):
            setattr(self, f"q_proj{suffix}", nn.Linear(d, q_dim, bias=True))
            setattr(self, f"k_proj{suffix}", nn.Linear(d, kv_dim, bias=True))
            setattr(self, f"v_proj{suffix}", nn.Linear(d, kv_dim, bias=True))
            setattr(self, f"o_proj{suffix}", nn.Linear(q_dim, d, bias=False))
            norm = (lambda: RMSNorm(cfg.head_dim, cfg.rms_norm_eps)) if cfg.qk_norm else nn.Identity
            setattr(self, f"q_norm{suffix}", norm())
            setattr(self, f"k_norm{suffix}", norm())

    def forward(self, x, cos, sin, gen, kv: Callable, mask: Mask) -> torch.Tensor:
        """x: [B, L, D]; `kv(k, v)` merges the new keys and values with the cache and returns all of them."""
        B, L, _ = x.shape
        q = routed(x, gen, self.q_proj, self.q_proj_moe_gen).view(B, L, self.n_heads, self.head_dim)
        k = routed(x, gen, self.k_proj, self.k_proj_moe_gen).view(B, L, self.n_kv, self.head_dim)
        v = routed(x, gen, self.v_proj, self.v_proj_moe_gen).view(B, L, self.n_kv, self.head_dim)
        q = routed(q, gen, self.q_norm, self.q_norm_moe_gen).transpose(1, 2)
        k = routed(k, gen, self.k_norm, self.k_norm_moe_gen).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        k, v = kv(k, v.transpose(1, 2))
        out = attend(q, k, v, mask).transpose(1, 2).reshape(B, L, self.n_heads * self.head_dim)
        return routed(out, gen, self.o_proj, self.o_proj_moe_gen)


class DecoderLayer(nn.Module):
    def __init__(self, cfg: LLMConfig):
        super().__init__()
        self.self_attn = Attention(cfg)
        self.mlp, self.mlp_moe_gen = MLP(cfg), MLP(cfg)
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.input_layernorm_moe_gen = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm_moe_gen = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x, cos, sin, gen, kv, mask) -> torch.Tensor:
        h = routed(x, gen, self.input_layernorm, self.input_layernorm_moe_gen)
        x = x + self.self_attn(h, cos, sin, gen, kv, mask)
        h = routed(x, gen, lambda t: self.mlp(self.post_attention_layernorm(t)),
                   lambda t: self.mlp_moe_gen(self.post_attention_layernorm_moe_gen(t)))
        return x + h
