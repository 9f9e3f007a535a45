"""The Mixture-of-Transformers director model, laid out as BAGEL's checkpoints name it.

    language_model.model      Qwen2 decoder; every layer has an understanding expert and a
                              generation expert (`*_moe_gen`), one shared attention
    language_model.lm_head    next-token logits (embeddings and head shared by both experts)
    time_embedder             sinusoidal timestep -> hidden, added to latent tokens
    vae2llm / llm2vae         2x2-patchified 16-channel latents in, velocities out
    latent_pos_embed          2-D sin-cos position table for latent patches
    vit_model, connector,     SigLIP (transformers) + MLP for understanding reference images
    vit_pos_embed

A forward pass takes embeddings of a packed sequence, their RoPE positions (all tokens of one image
share one position), which tokens go to the generation expert, and the segments the mask is built
from. Tokens are routed by modality; nothing is learned about the routing.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from auteur.models.mot.cache import KVCache
from auteur.models.mot.config import LLMConfig, MoTConfig
from auteur.models.mot.layers import DecoderLayer, RMSNorm, rope_cos_sin, routed
from auteur.models.mot.masks import Segment, build_mask


def grid_ids_2d(h: int, w: int, max_side: int, device=None) -> torch.Tensor:
    """Flattened position ids of an h x w patch grid in a table max_side patches wide."""
    rows, cols = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    return (rows * max_side + cols).flatten().to(device)


class Decoder(nn.Module):
    def __init__(self, cfg: LLMConfig):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.norm_moe_gen = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


class LanguageModel(nn.Module):
    def __init__(self, cfg: LLMConfig):
        super().__init__()
        self.model = Decoder(cfg)
        self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal features of (fractional) timesteps t [N] -> [N, dim], cos first."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TimestepEmbedder(nn.Module):
    def __init__(self, hidden: int, freq_dim: int = 256):
        super().__init__()
        self.freq_dim = freq_dim
        self.mlp = nn.Sequential(nn.Linear(freq_dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.mlp(timestep_embedding(t, self.freq_dim).to(self.mlp[0].weight.dtype))


def sincos_2d(dim: int, side: int) -> torch.Tensor:
    """[side*side, dim] fixed 2-D sin-cos table for index row*side+col: first half encodes the column, second the row."""
    def one_d(d, pos):
        omega = 1.0 / 10000 ** (np.arange(d // 2, dtype=np.float64) / (d / 2.0))
        out = np.einsum("m,d->md", pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)

    rows, cols = np.meshgrid(np.arange(side, dtype=np.float32), np.arange(side, dtype=np.float32), indexing="ij")
    return torch.from_numpy(np.concatenate([one_d(dim // 2, cols), one_d(dim // 2, rows)], axis=1)).float()


class PositionEmbedding(nn.Module):
    def __init__(self, side: int, hidden: int):
        super().__init__()
        self.pos_embed = nn.Parameter(torch.zeros(side * side, hidden), requires_grad=False)

    def reset(self) -> None:
        side = int(round(self.pos_embed.shape[0] ** 0.5))
        self.pos_embed.data.copy_(sincos_2d(self.pos_embed.shape[1], side))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.pos_embed[ids]


class MLPConnector(nn.Module):
    def __init__(self, in_dim: int, out_dim: int, act: str):
        super().__init__()
        from transformers.activations import ACT2FN

        self.fc1, self.fc2, self.act = nn.Linear(in_dim, out_dim), nn.Linear(out_dim, out_dim), ACT2FN[act]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class MoT(nn.Module):
    """The whole director network; `forward` runs the decoder over one packed chunk of a sequence."""

    def __init__(self, cfg: MoTConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.llm.hidden_size
        self.language_model = LanguageModel(cfg.llm)
        self.time_embedder = TimestepEmbedder(d)
        self.vae2llm = nn.Linear(cfg.patch_latent_dim, d)
        self.llm2vae = nn.Linear(d, cfg.patch_latent_dim)
        self.latent_pos_embed = PositionEmbedding(cfg.max_latent_size, d)
        if cfg.vit is not None:
            from transformers import SiglipVisionConfig, SiglipVisionModel

            vit_cfg = SiglipVisionConfig(**{k: v for k, v in cfg.vit.items() if k not in ("model_type", "architectures")})
            self.vit_model = nn.Module()  # BAGEL's names keep the `vision_model` level transformers 5 dropped
            siglip = SiglipVisionModel(vit_cfg)
            # transformers 4.x nests the transformer one level deeper; take it, so the names are BAGEL's under both
            self.vit_model.vision_model = getattr(siglip, "vision_model", siglip)
            self.connector = MLPConnector(vit_cfg.hidden_size, d, cfg.connector_act)
            self.vit_pos_embed = PositionEmbedding(cfg.vit_max_num_patch_per_side, d)

    @property
    def decoder(self) -> Decoder:
        return self.language_model.model

    def new_cache(self, capacity: int, batch: int = 1) -> KVCache:
        c, p = self.cfg.llm, next(self.parameters())
        return KVCache(c.num_hidden_layers, batch, c.num_key_value_heads, capacity, c.head_dim, p.dtype, p.device)

    def forward(self, embeds: torch.Tensor, positions: torch.Tensor, segments: tuple[Segment, ...],
                gen: torch.Tensor | None = None, cache: KVCache | None = None, write: bool = True) -> torch.Tensor:
        """Final hidden states [B, L, D] of `embeds` [B, L, D] appended after `cache` (written unless `write` is False)."""
        B, L, _ = embeds.shape
        past = cache.past_valid() if cache is not None and cache.padded else None
        mask = build_mask(segments, past, B, embeds.device, past_len=cache.length if cache is not None else 0)
        cos, sin = rope_cos_sin(positions, self.cfg.llm.head_dim, self.cfg.llm.rope_theta, embeds.dtype)
        x = embeds
        for i, layer in enumerate(self.decoder.layers):
            kv = cache.merger(i, write) if cache is not None else (lambda k, v: (k, v))
            x = layer(x, cos, sin, gen, kv, mask)
        if cache is not None and write:
            cache.advance(L)
        return routed(x, gen, self.decoder.norm, self.decoder.norm_moe_gen)

    # ---------------------------------------------------------------- embeddings in, predictions out
    def embed_text(self, ids: torch.Tensor) -> torch.Tensor:
        return self.decoder.embed_tokens(ids)

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.language_model.lm_head(hidden)

    def embed_latents(self, tokens: torch.Tensor, t: torch.Tensor, pos_ids: torch.Tensor) -> torch.Tensor:
        """Patchified latents [B, N, p*p*C] at timestep t [B] with 2-D position ids [N] -> [B, N, D]."""
        w = self.vae2llm.weight
        return self.vae2llm(tokens.to(w.dtype)) + self.time_embedder(t)[:, None] + self.latent_pos_embed(pos_ids)[None]

    def velocity(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.llm2vae(hidden)

    def embed_vit(self, pixels: torch.Tensor) -> torch.Tensor:
        """Pixels [B, 3, H, W] in [-1, 1] (any aspect, sides a multiple of the patch) -> connector outputs
        [B, N, D] with 2-D positions added.

        As BAGEL's NaViT SigLIP: patch p at (row, col) takes position row * max_side + col in SigLIP's
        position table, so a non-square picture keeps its aspect instead of being squashed.
        """
        vm = self.vit_model.vision_model  # embeddings, encoder, post_layernorm
        x = pixels.to(self.connector.fc1.weight.dtype)
        patch = self.cfg.vit["patch_size"]
        h, w = x.shape[-2] // patch, x.shape[-1] // patch
        ids = grid_ids_2d(h, w, self.cfg.vit_max_num_patch_per_side, x.device)
        emb = vm.embeddings.patch_embedding(x).flatten(2).transpose(1, 2) + vm.embeddings.position_embedding(ids)[None]
        hidden = vm.post_layernorm(vm.encoder(inputs_embeds=emb).last_hidden_state)
        return self.connector(hidden) + self.vit_pos_embed(ids)[None]

    def vit_side_limit(self) -> int:
        """The longest picture side, in pixels, whose ViT patches all have a place in the position tables.

        Patch (row, col) takes id row * M + col (M = vit_max_num_patch_per_side) in SigLIP's table of
        P positions and in our M x M one, so n patches a side need n <= M and (n - 1)(M + 1) < P.
        """
        m = self.cfg.vit_max_num_patch_per_side
        positions = self.vit_model.vision_model.embeddings.position_embedding.num_embeddings
        return min(m, (positions - 1) // (m + 1) + 1) * self.cfg.vit["patch_size"]

    def init_weights(self, seed: int = 0, std: float = 0.02, norm_std: float = 0.0) -> MoT:
        """Random weights for tests and benchmarks (fixed position tables). Norm scales are one, or with
        `norm_std` drawn around one (1 + norm_std * N(0, 1)), as trained ones are: with every norm at one,
        a token normalised by the other expert's norm gives the same numbers and no test can see it."""
        device = next(self.parameters()).device
        # Drawn where the weights live: on a GPU, seconds for 14B parameters instead of a minute through the CPU.
        g = torch.Generator(device).manual_seed(seed)
        for name, p in self.named_parameters():
            if name.endswith("pos_embed"):
                continue
            if "norm" in name and name.endswith("weight") and p.dim() == 1:
                p.data.fill_(1.0)
                if norm_std:
                    p.data.add_(torch.randn(p.shape, generator=g, device=device, dtype=torch.float32).mul_(norm_std))
            else:
                p.data.copy_(torch.randn(p.shape, generator=g, device=device, dtype=torch.float32).mul_(std))
        self.latent_pos_embed.reset()
        if self.cfg.vit is not None:
            self.vit_pos_embed.reset()
        return self
