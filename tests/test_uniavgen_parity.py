"""The UniAVGen parity script: its stand-ins (always), and the full comparison against the reference
code when a checkout of MCG-NJU/Sora2-mini is named by UNIAVGEN_REFERENCE (einops importable)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import uniavgen_parity  # noqa: E402

REFERENCE = os.environ.get("UNIAVGEN_REFERENCE")


def test_the_flash_attention_stand_in_ignores_keys_past_each_rows_length():
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 2, 8, generator=g) for _ in range(3))
    k, v = torch.cat([k, torch.randn(2, 2, 2, 8, generator=g)], 1), torch.cat([v, torch.randn(2, 2, 2, 8, generator=g)], 1)
    out = uniavgen_parity.flash_attention(q, k, v, k_lens=torch.tensor([3, 5]))
    assert out.shape == (2, 3, 2, 8)
    first = F.scaled_dot_product_attention(q[:1].transpose(1, 2), k[:1, :3].transpose(1, 2), v[:1, :3].transpose(1, 2))
    second = F.scaled_dot_product_attention(q[1:].transpose(1, 2), k[1:].transpose(1, 2), v[1:].transpose(1, 2))
    assert torch.allclose(out[:1], first.transpose(1, 2), atol=1e-6)
    assert torch.allclose(out[1:], second.transpose(1, 2), atol=1e-6)


def test_fed_noise_hands_out_the_given_tensors_in_turn_and_restores_randn():
    a, b = torch.randn(1, 4, 3, 2, 2), torch.randn(1, 30, 8)
    original = torch.randn
    with uniavgen_parity.fed_noise(a, b):
        assert torch.equal(torch.randn(1, 48, 3, 2, 2), a)  # the channel count the reference hard-codes is not checked
        assert torch.equal(torch.randn(1, 30, 80), b)
    assert torch.randn is original
    with pytest.raises(AssertionError, match="shape"), uniavgen_parity.fed_noise(a):
        torch.randn(1, 48, 5, 2, 2)


def test_the_comparison_refuses_an_all_zero_reference_output():
    with pytest.raises(AssertionError, match="nothing to compare"):
        uniavgen_parity.max_diff(torch.zeros(3), torch.zeros(3))


@pytest.mark.skipif(REFERENCE is None, reason="set UNIAVGEN_REFERENCE to a Sora2-mini checkout to run the parity")
@pytest.mark.skipif(importlib.util.find_spec("einops") is None, reason="the reference code needs einops")
def test_forward_face_masks_and_sampling_match_the_reference_in_fp32():
    results = uniavgen_parity.run(Path(REFERENCE), verbose=False)
    assert len(results) == 4 * 5 * 3 + 4 * 2
    worst = max(results, key=results.get)
    assert results[worst] <= uniavgen_parity.TARGET, f"{worst}: {results[worst]:.3e}"
