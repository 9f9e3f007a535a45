"""The UniAVGen dual-branch transformer: a Wan 2.2 TI2V-5B video branch and a mel-audio branch of
the same depth, joined every other block by audio-to-video and video-to-audio attention.

Video tokens: the reference picture's latent frame, then the shot's latent frames (the first ones
pinned to the conditioning frames), patchified (1, 2, 2), with 3-D RoPE and a time embedding per
token (0 on the reference and conditioning frames). Audio tokens: the reference voice's mel, then
the shot's mel (its start pinned to the conditioning mel), with 1-D RoPE and one time embedding
(0 as soon as conditioning mel is given, as the reference does). The audio branch cross-attends
to the speech text's characters, the video branch to the prompt's umT5 embedding.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from auteur.core.errors import InputError
from auteur.models.uniavgen.char_embedding import CharEmbedding
from auteur.models.uniavgen.conditions import Conditions
from auteur.models.uniavgen.config import UniAVGenConfig
from auteur.models.uniavgen.interaction import JointCrossAttention
from auteur.models.uniavgen.layers import AttentionBlock, Head, sequential_fp32, sinusoid
from auteur.models.uniavgen.rope import grid_rotation, rope_table, video_tables, window_rotation


class Prediction(NamedTuple):
    video: torch.Tensor  # [B, C, F, h, w] float32 velocity of the shot's latent frames
    audio: torch.Tensor  # [B, T, mel] float32 velocity of the shot's mel
    face_masks: list[torch.Tensor]  # per interaction block run: [B, F, h/2, w/2] heatmap in (0, 1)


class UniAVGen(nn.Module):
    def __init__(self, config: UniAVGenConfig):
        super().__init__()
        c = self.config = config
        self.patch_embedding = nn.Conv3d(c.in_dim, c.dim, kernel_size=c.patch_size, stride=c.patch_size)
        self.audio_embedding = nn.Sequential(nn.Linear(c.in_audio_dim, c.audio_dim), nn.GELU(approximate="tanh"),
                                             nn.Linear(c.audio_dim, c.audio_dim))
        self.audio_padding = nn.Parameter(torch.randn(c.audio_dim))  # pads uneven batches in the reference; unused here
        self.text_embedding_video = nn.Sequential(nn.Linear(c.text_dim, c.dim), nn.GELU(approximate="tanh"),
                                                  nn.Linear(c.dim, c.dim))
        self.text_embedding = CharEmbedding(c.char_vocab_size, c.char_dim, c.char_conv_layers, c.char_conv_mult)
        self.text_proj = nn.Linear(c.char_dim, c.audio_dim, bias=False)
        self.time_embedding = nn.Sequential(nn.Linear(c.freq_dim, c.dim), nn.SiLU(), nn.Linear(c.dim, c.dim))
        self.time_projection = nn.Sequential(nn.SiLU(), nn.Linear(c.dim, c.dim * 6))
        self.time_embedding_audio = nn.Sequential(nn.Linear(c.freq_dim, c.audio_dim), nn.SiLU(),
                                                  nn.Linear(c.audio_dim, c.audio_dim))
        self.time_projection_audio = nn.Sequential(nn.SiLU(), nn.Linear(c.audio_dim, c.audio_dim * 6))
        self.blocks = nn.ModuleList(AttentionBlock(c.dim, c.ffn_dim, c.num_heads, c.qk_norm, c.cross_attn_norm, c.eps)
                                    for _ in range(c.num_layers))
        self.audio_blocks = nn.ModuleList(
            AttentionBlock(c.audio_dim, c.audio_ffn_dim, c.audio_num_heads, c.qk_norm, c.cross_attn_norm, c.eps)
            for _ in range(c.num_layers))
        n = len(c.interaction_layers)
        self.a2v_blocks = nn.ModuleList(JointCrossAttention(c.dim, c.audio_dim, c.dim, c.num_heads, c.qk_norm, c.eps, True)
                                        for _ in range(n))
        self.v2a_blocks = nn.ModuleList(
            JointCrossAttention(c.audio_dim, c.dim, c.audio_dim, c.audio_num_heads, c.qk_norm, c.eps, False) for _ in range(n))
        self.head = Head(c.dim, c.out_dim, c.eps, c.patch_size)
        self.head_audio = Head(c.audio_dim, c.out_dim_audio, c.eps)

    @property
    def dtype(self) -> torch.dtype:
        return self.patch_embedding.weight.dtype

    @property
    def device(self) -> torch.device:
        return self.patch_embedding.weight.device

    def forward(self, video: torch.Tensor, audio: torch.Tensor, t: torch.Tensor | float, cond: Conditions, *,
                no_a2v: bool = False, no_v2a: bool = False, zero_con: bool = False,
                skip_layer: int | None = None) -> Prediction:
        """Velocities for noisy latents video [B, C, F, h, w] and mel audio [B, T, mel] at timestep t (0..1000).

        `zero_con`: neither branch reads the other (MA-CFG's unconditional pass); `no_a2v` / `no_v2a`
        switch off one direction; `skip_layer`: that block (and its interaction) is skipped.
        """
        c, dtype, device = self.config, self.dtype, self.device
        no_a2v, no_v2a = no_a2v or zero_con, no_v2a or zero_con
        b = video.shape[0]
        video, audio = video.to(device, dtype), audio.to(device, dtype)
        t = torch.as_tensor(t, device=device).reshape(-1).expand(b)
        video_tokens, grid, n_pinned = self._video_tokens(video, cond)
        text = self._video_text(cond.video_text, b)
        audio_tokens, ref_len, n_cond_mel = self._audio_tokens(audio, cond)
        speech = self.text_proj(self.text_embedding(cond.chars.to(device).reshape(1, -1).expand(b, -1)))
        speech_len = None if cond.char_len is None else torch.full((b,), cond.char_len, device=device)

        frames, h, w = grid
        frame_tokens = h * w
        t_video = t[:, None].expand(b, frames * frame_tokens).clone()
        t_video[:, : frame_tokens * (1 + n_pinned)] = 0
        t_audio = t[:, None] * (0 if n_cond_mel else 1)
        e_video = sequential_fp32(self.time_embedding, sinusoid(c.freq_dim, t_video))
        e0_video = sequential_fp32(self.time_projection, e_video).unflatten(2, (6, c.dim))
        e_audio = sequential_fp32(self.time_embedding_audio, sinusoid(c.freq_dim, t_audio))
        e0_audio = sequential_fp32(self.time_projection_audio, e_audio).unflatten(2, (6, c.audio_dim))

        tables = video_tables(c.head_dim, max(grid), device)
        video_rope = grid_rotation(tables, *grid)
        frame_rope = grid_rotation(tables, 1, h, w)
        audio_table = rope_table(max(audio_tokens.shape[1], speech.shape[1]), c.audio_head_dim, device)
        audio_rope, speech_rope = audio_table[: audio_tokens.shape[1]], audio_table[: speech.shape[1]]

        def window_rope(width: int) -> torch.Tensor:
            return window_rotation(rope_table(width, c.audio_head_dim, device), width, c.head_dim)

        masks = []
        target = (frames - 1, h, w)
        start_v, start_a = frame_tokens * (1 + n_pinned), ref_len + n_cond_mel
        for idx, (audio_block, video_block) in enumerate(zip(self.audio_blocks, self.blocks)):
            if idx == skip_layer:
                continue
            audio_tokens = audio_block(audio_tokens, e0_audio, audio_rope, speech, speech_len, (audio_rope, speech_rope))
            video_tokens = video_block(video_tokens, e0_video, video_rope, text)
            if idx not in c.interaction_layers:
                continue
            j = c.interaction_layers.index(idx)
            a2v, v2a = self.a2v_blocks[j], self.v2a_blocks[j]
            shot_video, shot_audio = video_tokens[:, frame_tokens:], audio_tokens[:, ref_len:]
            heat = a2v.face_mask(shot_video, e_video[:, frame_tokens:])
            masks.append(heat.detach().float().reshape(b, *target))
            if not no_a2v:
                update = a2v.audio_into_video(shot_video, shot_audio, heat, target, c.audio_window, frame_rope, window_rope)
            if not no_v2a:
                update_audio = v2a.video_into_audio(shot_audio, shot_video, heat, target, frame_rope)
            if not no_a2v:
                video_tokens = torch.cat([video_tokens[:, :start_v],
                                          video_tokens[:, start_v:] + update[:, start_v - frame_tokens:]], dim=1)
            if not no_v2a:
                audio_tokens = torch.cat([audio_tokens[:, :start_a],
                                          audio_tokens[:, start_a:] + update_audio[:, n_cond_mel:]], dim=1)

        out_video = self._unpatchify(self.head(video_tokens, e_video), grid)[:, :, 1:]
        out_audio = self.head_audio(audio_tokens[:, ref_len: ref_len + audio.shape[1]], e_audio)
        return Prediction(out_video, out_audio, masks)

    def _video_tokens(self, video: torch.Tensor, cond: Conditions) -> tuple[torch.Tensor, tuple[int, int, int], int]:
        """Tokens of [reference frame, pinned frames, the rest of the shot's frames], their grid, and how many are pinned."""
        pinned = cond.video_frames.to(video.device, video.dtype)
        ref = cond.ref_image.to(video.device, video.dtype)
        n_pinned = pinned.shape[1]
        pt, ph, pw = self.config.patch_size
        if video.shape[1] != self.config.in_dim or video.shape[3] % ph or video.shape[4] % pw:
            raise InputError(f"UniAVGen video latent of shape {tuple(video.shape)}: expected [B, {self.config.in_dim}, F, h, w] "
                             f"with h, w multiples of {ph}, {pw}")
        if pinned.shape[0] != video.shape[1] or pinned.shape[2:] != video.shape[3:] or n_pinned > video.shape[2] \
                or tuple(ref.shape[1:]) != (1, *video.shape[3:]):
            raise InputError(f"UniAVGen conditioning latents {tuple(ref.shape)} / {tuple(pinned.shape)} do not fit the "
                             f"video latent {tuple(video.shape)}")
        b = video.shape[0]
        x = torch.cat([ref.expand(b, -1, -1, -1, -1), pinned.expand(b, -1, -1, -1, -1), video[:, :, n_pinned:]], dim=2)
        x = self.patch_embedding(x)
        grid = tuple(x.shape[2:])
        return x.flatten(2).transpose(1, 2), grid, n_pinned

    def _video_text(self, text: torch.Tensor, b: int) -> torch.Tensor:
        c = self.config
        if text.dim() != 2 or text.shape[0] > c.text_len or text.shape[1] != c.text_dim:
            raise InputError(f"UniAVGen prompt embedding of shape {tuple(text.shape)}: expected [L <= {c.text_len}, {c.text_dim}]")
        padded = text.new_zeros(c.text_len, c.text_dim)
        padded[: text.shape[0]] = text
        return self.text_embedding_video(padded.to(self.device, self.dtype)).expand(b, -1, -1)

    def _audio_tokens(self, audio: torch.Tensor, cond: Conditions) -> tuple[torch.Tensor, int, int]:
        """Tokens of [reference mel, conditioning mel, the rest of the shot's mel], the reference's length and the pinned length."""
        mel = self.config.in_audio_dim
        empty = audio.new_zeros(0, mel)
        ref = empty if cond.ref_mel is None else cond.ref_mel.to(audio.device, audio.dtype)
        pinned = empty if cond.cond_mel is None else cond.cond_mel.to(audio.device, audio.dtype)
        if audio.dim() != 3 or audio.shape[2] != mel or ref.shape[-1] != mel or pinned.shape[-1] != mel \
                or pinned.shape[0] > audio.shape[1]:
            raise InputError(f"UniAVGen mel shapes: audio {tuple(audio.shape)}, reference {tuple(ref.shape)}, conditioning "
                             f"{tuple(pinned.shape)}: expected [B, T, {mel}], [Tr, {mel}], [Tc <= T, {mel}]")
        b = audio.shape[0]
        x = torch.cat([ref.expand(b, -1, -1), pinned.expand(b, -1, -1), audio[:, pinned.shape[0]:]], dim=1)
        return self.audio_embedding(x), ref.shape[0], pinned.shape[0]

    def _unpatchify(self, x: torch.Tensor, grid: tuple[int, int, int]) -> torch.Tensor:
        """[B, f*h*w, p*q*r*C] -> [B, C, f*p, h*q, w*r]."""
        (f, h, w), (p, q, r), ch = grid, self.config.patch_size, self.config.out_dim
        x = x.reshape(x.shape[0], f, h, w, p, q, r, ch).permute(0, 7, 1, 4, 2, 5, 3, 6)
        return x.reshape(x.shape[0], ch, f * p, h * q, w * r)
