"""Tiny random components for the MoT director tests: a byte-level BPE tokenizer trained here, a
2-layer model, a 4-level 16-channel autoencoder, and a checkpoint in BAGEL's exact layout."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import torch

from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.model import MoT

CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
CORPUS = [
    '{"title": "The Keeper", "logline": "A keeper befriends a storm.", "characters": ["<char1>", "<char2>"]}',
    "A lighthouse keeper befriends a storm that wants to stop raining. <env1> at dusk, wide shot.",
    "setup inciting incident rising action midpoint climax resolution close-up medium wide push-in",
] * 20


def tokenizer(chat_template: bool = True):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=360, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"], show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   chat_template=CHAT_TEMPLATE if chat_template else None)


def config(vit: bool = True, layers: int = 2, heads: tuple[int, int] = (2, 1)) -> MoTConfig:
    # (query, key/value) heads. 2 and 1 give head_dim 16: Inductor's FlexAttention, which CUDA runs for text
    # after a reference image, refuses head dims under 16, and the studio films run this model on the GPU.
    llm = LLMConfig(vocab_size=384, hidden_size=32, intermediate_size=64, num_hidden_layers=layers,
                    num_attention_heads=heads[0], num_key_value_heads=heads[1], rope_theta=10000.0)
    vit_cfg = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, num_channels=3,
                   image_size=16, patch_size=4, hidden_act="gelu_pytorch_tanh", layer_norm_eps=1e-6,
                   vision_use_head=False) if vit else None
    return MoTConfig(llm=llm, vit=vit_cfg, max_latent_size=16, vit_max_num_patch_per_side=4)


def model(seed: int = 0, **kw) -> MoT:
    """Random weights, norm scales included (each expert's norms differ, so swapping them shows)."""
    torch.manual_seed(seed)
    return MoT(config(**kw)).init_weights(seed, std=0.2, norm_std=0.2).eval()


def vae(seed: int = 0):
    from auteur.models.mot.vae import FLUX_SCALE, FLUX_SHIFT, build_vae

    torch.manual_seed(seed)
    return build_vae(dict(in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 4,
                          up_block_types=["UpDecoderBlock2D"] * 4, block_out_channels=[32, 32, 32, 32],
                          layers_per_block=1, latent_channels=16, norm_num_groups=32, use_quant_conv=False,
                          use_post_quant_conv=False, scaling_factor=FLUX_SCALE, shift_factor=FLUX_SHIFT))


@contextmanager
def one_thread():
    """Tiny models gain nothing from threads, and on a busy machine OpenMP's spinning costs 100x."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


SPECIAL = SpecialTokens(bos=1, eos=2, start_of_image=3, end_of_image=4)


def checkpoint(path: Path, seed: int = 0, chat_template: bool = True, **kw) -> Path:
    """A tiny random checkpoint in BAGEL's layout, with a tokenizer (BAGEL's has no chat template), at `path`."""
    from auteur.models.mot.loading import save

    return save(path, model(seed, **kw), vae(seed), tokenizer(chat_template))
