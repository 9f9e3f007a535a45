"""On CUDA training attends through a FlexAttention block mask built from sample and segment ids (a dense
mask with grouped-query heads falls to SDPA's math kernel): it must be the very mask the dense path uses,
and give the same losses. FlexAttention runs forward-only on the CPU, which is enough to compare."""

from __future__ import annotations

from pathlib import Path

import mot_tiny
import pytest
import torch
from torch.nn.attention.flex_attention import create_mask

from auteur.models.mot.training.forward import TrainingModel, packed_mask, packed_mask_mod
from auteur.models.mot.training.packing import ImageBank, Packed, Piece, Sample


@pytest.fixture(scope="module")
def setup():
    model = mot_tiny.model(4, vit=False)
    cfg = model.cfg
    bank = ImageBank(cfg, None, 32, (32, 32), None)
    g = torch.Generator().manual_seed(0)
    side = 4 * cfg.latent_patch_size  # 16 latent tokens
    for name, kind in (("a", "noisy"), ("b", "latent"), ("b2", "noisy")):
        bank.latents[(Path(name), kind)] = torch.randn(cfg.latent_channels, side, side, generator=g)
    n_img = 16 + 2

    def text(n, seed):
        return Piece("text", n, ids=tuple(int(t) for t in torch.randint(5, 300, (n,), generator=g)), loss=True)

    packed = Packed([Sample("interleaved", "s0", [text(7, 0), Piece("noisy", n_img, image=Path("a"), loss=True),
                                                  text(5, 1)]),
                     Sample("interleaved", "s1", [text(4, 2), Piece("latent", n_img, image=Path("b")), text(6, 3),
                                                  Piece("noisy", n_img, image=Path("b2"), loss=True)])],
                    seq_len=96)  # 96 - 76 tokens: twenty of padding
    return model, bank, packed


def test_the_block_mask_is_the_dense_training_mask(setup):
    _, _, packed = setup
    dense = packed_mask(packed)
    flex = create_mask(packed_mask_mod(packed), 1, 1, packed.seq_len, packed.seq_len, device="cpu")[0, 0]
    assert torch.equal(flex, dense)
    assert not dense[30, 5] and dense[5, 5] and not dense[40, 10]  # sample 2 never sees sample 1
    used = sum(s.length for s in packed.samples)
    assert used == 76
    for seq_len in (used, used + 1):  # no padding, and a single padding token
        tight = Packed(packed.samples, seq_len)
        flex = create_mask(packed_mask_mod(tight), 1, 1, seq_len, seq_len, device="cpu")[0, 0]
        assert torch.equal(flex, packed_mask(tight))


def test_training_through_flexattention_gives_the_dense_paths_losses(setup):
    model, bank, packed = setup
    special = mot_tiny.SPECIAL
    losses = []
    with torch.no_grad():
        for flex in (False, True):
            out = TrainingModel(model, special, bank, flex=flex)(packed, torch.Generator().manual_seed(1), 1.0)
            losses.append((float(out.ce), float(out.mse)))
    assert losses[0] == pytest.approx(losses[1], rel=1e-5)
    assert losses[0][0] > 0 and losses[0][1] > 0
