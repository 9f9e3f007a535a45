"""The UniAVGen transformer's hyper-parameters, as the published checkpoint's diffusers `config.json` names them.

The constructor arguments of the reference `WanModel` are the JSON keys (diffusers writes them there).
A few sizes the reference fixes in code rather than in its constructor (the character embedding, which
blocks carry the cross-modal interaction, the audio window) are fields here too, with the published
values; they are written to `config.json` only when they differ, so a published file round-trips.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from auteur.core.errors import InputError

# Audio and timing facts of the published model (mel statistics of its BigVGAN vocoder features).
MEL_MEAN = -5.1753
MEL_STD = 2.1544
SAMPLE_RATE = 24_000
MEL_HOP = SAMPLE_RATE // 100  # 100 mel frames a second
FPS = 16
VAE_STRIDE = (4, 16, 16)  # Wan 2.2 VAE: 4 frames, 16x16 pixels per latent
MIN_CHAR_TOKENS = 10  # the reference pads character ids to at least this many (with -1)



def clip_sizes(seconds: float) -> tuple[int, int]:
    """(latent frames, mel frames) of a clip of about `seconds`: the pixel frame count is 4k+1 (the
    VAE's temporal stride), the mel covers the same time (the reference: 21 latent, 506 mel for 81 frames)."""
    pixel = max(1, 4 * round((seconds * FPS - 1) / 4) + 1)
    return (pixel - 1) // VAE_STRIDE[0] + 1, int(pixel / FPS * SAMPLE_RATE / MEL_HOP)


# Keys diffusers adds to config.json that are not hyper-parameters.
_CLASS_NAME = "WanModel"
_IN_CODE = ("char_vocab_size", "char_dim", "char_conv_layers", "char_conv_mult", "interaction_layers", "audio_window")


@dataclass(frozen=True)
class UniAVGenConfig:
    model_type: str = "ti2v"
    patch_size: tuple[int, int, int] = (1, 2, 2)
    text_len: int = 512
    in_dim: int = 48
    in_audio_dim: int = 80
    dim: int = 3072
    ffn_dim: int = 14336
    audio_dim: int = 1536
    audio_ffn_dim: int = 8960
    freq_dim: int = 256
    text_dim: int = 4096
    audio_cond_dim: int = 1920  # accepted by the reference constructor, used by no layer
    out_dim: int = 48
    out_dim_audio: int = 80
    num_heads: int = 24
    audio_num_heads: int = 12
    num_layers: int = 30
    window_size: tuple[int, int] = (-1, -1)
    qk_norm: bool = True
    cross_attn_norm: bool = True
    eps: float = 1e-6
    # Fixed in the reference's code (see the module docstring).
    char_vocab_size: int = 2545  # characters of vocab.txt; id 0 of the table is the filler
    char_dim: int = 512
    char_conv_layers: int = 4
    char_conv_mult: int = 2
    interaction_layers: tuple[int, ...] = tuple(range(0, 30, 2))  # audio<->video after these blocks
    audio_window: int = 5  # video latent frames' worth of audio each frame attends to

    def __post_init__(self) -> None:
        if self.dim % self.num_heads or self.audio_dim % self.audio_num_heads:
            raise InputError(f"UniAVGen config: dim {self.dim}/{self.num_heads} heads and audio_dim "
                             f"{self.audio_dim}/{self.audio_num_heads} heads must divide evenly")
        if self.head_dim % 2 or self.head_dim != self.audio_head_dim:
            raise InputError(f"UniAVGen config: video and audio head sizes must be equal and even (cross-modal "
                             f"attention shares rotary tables), got {self.head_dim} and {self.audio_head_dim}")
        if self.window_size != (-1, -1):
            raise InputError(f"UniAVGen config: window_size {self.window_size} is not supported (only full attention)")

    @property
    def head_dim(self) -> int:
        return self.dim // self.num_heads

    @property
    def audio_head_dim(self) -> int:
        return self.audio_dim // self.audio_num_heads

    @classmethod
    def tiny(cls, **overrides: Any) -> UniAVGenConfig:
        """Two blocks of width 32 (head size 16): the layout of the 5B model at test size."""
        small = dict(in_dim=4, out_dim=4, in_audio_dim=8, out_dim_audio=8, dim=32, ffn_dim=64, audio_dim=32,
                     audio_ffn_dim=48, num_heads=2, audio_num_heads=2, num_layers=2, freq_dim=16, text_dim=24,
                     text_len=8, char_vocab_size=40, char_dim=16)
        return cls(**{**small, **overrides})

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> UniAVGenConfig:
        """From a diffusers config.json: unknown keys (`_class_name`, `_diffusers_version`) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("patch_size", "window_size", "interaction_layers"):
            if key in values:
                values[key] = tuple(values[key])
        try:
            return cls(**values)
        except TypeError as err:
            raise InputError(f"UniAVGen config.json: {err}") from None

    def to_json_dict(self) -> dict[str, Any]:
        """config.json as diffusers writes it for the reference class."""
        data = asdict(self)
        published = UniAVGenConfig()
        for key in _IN_CODE:
            if data[key] == getattr(published, key):
                del data[key]
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return {"_class_name": _CLASS_NAME, **data}

    def with_(self, **changes: Any) -> UniAVGenConfig:
        return replace(self, **changes)
