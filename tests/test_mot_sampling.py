"""Sampled text decoding against a known distribution: the static path's Gumbel-max draw and the eager
nucleus sampler, each counted over thousands of draws from one four-token distribution."""

from __future__ import annotations

import pytest
import torch

import mot_tiny
from auteur.models.mot.decode_static import gumbel_max
from auteur.models.mot.generate_text import choose


@pytest.fixture(autouse=True)
def _one_thread():
    with mot_tiny.one_thread():
        yield

P = torch.tensor([0.5, 0.25, 0.15, 0.1])  # the distribution every test draws from
# Kept by top_p = 0.7: the tokens whose preceding mass is below 0.7 (0 and 0.5), renormalised.
NUCLEUS = torch.tensor([2 / 3, 1 / 3, 0.0, 0.0])
# At temperature 2: proportional to p ** (1 / 2).
WARM = torch.tensor([0.5, 0.25, 0.15, 0.1]).sqrt() / torch.tensor([0.5, 0.25, 0.15, 0.1]).sqrt().sum()


def static_draws(top_p: float, temperature: float, n: int = 40_000) -> torch.Tensor:
    u = torch.rand(n, 4, generator=torch.Generator().manual_seed(0)).clamp_(1e-20, 1.0)
    tokens = gumbel_max(P.log().expand(n, 4), u, torch.tensor([1 / temperature]), torch.tensor([top_p]))
    return torch.bincount(tokens, minlength=4) / n


def eager_draws(top_p: float, temperature: float, n: int = 1_500) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    tokens = torch.tensor([choose(P.log() + 3.0, temperature, top_p, g) for _ in range(n)])
    return torch.bincount(tokens, minlength=4) / n


@pytest.mark.parametrize("top_p, temperature, expected", [(1.0, 1.0, P), (0.7, 1.0, NUCLEUS), (1.0, 2.0, WARM)])
def test_the_static_gumbel_max_draw_follows_the_tempered_nucleus_distribution(top_p, temperature, expected):
    # 40,000 draws: a frequency's standard error is at most 0.0025
    assert torch.allclose(static_draws(top_p, temperature), expected, atol=0.012), static_draws(top_p, temperature)


@pytest.mark.parametrize("top_p, temperature, expected", [(1.0, 1.0, P), (0.7, 1.0, NUCLEUS), (1.0, 2.0, WARM)])
def test_the_eager_sampler_follows_the_tempered_nucleus_distribution(top_p, temperature, expected):
    # 1,500 draws (seeded, so the same ones every run): a standard error of at most 0.013
    assert torch.allclose(eager_draws(top_p, temperature), expected, atol=0.05), eager_draws(top_p, temperature)


def test_the_eager_sampler_at_temperature_zero_takes_the_likeliest_token():
    assert choose(P.log(), 0.0) == 0
    assert choose(torch.tensor([0.1, 2.0, -1.0]), 0.0) == 1
