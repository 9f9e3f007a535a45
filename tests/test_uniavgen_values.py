"""UniAVGen pieces by value, against numbers worked out by hand: the face-mask head where its LayerNorm's
epsilon matters (a feature whose variance is of eps's size), which the golden outputs' random widths do not
reach."""

from __future__ import annotations

import math

import pytest
import torch

from auteur.models.uniavgen.face_mask import FaceMaskHead


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_the_face_mask_is_the_sigmoid_of_the_modulated_layernormed_projection_with_eps_1e_6():
    head = FaceMaskHead(2)
    with torch.no_grad():
        head.head.weight.copy_(torch.tensor([[1.0, -1.0]]))
        head.head.bias.zero_()
        head.modulation.zero_()
    # x = (a, -a): mean 0, variance a^2 = 1e-6 = eps, so the norm is x / sqrt(2e-6) and w . norm(x) = sqrt(2)
    x, e = torch.tensor([[[1e-3, -1e-3]]]), torch.zeros(1, 1, 2)
    with torch.no_grad():
        plain = head(x, e)
        # e adds to both the shift (index 0) and the scale (index 1): w . (norm * 1.5 + 0.5) = 1.5 sqrt(2)
        lifted = head(x, torch.full((1, 1, 2), 0.5))
        head.modulation[0, 1] = 1.0  # the head's own scale: twice the norm
        scaled = head(x, e)
    assert plain.shape == (1, 1, 1) and plain.dtype == torch.float32
    assert float(plain) == pytest.approx(sigmoid(math.sqrt(2)), abs=1e-5)
    assert float(lifted) == pytest.approx(sigmoid(1.5 * math.sqrt(2)), abs=1e-5)
    assert float(scaled) == pytest.approx(sigmoid(2 * math.sqrt(2)), abs=1e-5)
