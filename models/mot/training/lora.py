"""Low-rank adapters for small fine-tunes, kept under the base layer's own names.

An adapted linear layer keeps `weight` and `bias` where they were (so the frozen base loads and
saves as BAGEL names it) and gains `lora_A` [r, in] and `lora_B` [out, r], B starting at zero so
training starts from the base model. A saved checkpoint merges W + (alpha / r) B A, so the
director loads it like any other; the adapters alone go to lora.safetensors for resuming.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class LoRALinear(nn.Linear):
    lora_A: nn.Parameter
    lora_B: nn.Parameter
    scale: float

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.linear(x, self.weight, self.bias)
        # Adapters may be kept in fp32 over a bf16 base: the low-rank path runs in their dtype.
        low = F.linear(F.linear(x.to(self.lora_A.dtype), self.lora_A), self.lora_B)
        return out + (low * self.scale).to(out.dtype)

    def merged_weight(self) -> torch.Tensor:
        return self.weight + (self.lora_B.float() @ self.lora_A.float()).to(self.weight.dtype) * self.scale


def add_lora(model: nn.Module, rank: int, alpha: float, targets: list[str], seed: int = 0) -> list[str]:
    """Adapt every nn.Linear whose name ends with a target (with or without `_moe_gen`); returns their names."""
    g = torch.Generator().manual_seed(seed)
    names = []
    for name, module in list(model.named_modules()):
        short = name.rsplit(".", 1)[-1].removesuffix("_moe_gen")
        if type(module) is not nn.Linear or short not in targets:
            continue
        # Swapping the class keeps the module, its weights and their names in place (no copy of a 7B model).
        module.__class__ = LoRALinear
        a = torch.empty(rank, module.in_features)
        nn.init.kaiming_uniform_(a, a=math.sqrt(5), generator=g)
        module.lora_A = nn.Parameter(a.to(module.weight.device))
        module.lora_B = nn.Parameter(torch.zeros(module.out_features, rank, device=module.weight.device))
        module.scale = alpha / rank
        names.append(name)
    return names


def merge(sd: dict[str, torch.Tensor], scale: float) -> dict[str, torch.Tensor]:
    """A state dict with every adapter pair folded into its base weight, under the base names (pure)."""
    out = {k: v for k, v in sd.items() if ".lora_" not in k}
    for key in sd:
        if key.endswith(".lora_A"):
            base = key.removesuffix(".lora_A")
            w = sd[f"{base}.weight"]
            out[f"{base}.weight"] = w + (sd[f"{base}.lora_B"].float() @ sd[key].float()).to(w.dtype) * scale
    return out
