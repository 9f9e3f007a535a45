"""A whole UniAVGen installation at tiny sizes, in the published folder layout, for the renderer's tests.

    <dir>/config.json, diffusion_pytorch_model.safetensors.index.json + 2 shards   16A's tiny transformer
    <dir>/code2wav_bigvgan_model/    tiny BigVGAN (transformers save_pretrained, safetensors)
    <dir>/google/umt5-xxl/           a word-level tokenizer standing in for umt5-xxl's
    <dir>/vocab.txt                  the character vocabulary (the 95 printable ASCII characters, 2545 lines)
    <components>/text_encoder/, tokenizer/, vae/    tiny UMT5 encoder and Wan 2.2 VAE in diffusers' layout

`published=True` also writes the two pickles of the real repository (a few bytes each, never loaded).
"""

from __future__ import annotations

import string
from pathlib import Path

import torch
from tiny_models import word_tokenizer

TEXT_DIM = 32  # the tiny transformer's text_dim


def write_vocab(path: Path, size: int = 2545) -> Path:
    """vocab.txt: space first, then printable ASCII, then filler symbols, `size` lines in all."""
    symbols = [" "] + [c for c in string.printable[:94]]
    symbols += [f"x{i}" for i in range(size - len(symbols))]
    path.write_text("\n".join(symbols) + "\n", encoding="utf-8")
    return path


def write_text_encoder(directory: Path, d_model: int = TEXT_DIM) -> Path:
    from transformers import UMT5Config, UMT5EncoderModel

    tokenizer = word_tokenizer(512)
    torch.manual_seed(1)
    config = UMT5Config(vocab_size=len(tokenizer), d_model=d_model, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                        relative_attention_num_buckets=8, dropout_rate=0.0)
    UMT5EncoderModel(config).eval().save_pretrained(directory, safe_serialization=True)
    return directory


def write_tokenizer(directory: Path) -> Path:
    word_tokenizer(512).save_pretrained(directory)
    return directory


def write_vae(directory: Path) -> Path:
    from diffusers import AutoencoderKLWan

    torch.manual_seed(2)
    vae = AutoencoderKLWan(base_dim=3, z_dim=48, in_channels=12, out_channels=12, is_residual=True, patch_size=2,
                           latents_mean=[0.1] * 48, latents_std=[2.0] * 48, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           scale_factor_spatial=16, scale_factor_temporal=4, temperal_downsample=[False, True, True])
    vae.save_pretrained(directory, safe_serialization=True)
    return directory


def write_vocoder(directory: Path) -> Path:
    """BigVGAN with the real 240x upsampling (16 then 15) at a few channels."""
    from transformers import Qwen2_5OmniBigVGANConfig, Qwen2_5OmniToken2WavBigVGANModel

    torch.manual_seed(3)
    config = Qwen2_5OmniBigVGANConfig(mel_dim=80, upsample_initial_channel=8, resblock_kernel_sizes=[3],
                                      resblock_dilation_sizes=[[1, 3, 5]], upsample_rates=[16, 15],
                                      upsample_kernel_sizes=[32, 31])
    Qwen2_5OmniToken2WavBigVGANModel(config).eval().save_pretrained(directory, safe_serialization=True)
    return directory


TINY_WIDTHS = dict(in_dim=48, out_dim=48, in_audio_dim=80, out_dim_audio=80, text_dim=TEXT_DIM, char_vocab_size=2545,
                   text_len=64)  # the real VAE's channels, 80 mel bins, the tiny UMT5's width, vocab.txt's size


def write_transformer(directory: Path, seed: int = 0) -> Path:
    """16A's tiny random transformer at the widths the other parts need: config.json, an index and two shards,
    as the published repository's root holds them."""
    from uniavgen_tiny import write_tiny_transformer

    write_tiny_transformer(directory, seed=seed, **TINY_WIDTHS)
    return directory


def write_components(directory: Path) -> Path:
    """text_encoder/, tokenizer/ and vae/ as Wan-AI/Wan2.2-TI2V-5B-Diffusers lays them out."""
    write_text_encoder(directory / "text_encoder")
    write_tokenizer(directory / "tokenizer")
    write_vae(directory / "vae")
    return directory


def write_uniavgen(directory: Path, *, components: Path | None = None, published: bool = False,
                   transformer: bool = True, seed: int = 0) -> Path:
    """The model directory in the published layout; the Wan parts inside it unless `components` is given."""
    directory.mkdir(parents=True, exist_ok=True)
    if transformer:
        write_transformer(directory, seed=seed)
    write_vocoder(directory / "code2wav_bigvgan_model")
    write_tokenizer(directory / "google" / "umt5-xxl")
    write_vocab(directory / "vocab.txt")
    if published:
        for name in ("models_t5_umt5-xxl-enc-bf16.pth", "Wan2.2_VAE.pth"):
            (directory / name).write_bytes(b"\x80\x04pickle stand-in")
    if components is None:
        write_text_encoder(directory / "text_encoder")
        write_vae(directory / "vae")
    else:
        write_components(components)
    return directory
