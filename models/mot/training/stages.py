"""Which weights train when: the experts of the MoT, and UniMAGE's two stages.

Stage 1 (interleaved concept learning) trains both experts on whole film documents. Stage 2
(disentangled expert learning) alternates: a script step trains the understanding expert on text
with the generation expert frozen, a keyframe step trains the generation expert with the
understanding expert frozen; `script_ratio` is the share of script steps. A frozen parameter has
no gradient, and AdamW skips parameters without one, so frozen weights stay bit-identical.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

Expert = Literal["und", "gen", "vit", "fixed"]
StepKind = Literal["interleaved", "script", "keyframe"]

# Modules outside the decoder that only latent tokens pass through belong to the generation expert.
GEN_MODULES = ("time_embedder.", "vae2llm.", "llm2vae.")
FIXED = ("latent_pos_embed.", "vit_pos_embed.")  # sin-cos tables, never trained


def expert_of(name: str) -> Expert:
    """The expert a MoT parameter belongs to; embeddings, LM head and connector are the understanding side."""
    name = name.removeprefix("mot.")
    if name.startswith(FIXED):
        return "fixed"
    if "_moe_gen" in name or name.startswith(GEN_MODULES):
        return "gen"
    if name.startswith("vit_model."):
        return "vit"
    return "und"


def experts_for(kind: StepKind, freeze_vit: bool) -> set[Expert]:
    experts: set[Expert] = {"interleaved": {"und", "gen"}, "script": {"und"}, "keyframe": {"gen"}}[kind]
    if not freeze_vit and kind == "interleaved":
        experts = experts | {"vit"}
    return experts


def set_trainable(model: nn.Module, experts: set[Expert], lora: bool) -> int:
    """requires_grad on exactly the parameters of `experts` (only LoRA adapters when `lora`); returns their count."""
    count = 0
    for name, p in model.named_parameters():
        on = expert_of(name) in experts and (not lora or ".lora_" in name)
        p.requires_grad_(on)
        count += p.numel() if on else 0
    return count


def choose_kind(stage: int, script_ratio: float, generator: torch.Generator, pools: dict[str, int]) -> StepKind:
    """Stage 1 always interleaved; stage 2 script with probability `script_ratio` (when both pools have data)."""
    if stage == 1:
        return "interleaved"
    draw = float(torch.rand(1, generator=generator))
    kind: StepKind = "script" if draw < script_ratio else "keyframe"
    if pools.get(kind, 0) == 0:
        kind = "keyframe" if kind == "script" else "script"
    return kind
