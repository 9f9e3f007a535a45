"""The FLUX autoencoder (16 latent channels, x8) through diffusers' AutoencoderKL.

BAGEL ships it as `ae.safetensors` in the original FLUX/LDM parameter names; `ldm_to_diffusers`
renames those to diffusers' and `vae_config_from_weights` reads the architecture off the tensor
shapes, so the same code loads the released 16-channel autoencoder and a test's tiny one.
"""

from __future__ import annotations

import re

import torch

FLUX_SCALE, FLUX_SHIFT = 0.3611, 0.1159


def vae_config_from_weights(sd: dict[str, torch.Tensor]) -> dict:
    """AutoencoderKL config matching LDM-named weights."""
    levels = 1 + max(int(m.group(1)) for k in sd if (m := re.match(r"encoder\.down\.(\d+)\.", k)))
    blocks = 1 + max(int(m.group(1)) for k in sd if (m := re.match(r"encoder\.down\.0\.block\.(\d+)\.", k)))
    channels = [sd[f"encoder.down.{i}.block.{blocks - 1}.conv2.weight"].shape[0] for i in range(levels)]
    return dict(in_channels=sd["encoder.conv_in.weight"].shape[1], out_channels=sd["decoder.conv_out.weight"].shape[0],
                down_block_types=["DownEncoderBlock2D"] * levels, up_block_types=["UpDecoderBlock2D"] * levels,
                block_out_channels=channels, layers_per_block=blocks, latent_channels=sd["decoder.conv_in.weight"].shape[1],
                norm_num_groups=32, use_quant_conv=False, use_post_quant_conv=False,
                scaling_factor=FLUX_SCALE, shift_factor=FLUX_SHIFT)


def ldm_to_diffusers(sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Rename FLUX/LDM autoencoder weights to diffusers' AutoencoderKL names."""
    levels = 1 + max(int(m.group(1)) for k in sd if (m := re.match(r"decoder\.up\.(\d+)\.", k)))
    out = {}
    for key, value in sd.items():
        k = key
        k = re.sub(r"^encoder\.down\.(\d+)\.block\.", r"encoder.down_blocks.\1.resnets.", k)
        k = re.sub(r"^encoder\.down\.(\d+)\.downsample\.", r"encoder.down_blocks.\1.downsamplers.0.", k)
        k = re.sub(r"^decoder\.up\.(\d+)\.", lambda m: f"decoder.up.{levels - 1 - int(m.group(1))}.", k)
        k = re.sub(r"^decoder\.up\.(\d+)\.block\.", r"decoder.up_blocks.\1.resnets.", k)
        k = re.sub(r"^decoder\.up\.(\d+)\.upsample\.", r"decoder.up_blocks.\1.upsamplers.0.", k)
        k = re.sub(r"\.mid\.block_(\d)\.", lambda m: f".mid_block.resnets.{int(m.group(1)) - 1}.", k)
        k = k.replace(".mid.attn_1.norm.", ".mid_block.attentions.0.group_norm.")
        for a, b in (("q", "to_q"), ("k", "to_k"), ("v", "to_v"), ("proj_out", "to_out.0")):
            k = k.replace(f".mid.attn_1.{a}.", f".mid_block.attentions.0.{b}.")
        k = k.replace(".nin_shortcut.", ".conv_shortcut.").replace(".norm_out.", ".conv_norm_out.")
        if ".attentions.0.to_" in k and k.endswith("weight") and value.dim() == 4:
            value = value[:, :, 0, 0]  # 1x1 convolutions become linear layers
        out[k] = value
    return out


def diffusers_to_ldm(sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The inverse renaming: how a test writes an ae.safetensors in FLUX's names."""
    levels = 1 + max(int(m.group(1)) for k in sd if (m := re.match(r"decoder\.up_blocks\.(\d+)\.", k)))
    out = {}
    for key, value in sd.items():
        k = key
        k = re.sub(r"^encoder\.down_blocks\.(\d+)\.resnets\.", r"encoder.down.\1.block.", k)
        k = re.sub(r"^encoder\.down_blocks\.(\d+)\.downsamplers\.0\.", r"encoder.down.\1.downsample.", k)
        k = re.sub(r"^decoder\.up_blocks\.(\d+)\.resnets\.", lambda m: f"decoder.up.{levels - 1 - int(m.group(1))}.block.", k)
        k = re.sub(r"^decoder\.up_blocks\.(\d+)\.upsamplers\.0\.", lambda m: f"decoder.up.{levels - 1 - int(m.group(1))}.upsample.", k)
        k = re.sub(r"\.mid_block\.resnets\.(\d)\.", lambda m: f".mid.block_{int(m.group(1)) + 1}.", k)
        k = k.replace(".mid_block.attentions.0.group_norm.", ".mid.attn_1.norm.")
        for a, b in (("q", "to_q"), ("k", "to_k"), ("v", "to_v"), ("proj_out", "to_out.0")):
            k = k.replace(f".mid_block.attentions.0.{b}.", f".mid.attn_1.{a}.")
        k = k.replace(".conv_shortcut.", ".nin_shortcut.").replace(".conv_norm_out.", ".norm_out.")
        if ".attn_1." in k and ".norm." not in k and k.endswith("weight"):
            value = value[:, :, None, None]
        out[k] = value
    return out


def build_vae(config: dict, dtype: torch.dtype = torch.float32):
    from diffusers import AutoencoderKL

    vae = AutoencoderKL(**config)
    return (vae if dtype == torch.float32 else vae.to(dtype)).eval()


@torch.no_grad()
def encode(vae, image: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Image [3, H, W] in [-1, 1] -> normalised latent [C, H/8, W/8].

    The posterior mean, or with a `generator` a draw from the posterior (what BAGEL's encoder does).
    """
    dist = vae.encode(image[None].to(device=vae.device, dtype=vae.dtype)).latent_dist
    z = dist.mean if generator is None else dist.sample(generator)
    return ((z - vae.config.shift_factor) * vae.config.scaling_factor)[0].float()


@torch.no_grad()
def decode(vae, latent: torch.Tensor) -> torch.Tensor:
    """Normalised latent [C, h, w] -> image [3, 8h, 8w] in [-1, 1]."""
    z = latent[None].to(vae.dtype) / vae.config.scaling_factor + vae.config.shift_factor
    return vae.decode(z).sample[0].float().clamp(-1, 1)
