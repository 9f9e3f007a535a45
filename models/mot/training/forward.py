"""One packed sequence through the MoT with the training losses.

`TrainingModel` owns the MoT as a submodule and does its work in `forward`, so an engine that
wraps the root module (accelerate's DDP or FSDP) sees every parameter used under its own forward.
The decoder layers are the model's own; only the mask differs from inference: each packed sample
gets the inference mask of its segments (masks.query_mask), and samples never see each other.
On CUDA the mask is a FlexAttention block mask from per-token sample and segment ids: a dense
[L, L] mask with grouped-query heads sends SDPA to its math kernel, which materialises every
head's scores (~1.9 GB a layer at 7B widths and 4096 tokens) instead of skipping masked blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

from auteur.models.mot.context import grid_ids, patchify
from auteur.models.mot.layers import rope_cos_sin, routed
from auteur.models.mot.masks import Mask, Segment, allowed, flex_available, query_mask
from auteur.models.mot.model import MoT
from auteur.models.mot.training.losses import flow_loss, noised, sample_timesteps, text_loss, velocity_target
from auteur.models.mot.training.packing import ImageBank, Packed

IGNORE = -100


@dataclass
class Losses:
    ce: torch.Tensor | None  # mean over the text tokens with a label, None when there are none
    mse: torch.Tensor | None  # mean over noised latent elements, None when nothing is noised
    tokens: int  # real (unpadded) tokens


def packed_mask(packed: Packed, device=None) -> torch.Tensor:
    """[L, L] bool: the inference mask of each sample on the diagonal; padding attends causally to itself."""
    L = packed.seq_len
    mask = torch.zeros(L, L, dtype=torch.bool, device=device)
    start = 0
    for sample in packed.samples:
        segs = tuple(Segment("text" if p.kind == "text" else "noisy" if p.kind == "noisy" else "image", p.length)
                     for p in sample.pieces)
        n = sample.length
        mask[start:start + n, start:start + n] = query_mask(segs, device)
        start += n
    if start < L:
        mask[start:, start:] = torch.ones(L - start, L - start, dtype=torch.bool, device=device).tril()
    return mask


def _segments(packed: Packed) -> list[tuple[int, Segment]]:
    """(sample, segment) for every segment of the packed sequence, padding last as causal text of its own."""
    out = []
    for i, sample in enumerate(packed.samples):
        out += [(i, Segment("text" if p.kind == "text" else "noisy" if p.kind == "noisy" else "image", p.length))
                for p in sample.pieces]
    pad = packed.seq_len - sum(s.length for s in packed.samples)
    if pad > 0:
        out.append((len(packed.samples), Segment("text", pad)))
    return out


def packed_mask_mod(packed: Packed, device=None):
    """The packed mask as a FlexAttention mask_mod: same sample, and the inference predicate inside it."""
    parts = _segments(packed)
    doc = torch.cat([torch.full((s.length,), i, dtype=torch.long) for i, s in parts]).to(device)
    seg = torch.cat([torch.full((s.length,), j, dtype=torch.long) for j, (_, s) in enumerate(parts)]).to(device)
    full = torch.cat([torch.full((s.length,), s.kind != "text") for _, s in parts]).to(device)
    noisy = torch.cat([torch.full((s.length,), s.kind == "noisy") for _, s in parts]).to(device)

    def mask_mod(b, h, q, kv):
        return (doc[q] == doc[kv]) & allowed(q, kv, seg, full, noisy)

    return mask_mod


def packed_block_mask(packed: Packed, device=None):
    from torch.nn.attention.flex_attention import create_block_mask

    L = packed.seq_len
    return create_block_mask(packed_mask_mod(packed, device), 1, None, L, L, device=device)


class TrainingModel(nn.Module):
    def __init__(self, mot: MoT, special, bank: ImageBank, activation_checkpointing: bool = False,
                 flex: bool | None = None):
        super().__init__()
        self.mot = mot
        self.special, self.bank, self.activation_checkpointing = special, bank, activation_checkpointing
        self.flex = flex  # None: FlexAttention where it runs compiled (CUDA), the dense mask elsewhere

    def forward(self, packed: Packed, generator: torch.Generator, shift: float) -> Losses:
        m, cfg = self.mot, self.mot.cfg
        device = m.vae2llm.weight.device
        p = cfg.latent_patch_size
        ends = m.embed_text(torch.tensor([self.special.start_of_image, self.special.end_of_image], device=device))
        chunks, positions, gen, labels = [], [], [], []
        x0s, noises, noisy_rows = [], [], []
        vit_slots = []
        row = 0
        for sample in packed.samples:
            pos = 0
            for piece in sample.pieces:
                n = piece.length
                if piece.kind == "text":
                    ids = torch.tensor(piece.ids, device=device)
                    chunks.append(m.embed_text(ids))
                    positions.append(torch.arange(pos, pos + n))
                    gen.append(torch.zeros(n, dtype=torch.bool))
                    lab = torch.full((n,), IGNORE, dtype=torch.long)
                    if piece.loss:
                        lab[:-1] = torch.tensor(piece.ids[1:])
                    labels.append(lab)
                    pos += n
                else:
                    inner: torch.Tensor | None
                    if piece.kind == "vit":
                        inner = None  # filled after the ViT passes, grouped by picture size
                        vit_slots.append((len(chunks) + 1, self.bank.vit(piece.image)))
                    else:
                        lat = self.bank.latent(piece.image, piece.kind).to(device)
                        tokens = patchify(lat, p)
                        h, w = lat.shape[1] // p, lat.shape[2] // p
                        if piece.kind == "noisy":
                            t = sample_timesteps(1, shift, generator).to(device)
                            noise = torch.randn(tokens.shape, generator=generator).to(device)
                            x0s.append(tokens)
                            noises.append(noise)
                            noisy_rows.append(torch.arange(row + 1, row + n - 1))
                            tokens = noised(tokens, noise, t)
                        else:
                            t = torch.zeros(1, device=device)
                        inner = m.embed_latents(tokens[None], t, grid_ids(h, w, cfg.max_latent_size, device))[0]
                    chunks += [ends[:1], inner, ends[1:]]
                    positions.append(torch.full((n,), pos))
                    g = torch.zeros(n, dtype=torch.bool)
                    g[1:-1] = piece.kind in ("latent", "noisy")
                    gen.append(g)
                    labels.append(torch.full((n,), IGNORE, dtype=torch.long))
                    pos += 1
                row += n
        by_size: dict[tuple[int, ...], list[tuple[int, torch.Tensor]]] = {}
        for slot, px in vit_slots:
            by_size.setdefault(tuple(px.shape), []).append((slot, px))
        for group in by_size.values():
            embedded = m.embed_vit(torch.stack([px for _, px in group]).to(device))
            for (slot, _), e in zip(group, embedded):
                chunks[slot] = e
        pad = packed.seq_len - row
        if pad > 0:
            chunks.append(m.embed_text(torch.full((pad,), self.special.eos, device=device)))
            positions.append(torch.arange(pad))
            gen.append(torch.zeros(pad, dtype=torch.bool))
            labels.append(torch.full((pad,), IGNORE, dtype=torch.long))
        x = torch.cat([c.to(ends.dtype) for c in chunks])[None]
        gen_mask = torch.cat(gen)[None].to(device)
        cos, sin = rope_cos_sin(torch.cat(positions)[None].to(device), cfg.llm.head_dim, cfg.llm.rope_theta, x.dtype)
        flex = flex_available(device) if self.flex is None else self.flex
        mask = Mask(block=packed_block_mask(packed, device)) if flex else Mask(dense=packed_mask(packed, device)[None, None])
        route = gen_mask if bool(gen_mask.any()) else None

        def no_cache(k, v):
            return k, v

        for layer in m.decoder.layers:
            if self.activation_checkpointing and torch.is_grad_enabled():
                x = checkpoint(layer, x, cos, sin, route, no_cache, mask, use_reentrant=False)
            else:
                x = layer(x, cos, sin, route, no_cache, mask)
        hidden = routed(x, route, m.decoder.norm, m.decoder.norm_moe_gen)[0]

        labels_all = torch.cat(labels).to(device)
        text_rows = (labels_all != IGNORE).nonzero().squeeze(1)
        ce = text_loss(m.logits(hidden[text_rows]), labels_all[text_rows]) if len(text_rows) else None
        mse = None
        if noisy_rows:
            rows = torch.cat(noisy_rows).to(device)
            mse = flow_loss(m.velocity(hidden[rows]), velocity_target(torch.cat(x0s), torch.cat(noises)))
        return Losses(ce=ce, mse=mse, tokens=row)
