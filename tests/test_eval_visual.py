"""The CLIP code path of the visual metrics, on a tiny random CLIP the test saves in the real layout."""

import json

import numpy as np
import pytest
from PIL import Image
from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor, CLIPTokenizer

from auteur.tools.evaluation import visual
from planned_runs import planned, run_dir_with
from conftest import PREMISE


def byte_symbols() -> list[str]:
    """The 256 printable stand-ins byte-level BPE uses for bytes (printable bytes stand for themselves)."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("\u00a1"), ord("\u00ac") + 1), *range(ord("\u00ae"), ord("\u00ff") + 1)]
    extra = [b for b in range(256) if b not in keep]
    return [chr(b) for b in keep] + [chr(256 + k) for k in range(len(extra))]


@pytest.fixture(scope="module")
def tiny_clip_dir(tmp_path_factory):
    """A 1-layer CLIP with a byte-level vocabulary, saved as safetensors with its processor."""
    root = tmp_path_factory.mktemp("tiny-clip")
    chars = byte_symbols()
    vocab = {tok: k for k, tok in enumerate(chars + [c + "</w>" for c in chars] + ["<|startoftext|>", "<|endoftext|>"])}
    (root / "vocab.json").write_text(json.dumps(vocab))
    (root / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer(str(root / "vocab.json"), str(root / "merges.txt"))
    images = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    config = CLIPConfig(
        text_config=dict(vocab_size=len(vocab), hidden_size=32, intermediate_size=37, num_hidden_layers=1,
                         num_attention_heads=2, max_position_embeddings=77, bos_token_id=vocab["<|startoftext|>"],
                         eos_token_id=vocab["<|endoftext|>"], pad_token_id=vocab["<|endoftext|>"]),
        vision_config=dict(hidden_size=32, intermediate_size=37, num_hidden_layers=1, num_attention_heads=2,
                           image_size=32, patch_size=8),
        projection_dim=16)
    import torch
    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(root, safe_serialization=True)
    CLIPProcessor(image_processor=images, tokenizer=tokenizer).save_pretrained(root)
    return root


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = run_dir_with(planned(PREMISE), tmp_path_factory.mktemp("run"))
    from auteur.core.schema import Film
    return Film.from_json((root / "script.json").read_text()), root


def test_clip_loads_from_a_local_directory_of_safetensors(tiny_clip_dir):
    assert not list(tiny_clip_dir.glob("*.bin"))
    clip = visual.load_clip(str(tiny_clip_dir))
    assert isinstance(clip, visual.Clip)
    vecs = clip.texts(["a lighthouse", "a storm at night"])
    assert vecs.shape == (2, 16) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_visual_metrics_score_every_keyframe_and_each_framed_character(tiny_clip_dir, run):
    film, root = run
    metrics = {m.name: m for m in visual.evaluate(film, root, visual.load_clip(str(tiny_clip_dir)))}
    text, identity = metrics["keyframe_text"], metrics["identity"]
    assert text.detail["shots"] == len(film.shots()) and 0.0 <= text.score <= 1.0
    assert set(text.per_scene) == {s.id for s in film.scenes}
    framed = {b.character for sh in film.shots() for b in sh.framing}
    assert set(identity.detail) <= framed and identity.detail and 0.0 <= identity.score <= 1.0


def test_without_weights_the_visual_metrics_are_skipped_with_the_reason(run, tmp_path):
    film, root = run
    reason = visual.load_clip(str(tmp_path / "no-such-model"))
    metrics = visual.evaluate(film, root, reason)
    assert [m.score for m in metrics] == [None, None]
    assert all(m.skipped.startswith("no CLIP weights available") for m in metrics)


def _calibrated(monkeypatch, floor: str, ceil: str, values) -> tuple[float, float]:
    """Set a metric's cosine range to just around `values`, so the scores spread over (0, 1) instead of clamping.

    The tiny random CLIP's cosines sit far from a real CLIP's; the map from cosine to score is what is under test.
    """
    lo, hi = float(np.min(values)) - 0.01, float(np.max(values)) + 0.01
    monkeypatch.setattr(visual, floor, lo)
    monkeypatch.setattr(visual, ceil, hi)
    return lo, hi


def test_keyframe_text_scores_are_each_keyframes_clip_cosine_with_its_prompt(tiny_clip_dir, run, monkeypatch):
    film, root = run
    clip = visual.load_clip(str(tiny_clip_dir))
    shots = film.shots()
    images = clip.images([Image.open(root / sh.keyframe).convert("RGB") for sh in shots])
    texts = clip.texts([visual._caption(film, sh.visual_prompt) for sh in shots])
    cosines = np.sum(images * texts, axis=1)
    lo, hi = _calibrated(monkeypatch, "TEXT_FLOOR", "TEXT_CEIL", cosines)
    expected = {sh.id: (float(c) - lo) / (hi - lo) for sh, c in zip(shots, cosines)}
    assert len({round(v, 4) for v in expected.values()}) > 2  # the keyframes differ, so must their scores

    metric = visual.keyframe_text(film, root, clip)
    assert metric.score == pytest.approx(np.mean(list(expected.values())), abs=1e-5)
    for scene in film.scenes:
        assert metric.per_scene[scene.id] == pytest.approx(np.mean([expected[sh.id] for sh in scene.shots]), abs=1e-5)


def test_identity_scores_each_characters_crops_against_one_another(tiny_clip_dir, run, monkeypatch):
    film, root = run
    clip = visual.load_clip(str(tiny_clip_dir))
    means = {}
    for c in film.characters:
        crops = []
        for sh in film.shots():
            with Image.open(root / sh.keyframe) as frame:
                w, h = frame.size
                crops += [frame.convert("RGB").crop((int(b.x * w), int(b.y * h), int((b.x + b.w) * w),
                                                     int((b.y + b.h) * h)))
                          for b in sh.framing if b.character == c.token and b.w * w >= 8 and b.h * h >= 8]
        if len(crops) >= 2:
            vecs = clip.images(crops)
            sims = vecs @ vecs.T
            means[c.token] = float((sims.sum() - len(crops)) / (len(crops) * (len(crops) - 1)))
    assert len(means) >= 2
    lo, hi = _calibrated(monkeypatch, "ID_FLOOR", "ID_CEIL", list(means.values()))
    metric = visual.identity(film, root, clip)
    expected = {t: (m - lo) / (hi - lo) for t, m in means.items()}
    assert len({round(v, 4) for v in expected.values()}) > 1
    assert metric.detail == pytest.approx(expected, abs=1e-5)
    assert metric.score == pytest.approx(np.mean(list(expected.values())), abs=1e-5)
