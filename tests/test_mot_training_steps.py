"""What a training step learns from: which text tokens carry the loss and what each is asked to predict,
which experts train in each stage (the ViT never in stage 2), and the data order a resumed run takes up."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import mot_tiny
from auteur.models.mot.masks import Segment
from auteur.models.mot.training.forward import TrainingModel
from auteur.models.mot.training.loop import Pool
from auteur.models.mot.training.packing import Packed, Piece, Sample
from auteur.models.mot.training.stages import experts_for


@pytest.fixture(autouse=True)
def _one_thread():
    with mot_tiny.one_thread():
        yield


PROMPT = (1, 40, 41, 2)  # a text turn the model reads but is not trained to write (no loss)
ANSWER = (1, 50, 51, 52, 2)  # a turn it is trained to write: each token predicts the one after it


def test_only_text_pieces_with_loss_carry_cross_entropy_each_token_predicting_the_next():
    model = mot_tiny.model(0, vit=False)
    packed = Packed([Sample("script", "doc", [Piece("text", len(PROMPT), PROMPT, loss=False),
                                              Piece("text", len(ANSWER), ANSWER, loss=True)])], seq_len=9)
    with torch.no_grad():
        losses = TrainingModel(model, mot_tiny.SPECIAL, bank=None)(packed, torch.Generator().manual_seed(0), 1.0)
        # the same nine tokens through the inference forward (one causal text segment), read off by hand:
        # rows 4..7 (the answer's BOS, 50, 51, 52) are asked for 50, 51, 52 and the closing EOS
        ids = torch.tensor(PROMPT + ANSWER)
        hidden = model(model.embed_text(ids)[None], torch.arange(9)[None], (Segment("text", 9),))[0]
        expected = F.cross_entropy(model.logits(hidden[4:8]).float(), torch.tensor([50, 51, 52, 2]))
    assert losses.mse is None and losses.tokens == 9
    assert torch.allclose(losses.ce, expected, atol=1e-5), (losses.ce, expected)


def test_a_sample_with_no_loss_piece_has_no_cross_entropy():
    model = mot_tiny.model(0, vit=False)
    packed = Packed([Sample("script", "doc", [Piece("text", len(PROMPT), PROMPT, loss=False)])], seq_len=6)
    with torch.no_grad():
        losses = TrainingModel(model, mot_tiny.SPECIAL, bank=None)(packed, torch.Generator().manual_seed(0), 1.0)
    assert losses.ce is None and losses.tokens == 4


@pytest.mark.parametrize("kind, freeze_vit, experts", [
    ("interleaved", True, {"und", "gen"}),
    ("interleaved", False, {"und", "gen", "vit"}),  # only stage 1 may train the ViT, and only when asked
    ("script", True, {"und"}), ("script", False, {"und"}),
    ("keyframe", True, {"gen"}), ("keyframe", False, {"gen"}),
])
def test_each_step_kind_trains_its_experts_and_stage_two_never_the_vit(kind, freeze_vit, experts):
    assert experts_for(kind, freeze_vit) == experts


def test_a_pool_resumed_in_its_third_epoch_hands_out_what_an_uninterrupted_one_does():
    items = list("abcde")
    whole = Pool(items, seed=3, salt=1)
    taken = [whole.next() for _ in range(17)]
    epochs = [taken[i:i + 5] for i in (0, 5, 10)]
    assert all(sorted(e) == items for e in epochs) and len({tuple(e) for e in epochs}) > 1  # orders differ by epoch
    cut = Pool(items, seed=3, salt=1)
    for _ in range(12):
        cut.next()
    resumed = Pool(items, seed=3, salt=1)
    resumed.seek(cut.position())  # as a checkpoint stores it: [epoch 2, index 2]
    assert cut.position() == [2, 2]
    assert [resumed.next() for _ in range(5)] == taken[12:17]
