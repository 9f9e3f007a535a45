"""Model specs as dataclasses that round-trip to the JSON files of a BAGEL checkpoint.

`llm_config.json` is a Qwen2 config; `vit_config.json` a SigLIP vision config. BAGEL's loader sets a
few values in code rather than in those files (QK-norm on, MoT layers, 64 latent patches per side,
one ViT layer dropped); `MoTConfig.from_files` applies the same so a released checkpoint loads as is.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class LLMConfig:
    vocab_size: int = 152064
    hidden_size: int = 3584
    intermediate_size: int = 18944
    num_hidden_layers: int = 28
    num_attention_heads: int = 28
    num_key_value_heads: int = 4
    rms_norm_eps: float = 1e-6
    rope_theta: float = 1_000_000.0
    max_position_embeddings: int = 32768
    hidden_act: str = "silu"
    qk_norm: bool = True
    tie_word_embeddings: bool = False

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LLMConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class MoTConfig:
    llm: LLMConfig = field(default_factory=LLMConfig)
    vit: dict[str, Any] | None = None  # SigLIP vision config as in vit_config.json (None: no image understanding)
    latent_channels: int = 16  # FLUX autoencoder
    vae_downsample: int = 8
    latent_patch_size: int = 2
    max_latent_size: int = 64  # latent patches per side the 2-D position table covers
    vit_max_num_patch_per_side: int = 70
    connector_act: str = "gelu_pytorch_tanh"
    timestep_shift: float = 1.0

    @property
    def patch_latent_dim(self) -> int:
        return self.latent_patch_size**2 * self.latent_channels

    @property
    def pixels_per_token(self) -> int:
        return self.vae_downsample * self.latent_patch_size

    @classmethod
    def from_files(cls, llm_config: Path, vit_config: Path | None, **overrides: Any) -> MoTConfig:
        """Read BAGEL's config files, with the settings its loader applies in code."""
        llm = LLMConfig.from_dict(json.loads(llm_config.read_text("utf-8")))
        llm.qk_norm, llm.tie_word_embeddings = True, False
        vit = None
        if vit_config is not None:
            vit = json.loads(vit_config.read_text("utf-8"))
            vit["num_hidden_layers"] = vit["num_hidden_layers"] - 1  # BAGEL uses the penultimate layer
        return cls(llm=llm, vit=vit, **overrides)

    def llm_json(self) -> dict[str, Any]:
        """llm_config.json as BAGEL ships it."""
        data = asdict(self.llm)
        data.update(architectures=["Qwen2ForCausalLM"], model_type="qwen2")
        return data

    def vit_json(self) -> dict[str, Any] | None:
        """vit_config.json as BAGEL ships it (one layer more than is used)."""
        if self.vit is None:
            return None
        return {**self.vit, "num_hidden_layers": self.vit["num_hidden_layers"] + 1, "model_type": "siglip_vision_model"}


@dataclass(frozen=True)
class SpecialTokens:
    """Token ids BAGEL adds to the Qwen2 vocabulary to frame text turns and images."""

    bos: int  # <|im_start|>
    eos: int  # <|im_end|>
    start_of_image: int  # <|vision_start|>
    end_of_image: int  # <|vision_end|>
