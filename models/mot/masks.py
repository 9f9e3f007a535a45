"""Who may attend to whom in a packed, interleaved sequence of text and image segments.

One predicate defines the spans: text is causal; every token of an image sees its whole image and
everything before it; a noisy image (one being generated) is invisible to every token after it.
Keys already in the KV cache are visible where they are valid (batched guidance branches pad their
contexts to one length). The predicate is evaluated densely for SDPA (CPU) or handed to
FlexAttention as a block mask where FlexAttention is available (CUDA).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F

Kind = Literal["text", "image", "noisy"]


@dataclass(frozen=True)
class Segment:
    kind: Kind
    length: int


@dataclass
class Mask:
    causal: bool = False  # plain causal attention, no past (SDPA's fast path)
    dense: torch.Tensor | None = None  # [B, 1, L, P + L] bool
    block: object | None = None  # a FlexAttention BlockMask


def layout(segments: tuple[Segment, ...], device=None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-token segment index, 'sees its whole segment', and 'is noisy'."""
    seg = torch.cat([torch.full((s.length,), i, dtype=torch.long) for i, s in enumerate(segments)])
    full = torch.cat([torch.full((s.length,), s.kind != "text") for s in segments])
    noisy = torch.cat([torch.full((s.length,), s.kind == "noisy") for s in segments])
    return seg.to(device), full.to(device), noisy.to(device)


def allowed(q, k, seg, full, noisy) -> torch.Tensor:
    """The attention predicate on query and key indices inside the new tokens."""
    same = seg[q] == seg[k]
    return ((k <= q) & (same | ~noisy[k])) | (same & full[q])


def query_mask(segments: tuple[Segment, ...], device=None) -> torch.Tensor:
    """[L, L] bool: may new token q attend to new token k."""
    seg, full, noisy = layout(segments, device)
    idx = torch.arange(len(seg), device=device)
    return allowed(idx[:, None], idx[None, :], seg, full, noisy)


def build_mask(segments: tuple[Segment, ...], past_valid: torch.Tensor | None, batch: int, device=None,
               flex: bool | None = None, past_len: int = 0) -> Mask:
    """The mask for `segments` appended after `past_len` cached keys, valid where `past_valid` [B, P] says.

    `past_valid` None means every cached key is valid (the common, unpadded case).
    """
    L = sum(s.length for s in segments)
    P = past_valid.shape[1] if past_valid is not None else past_len
    if past_valid is None or bool(past_valid.all()):
        if L == 1 or (len(segments) == 1 and segments[0].kind != "text"):
            return Mask()  # one token, or one whole image, sees everything cached and itself
        if P == 0 and all(s.kind == "text" for s in segments):
            return Mask(causal=True)
    if past_valid is None:
        past_valid = torch.ones(batch, P, dtype=torch.bool, device=device)
    if flex is None:
        flex = flex_available(device)
    if flex:
        return Mask(block=_block_mask(segments, past_valid, batch, L, P, device))
    new = query_mask(segments, device)[None, None].expand(batch, 1, L, L)
    if P == 0:
        return Mask(dense=new)
    past = past_valid.to(device)[:, None, None, :].expand(batch, 1, L, P)
    return Mask(dense=torch.cat([past, new], dim=-1))


def flex_available(device) -> bool:
    return device is not None and torch.device(device).type == "cuda"


def _block_mask(segments, past_valid, batch, L, P, device):
    from torch.nn.attention.flex_attention import create_block_mask

    seg, full, noisy = layout(segments, device)
    pv = (past_valid if past_valid is not None else torch.ones(batch, max(P, 1), dtype=torch.bool)).to(device)

    def mask_mod(b, h, q, kv):
        in_past = kv < P
        k = (kv - P).clamp(min=0)
        return torch.where(in_past, pv[b, kv.clamp(max=max(P - 1, 0))], allowed(q, k, seg, full, noisy))

    return create_block_mask(mask_mod, batch, None, L, P + L, device=device)


_flex = None


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: Mask) -> torch.Tensor:
    """Attention of q [B, H, L, D] over k, v [B, H_kv, S, D] under `mask` (grouped-query aware)."""
    if mask.block is not None:
        global _flex
        if _flex is None:
            from torch.nn.attention.flex_attention import flex_attention

            _flex = torch.compile(flex_attention) if q.is_cuda else flex_attention
        return _flex(q, k, v, block_mask=mask.block, enable_gqa=q.shape[1] != k.shape[1])
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask.dense, is_causal=mask.causal,
                                          enable_gqa=q.shape[1] != k.shape[1])
