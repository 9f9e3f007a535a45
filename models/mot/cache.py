"""A preallocated KV cache, and the interleaved context that fills it.

Keys and values live in one tensor per kind, allocated once: [layers, batch, kv heads, capacity,
head dim]. Decoding writes in place; an image being denoised reads the cache without writing to it,
so the context is computed once and reused by every step. `valid` marks real keys per row, which
lets guidance branches with contexts of different lengths share one batched forward.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from auteur.core.errors import AuteurError


class KVCache:
    def __init__(self, layers: int, batch: int, kv_heads: int, capacity: int, head_dim: int,
                 dtype: torch.dtype = torch.float32, device=None):
        shape = (layers, batch, kv_heads, capacity, head_dim)
        self.k = torch.zeros(shape, dtype=dtype, device=device)
        self.v = torch.zeros(shape, dtype=dtype, device=device)
        self.valid = torch.zeros(batch, capacity, dtype=torch.bool, device=device)
        self.length = 0
        self.padded = False  # True when some rows have invalid (padding) keys

    @property
    def capacity(self) -> int:
        return self.k.shape[3]

    def past_valid(self) -> torch.Tensor:
        return self.valid[:, : self.length]

    def merger(self, layer: int, write: bool) -> Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
        """For layer `layer`: a function that joins new keys/values [B, H, L, D] to the cached ones."""
        n = self.length

        def merge(k: torch.Tensor, v: torch.Tensor):
            L = k.shape[2]
            if not write:
                return torch.cat([self.k[layer, :, :, :n], k], 2), torch.cat([self.v[layer, :, :, :n], v], 2)
            if n + L > self.capacity:
                raise AuteurError(f"KV cache full: {n} + {L} tokens exceed its capacity of {self.capacity}")
            self.k[layer, :, :, n : n + L] = k
            self.v[layer, :, :, n : n + L] = v
            return self.k[layer, :, :, : n + L], self.v[layer, :, :, : n + L]

        return merge

    def advance(self, n: int) -> None:
        self.valid[:, self.length : self.length + n] = True
        self.length += n

    @classmethod
    def stack(cls, caches: list[KVCache], room: int = 0) -> KVCache:
        """One cache whose rows are the given single-row caches, padded to the longest, with `room` free slots after."""
        first = caches[0]
        length = max(c.length for c in caches)
        out = cls(first.k.shape[0], len(caches), first.k.shape[2], length + room, first.k.shape[4], first.k.dtype, first.k.device)
        for i, c in enumerate(caches):
            out.k[:, i, :, : c.length] = c.k[:, 0, :, : c.length]
            out.v[:, i, :, : c.length] = c.v[:, 0, :, : c.length]
            out.valid[i, : c.length] = c.valid[0, : c.length]
        out.length = length
        out.padded = any(c.length < length for c in caches)
        return out
