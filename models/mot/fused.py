"""Fused projections: q/k/v as one matrix and gate/up as one matrix per expert, without a second copy.

Checkpoints keep BAGEL's separate tensors (`q_proj`, `k_proj`, `v_proj`, `gate_proj`, `up_proj`, each
with its `_moe_gen` twin). After loading, `fuse(model)` concatenates each group once and points the
separate parameters at slices of the fused storage, so the model holds every weight once, the
parameter names and the state dict are unchanged, and an in-place update of a parameter (an
optimizer step) is seen by the fused matrix too. Moving or casting the model afterwards gives the
parameters new storage; `fused_attention`/`fused_mlp` notice that and fuse again.
"""

from __future__ import annotations

import torch
from torch import nn

from auteur.models.mot.layers import MLP, Attention, DecoderLayer

EXPERTS = ("", "_moe_gen")


def _fuse_params(params: list[nn.Parameter]) -> torch.Tensor:
    """One tensor holding `params` end to end along dim 0; each parameter becomes a view of it."""
    fused = torch.cat([p.data for p in params], dim=0)
    start = 0
    for p in params:
        n = p.shape[0]
        p.data = fused[start : start + n]
        start += n
    return fused


def _aliases(fused: torch.Tensor, params: list[nn.Parameter]) -> bool:
    start = 0
    for p in params:
        n = p.shape[0]
        if p.data.data_ptr() != fused[start : start + n].data_ptr() or p.dtype != fused.dtype:
            return False
        start += n
    return True


def fused_attention(attn: Attention, expert: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(weight [q+k+v, D], bias [q+k+v]) of one expert's q/k/v projections, fused on first use."""
    mods = [getattr(attn, f"{n}_proj{expert}") for n in ("q", "k", "v")]
    weights, biases = [m.weight for m in mods], [m.bias for m in mods]
    cache = attn.__dict__.setdefault("_fused", {})
    got = cache.get(expert)
    if got is None or not (_aliases(got[0], weights) and _aliases(got[1], biases)):
        got = cache[expert] = (_fuse_params(weights), _fuse_params(biases))
    return got


def fused_mlp(mlp: MLP) -> torch.Tensor:
    """The gate and up projections of one expert as one weight [2 * intermediate, D]."""
    params = [mlp.gate_proj.weight, mlp.up_proj.weight]
    got = mlp.__dict__.get("_fused")
    if got is None or not _aliases(got, params):
        got = mlp.__dict__["_fused"] = _fuse_params(params)
    return got


def fuse(model: nn.Module) -> nn.Module:
    """Fuse every decoder layer's projections in place (call after the model is on its device); returns it."""
    for layer in model.modules():
        if isinstance(layer, DecoderLayer):
            for expert in EXPERTS:
                fused_attention(layer.self_attn, expert)
            fused_mlp(layer.mlp)
            fused_mlp(layer.mlp_moe_gen)
    return model
