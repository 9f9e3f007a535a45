"""Multi-head attention by `scaled_dot_product_attention`, on [batch, tokens, heads, head_dim] tensors."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, key_len: torch.Tensor | None = None) -> torch.Tensor:
    """Softmax attention of q over k/v; `key_len` [B] keeps only each row's first keys. Returns [B, Lq, heads*D]."""
    mask = None
    if key_len is not None:
        mask = (torch.arange(k.shape[1], device=k.device)[None, :] < key_len.to(k.device)[:, None])[:, None, None, :]
    out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2).to(q.dtype), v.transpose(1, 2).to(q.dtype),
                                         attn_mask=mask)
    return out.transpose(1, 2).flatten(2)
