"""The video branch's text: umt5-xxl's encoder through transformers, as Wan 2.2 reads a prompt.

The prompt is cleaned (ftfy's mojibake repair when installed, HTML entities undone twice, runs of
whitespace made one space), tokenised to exactly 512 tokens (padded, or cut), encoded with its
attention mask, and the embedding is cut back to the prompt's own tokens: (tokens, 4096).
"""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

import torch

TEXT_LEN = 512


def clean_prompt(text: str) -> str:
    if importlib.util.find_spec("ftfy") is not None:
        import ftfy

        text = ftfy.fix_text(text)
    text = html.unescape(html.unescape(text)).strip()
    return re.sub(r"\s+", " ", text).strip()


class VideoTextEncoder:
    """Prompt -> umt5-xxl embedding (tokens, d_model), on one device."""

    def __init__(self, model, tokenizer, text_len: int = TEXT_LEN):
        self.model, self.tokenizer, self.text_len = model.eval(), tokenizer, text_len

    @classmethod
    def load(cls, encoder_dir: Path, tokenizer_dir: Path, dtype: torch.dtype) -> VideoTextEncoder:
        """From diffusers' text_encoder/ (safetensors) and a tokenizer folder."""
        from transformers import AutoTokenizer, UMT5EncoderModel

        return cls(UMT5EncoderModel.from_pretrained(str(encoder_dir), dtype=dtype, use_safetensors=True),
                   AutoTokenizer.from_pretrained(str(tokenizer_dir)))

    def to(self, device: str) -> VideoTextEncoder:
        self.model.to(device)
        return self

    @torch.inference_mode()
    def encode(self, prompt: str) -> torch.Tensor:
        tokens = self.tokenizer([clean_prompt(prompt)], padding="max_length", truncation=True,
                                max_length=self.text_len, add_special_tokens=True, return_tensors="pt")
        device = self.model.device
        mask = tokens.attention_mask.to(device)
        hidden = self.model(input_ids=tokens.input_ids.to(device), attention_mask=mask).last_hidden_state
        return hidden[0, : int(mask[0].sum())]
