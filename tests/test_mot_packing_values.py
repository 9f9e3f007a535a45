"""Documents into samples and packed sequences, by value: a word-per-token tokenizer and fixed picture sizes (the
ImageBank's and the tokenizer's own work is test_mot_training_data.py's), every piece, length and window worked
out by hand from the layout packing.py's docstring states."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from auteur.core.errors import InputError
from auteur.models.mot.training.documents import CastMember, FilmDocument, SceneDoc, ShotDoc
from auteur.models.mot.training.packing import Builder, Packed, Piece, Sample, pack

SPECIAL = SimpleNamespace(bos=1, eos=2)
SIZES = {"latent": 4, "noisy": 6, "vit": 3}  # tokens inside a picture's start/end-of-image frame
M, K1, K2, K3 = (Path(n) for n in ("m.png", "k1.png", "k2.png", "k3.png"))


class Words:
    """One token a word, its id the word's length plus 10."""

    def encode(self, text: str, add_special_tokens: bool) -> list[int]:
        assert not add_special_tokens
        return [len(w) + 10 for w in text.split()]


class Bank:
    def tokens(self, path: Path, kind: str) -> int:
        return SIZES[kind]


DOC = FilmDocument(
    id="d1", treatment="A keeper keeps.",
    cast=(CastMember("<char1>", "Mara, a keeper", M), CastMember("<char2>", "Tom", None)),
    scenes=(SceneDoc("sc1 <char1> climbs", (ShotDoc("wide: <char2> waves", K1), ShotDoc("close", K2))),
            SceneDoc("sc2 night", (ShotDoc("<char1> sleeps", K3),))))


def builder(seq_len: int = 1000, vit: bool = True) -> Builder:
    return Builder(Words(), SPECIAL, Bank(), vit, seq_len)


def layout(sample: Sample) -> list[tuple]:
    return [(p.kind, p.length, p.loss, p.image) for p in sample.pieces]


def test_text_is_framed_by_bos_and_eos_and_a_picture_by_two_image_tokens():
    assert builder().text("Mara, a keeper", True) == Piece("text", 5, (1, 15, 11, 16, 2), loss=True)
    assert builder().image(K1, "noisy") == Piece("noisy", 8, loss=True, image=K1)  # only noised pictures are learnt
    assert builder().image(M, "latent") == Piece("latent", 6, loss=False, image=M)
    assert builder().image(M, "vit") == Piece("vit", 5, loss=False, image=M)


# the cast (Mara's description, her clean latent and ViT copy; Tom has no picture), then the body
HEAD = [("text", 5, True, None), ("latent", 6, False, M), ("vit", 5, False, M), ("text", 3, True, None)]
BODY = [("text", 5, True, None), ("text", 5, True, None),  # the treatment, scene 1
        ("text", 5, True, None), ("noisy", 8, True, K1), ("vit", 5, False, K1),  # shot 1, its keyframe noised, a clean copy
        ("text", 3, True, None), ("noisy", 8, True, K2), ("vit", 5, False, K2),
        ("text", 4, True, None), ("text", 4, True, None), ("noisy", 8, True, K3), ("vit", 5, False, K3)]


def test_stage_one_lays_out_the_whole_document_with_cast_first():
    (sample,) = builder().interleaved(DOC)
    assert (sample.kind, sample.doc) == ("interleaved", "d1")
    assert layout(sample) == HEAD + BODY and sample.length == 84
    (plain,) = builder(vit=False).interleaved(DOC)  # a model without a ViT: no clean copies
    assert layout(plain) == [p for p in HEAD + BODY if p[0] != "vit"]


def test_a_long_document_is_cut_at_piece_boundaries_each_window_starting_from_the_cast():
    samples = builder(40).interleaved(DOC)
    context = [(k, n, False, image) for k, n, _, image in HEAD]  # later windows: the cast's text is not learnt again
    assert [layout(s) for s in samples] == [HEAD + BODY[:3], context + BODY[3:6], context + BODY[6:10],
                                            context + BODY[10:]]
    assert [s.length for s in samples] == [34, 35, 40, 32]  # 40 fits a seq_len of 40 exactly


def test_a_window_that_cannot_hold_the_cast_and_one_piece_is_refused_naming_the_document():
    with pytest.raises(InputError, match=r"^document d1: its cast and one piece of text or one image take 24 tokens, "
                                         r"more than data.seq_len = 20; raise seq_len or lower keyframe_side"):
        builder(20).interleaved(DOC)
    with pytest.raises(InputError, match=r"^document d1: its cast take 19 tokens, more than data.seq_len = 18;"):
        builder(18).interleaved(DOC)


def test_stage_two_script_samples_are_all_text_and_all_learnt():
    (sample,) = builder().script(DOC)
    assert sample.kind == "script"
    assert layout(sample) == [("text", n, True, None) for n in (5, 3, 5, 5, 5, 3, 4, 4)]


def test_stage_two_keyframe_samples_hold_the_cast_their_scene_and_shot_name_then_the_keyframe():
    samples = builder().keyframes(DOC)
    mara = [("text", 5, False, None), ("latent", 6, False, M), ("vit", 5, False, M)]
    assert [s.kind for s in samples] == ["keyframe"] * 3
    assert [layout(s) for s in samples] == [
        mara + [("text", 3, False, None), ("text", 5, False, None), ("noisy", 8, True, K1)],  # Tom named by the shot
        mara + [("text", 3, False, None), ("noisy", 8, True, K2)],  # Mara named by the scene
        mara + [("text", 4, False, None), ("noisy", 8, True, K3)]]
    with pytest.raises(InputError, match=r"^document d1: a keyframe sample \(its references, text and image\) take 32 "
                                         r"tokens, more than data.seq_len = 30"):
        builder(30).keyframes(DOC)


def test_packing_is_greedy_in_order_and_a_sequence_may_be_exactly_full():
    samples = [Sample("script", "d", [Piece("text", n)]) for n in (34, 35, 40, 32)]
    packed = pack(samples, 69)
    assert [[s.length for s in p.samples] for p in packed] == [[34, 35], [40], [32]]
    assert [p.used for p in packed] == [69, 40, 32] and all(p.seq_len == 69 for p in packed)
    assert [[s.length for s in p.samples] for p in pack(samples, 80)] == [[34, 35], [40, 32]]
    assert pack([], 80) == [] and Packed([], 5).used == 0
