"""The stand-ins the BAGEL parity script puts under BAGEL's code (it runs in BAGEL's own venv)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bagel_parity  # noqa: E402


@pytest.fixture
def stand_in():
    before = sys.modules.get("flash_attn")
    yield bagel_parity.register_flash_attn_stand_in()
    if before is None:
        sys.modules.pop("flash_attn", None)
    else:
        sys.modules["flash_attn"] = before


def test_the_flash_attn_stand_in_is_a_module_importlib_can_find(stand_in):
    assert importlib.util.find_spec("flash_attn") is not None
    from flash_attn import flash_attn_varlen_func

    assert flash_attn_varlen_func is bagel_parity.flash_attn_varlen_func


def test_varlen_attention_is_per_sequence_attention_with_the_causal_mask_aligned_bottom_right():
    g = torch.Generator().manual_seed(0)
    q, k, v = torch.randn(5, 4, 8, generator=g), torch.randn(9, 2, 8, generator=g), torch.randn(9, 2, 8, generator=g)
    cu_q, cu_k = torch.tensor([0, 2, 5]), torch.tensor([0, 4, 9])
    out = bagel_parity.flash_attn_varlen_func(q, k, v, cu_q, cu_k, causal=True)
    # second sequence: 3 queries over 5 keys, the last query sees every key, the first the first three
    qi, ki, vi = q[2:5].transpose(0, 1), k[4:9].transpose(0, 1), v[4:9].transpose(0, 1)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    ref = F.scaled_dot_product_attention(qi, ki, vi, attn_mask=mask, enable_gqa=True).transpose(0, 1)
    assert torch.allclose(out[2:5], ref, atol=1e-6)
