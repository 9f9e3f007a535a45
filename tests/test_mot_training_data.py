"""Film documents for training: the two readers, refusals in one line, packing and its masks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from PIL import Image

import mot_tiny
from auteur.core.errors import InputError
from auteur.models.mot.masks import Segment, query_mask
from auteur.models.mot.training.config import load_train_config
from auteur.models.mot.training.documents import from_jsonl, from_run
from auteur.models.mot.training.forward import packed_mask
from auteur.models.mot.training.packing import Builder, ImageBank, pack
from clirun import auteur
from conftest import PREMISE
from planned_runs import planned, run_dir_with


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    film = planned(PREMISE)
    (root / "characters").mkdir()
    Image.new("RGB", (40, 40), "red").save(root / "characters" / "char1.png")
    cast = [c.model_copy(update={"reference_image": "characters/char1.png"}) if c.token == "<char1>" else c
            for c in film.characters]
    return run_dir_with(film.revise(characters=cast), root)


def _jsonl(tmp_path: Path, *docs) -> Path:
    (tmp_path / "pics").mkdir(exist_ok=True)
    for name in ("a.png", "b.png"):
        Image.new("RGB", (64, 36), "blue").save(tmp_path / "pics" / name)
    file = tmp_path / "films.jsonl"
    file.write_text("\n".join(d if isinstance(d, str) else json.dumps(d) for d in docs) + "\n", "utf-8")
    return file


GOOD = {"id": "harbour", "treatment": "A ferry pilot learns to let go.",
        "cast": [{"token": "<char1>", "text": "Mara, a ferry pilot", "image": "a.png"}],
        "scenes": [{"text": "sc1 THE QUAY - DAWN. Mara unties the ferry.",
                    "shots": [{"text": "wide, static: the ferry leaves", "keyframe": "b.png"}]}]}


def test_a_run_directory_reads_as_treatment_cast_and_scenes_with_their_keyframes(run):
    doc = from_run(run)
    film = json.loads((run / "script.json").read_text())
    assert film["treatment"]["title"] in doc.treatment
    assert [m.token for m in doc.cast] == [c["token"] for c in film["characters"]] + [loc["token"] for loc in film["locations"]]
    assert doc.cast[0].image == run / "characters" / "char1.png" and doc.cast[1].image is None
    assert [len(s.shots) for s in doc.scenes] == [len(s["shots"]) for s in film["scenes"]]
    assert all(shot.keyframe.is_file() for shot in doc.keyframes())


def test_a_jsonl_document_reads_with_images_relative_to_the_image_folder(tmp_path):
    (doc,) = from_jsonl(_jsonl(tmp_path, GOOD), tmp_path / "pics")
    assert doc.id == "harbour" and doc.cast[0].image == tmp_path / "pics" / "a.png"
    assert doc.scenes[0].shots[0].keyframe == tmp_path / "pics" / "b.png"


def test_pictures_may_be_png_jpeg_or_webp_in_any_case(tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    for name in ("a.JPG", "b.jpeg", "c.webp"):
        Image.new("RGB", (8, 8), "blue").save(pics / name, format="WEBP" if name.endswith("webp") else "JPEG")
    doc = GOOD | {"cast": [{"token": "<char1>", "text": "Mara", "image": "a.JPG"}],
                  "scenes": [{"text": "sc1 quay", "shots": [{"text": "wide", "keyframe": "b.jpeg"},
                                                            {"text": "close", "keyframe": "c.webp"}]}]}
    file = tmp_path / "films.jsonl"
    file.write_text(json.dumps(doc) + "\n", "utf-8")
    (read,) = from_jsonl(file, pics)
    assert read.cast[0].image == pics / "a.JPG"
    assert [s.keyframe.name for s in read.keyframes()] == ["b.jpeg", "c.webp"]


def _without(path: str):
    doc = json.loads(json.dumps(GOOD))
    *parents, last = path.split(".")
    node = doc
    for p in parents:
        node = node[int(p)] if p.isdigit() else node[p]
    del node[last]
    return doc


def _with(path: str, value):
    doc = json.loads(json.dumps(GOOD))
    *parents, last = path.split(".")
    node = doc
    for p in parents:
        node = node[int(p)] if p.isdigit() else node[p]
    node[last] = value
    return doc


MALFORMED = [
    ('{"id": "x", "treatment": ', "not valid JSON"),
    ("[1, 2]", "a document is a JSON object"),
    (_without("treatment"), "field treatment is missing"),
    (_with("treatment", "  "), "field treatment must be non-empty text"),
    (_with("scenes", []), "field scenes must be a non-empty list"),
    (_with("cast.0.token", "Mara"), "field cast[0].token"),
    (_with("scenes.0.shots.0.keyframe", "missing.png"), "field scenes[0].shots[0].keyframe"),
    (_with("scenes.0.shots.0.keyframe", "../escape.png"), "field scenes[0].shots[0].keyframe"),
    (_with("scenes.0.shots.0.keyframe", "notes.txt"), "field scenes[0].shots[0].keyframe"),
    (_with("scenes.0.mood", "grim"), "field scenes[0].mood is unknown"),
    (_with("director", "me"), "field director is not part of a film document"),
]


@pytest.mark.parametrize("line,expected", MALFORMED, ids=[m[1] for m in MALFORMED])
def test_a_malformed_jsonl_document_is_refused_in_one_line_naming_file_line_and_field(tmp_path, line, expected):
    file = _jsonl(tmp_path, GOOD | {"id": "first"}, line)
    with pytest.raises(InputError) as err:
        from_jsonl(file, tmp_path / "pics")
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{file}:2: ") and expected in message, message


def test_a_repeated_document_id_is_refused(tmp_path):
    with pytest.raises(InputError, match=r":2: field id: 'harbour' appears twice"):
        from_jsonl(_jsonl(tmp_path, GOOD, GOOD), tmp_path / "pics")


def test_a_run_whose_keyframe_is_gone_is_refused_naming_script_and_field(run, tmp_path):
    import shutil

    copy = shutil.copytree(run, tmp_path / "run")
    first = sorted((copy / "shots").glob("*.png"))[0]
    first.unlink()
    with pytest.raises(InputError) as err:
        from_run(copy)
    assert "\n" not in str(err.value) and str(err.value).startswith(f"{copy / 'script.json'}: field scenes[0].shots[0].keyframe")


def test_a_run_whose_script_does_not_validate_is_refused_naming_the_shot(run, tmp_path):
    import shutil

    copy = shutil.copytree(run, tmp_path / "run")
    film = json.loads((copy / "script.json").read_text())
    film["scenes"][0]["shots"][0]["duration"] = -1
    (copy / "script.json").write_text(json.dumps(film))
    with pytest.raises(InputError, match=r"script.json: scene sc1, shot sc1-sh01, field duration"):
        from_run(copy)


def test_the_cli_refuses_a_malformed_document_in_one_line(tmp_path):
    file = _jsonl(tmp_path, _without("scenes.0.text"))
    mot_tiny.checkpoint(tmp_path / "ckpt")
    config = tmp_path / "train.toml"
    config.write_text(f'[model]\npath = "{tmp_path / "ckpt"}"\n[data]\njsonl = ["{file}"]\nimages = "pics"\n')
    done = auteur("train", str(config), timeout=300)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"{file}:1: field scenes[0].text is missing" in lines[0], done.stderr


def test_a_config_with_an_unknown_key_is_refused_in_one_line(tmp_path):
    config = tmp_path / "train.toml"
    config.write_text('[model]\npath = "x"\n[data]\nruns = ["r"]\n[train]\nstepz = 3\n')
    with pytest.raises(InputError, match=r"train.toml: train.stepz: Extra inputs are not permitted$"):
        load_train_config(config)


def test_a_qwen2_start_without_an_autoencoder_is_refused(tmp_path):
    config = tmp_path / "train.toml"
    config.write_text('[model]\ninit = "qwen2"\npath = "q"\n[data]\nruns = ["r"]\n')
    with pytest.raises(InputError, match=r"model: Value error, init = \"qwen2\" needs vae"):
        load_train_config(config)


# ---------------------------------------------------------------------------------------------- packing
@pytest.fixture(scope="module")
def builder():
    model = mot_tiny.model()
    bank = ImageBank(model.cfg, mot_tiny.vae(), keyframe_side=64, reference_sides=(32, 16), vit_sides=(16, 8))
    return lambda seq_len: Builder(mot_tiny.tokenizer(), mot_tiny.SPECIAL, bank, True, seq_len)


def test_stage_one_samples_interleave_text_noisy_keyframes_and_their_clean_vit_copies(builder, run):
    (sample,) = builder(100_000).interleaved(from_run(run))
    kinds = [p.kind for p in sample.pieces]
    assert kinds[:3] == ["text", "latent", "vit"]  # <char1>'s description and picture, as draw() places them
    n_shots = len(from_run(run).keyframes())
    assert kinds.count("noisy") == n_shots and kinds.count("vit") == n_shots + 1
    assert all(kinds[i + 1] == "vit" for i, k in enumerate(kinds) if k == "noisy")
    assert all(p.loss for p in sample.pieces if p.kind in ("text", "noisy"))


def test_a_long_document_splits_into_windows_that_each_start_from_the_cast(builder, run):
    doc = from_run(run)
    whole = builder(100_000).interleaved(doc)[0]
    cast = 3  # <char1>: its description, clean latent and ViT tokens (the other cast members have no picture)
    cast += len(doc.cast) - 1
    head = sum(p.length for p in whole.pieces[:cast])
    body_pieces = whole.pieces[cast:]
    # room for the longest piece, or a third of the body: a body over twice the room needs three windows at least
    longest, total = max(p.length for p in body_pieces), sum(p.length for p in body_pieces)
    room = max(longest, total // 3)
    assert total > 2 * room
    seq_len = head + room
    windows = builder(seq_len).interleaved(doc)
    assert len(windows) >= 3 and all(w.length <= seq_len for w in windows)
    for w in windows[1:]:
        assert [p.kind for p in w.pieces[:cast]] == [p.kind for p in whole.pieces[:cast]]
        assert [p.ids for p in w.pieces[:cast]] == [p.ids for p in whole.pieces[:cast]]
        assert not any(p.loss for p in w.pieces[:cast])  # the cast's words are learnt once, in the first window
    body = [p for w in windows for p in w.pieces[cast:]]
    assert body == whole.pieces[cast:]


def test_stage_two_splits_script_text_from_keyframes_in_context(builder, run):
    doc = from_run(run)
    b = builder(100_000)
    (script,) = b.script(doc)
    assert {p.kind for p in script.pieces} == {"text"} and all(p.loss for p in script.pieces)
    frames = b.keyframes(doc)
    assert len(frames) == len(doc.keyframes())
    for sample in frames:
        *context, last = sample.pieces
        assert last.kind == "noisy" and last.loss and not any(p.loss for p in context)


def test_packing_fills_fixed_length_sequences_in_order_and_samples_never_see_each_other(builder, run):
    b = builder(100_000)
    doc = from_run(run)
    samples = b.keyframes(doc)
    seq_len = max(s.length for s in samples) * 2 + 3
    packed = pack(samples, seq_len)
    assert [s for p in packed for s in p.samples] == samples
    assert all(p.used <= seq_len for p in packed) and any(len(p.samples) > 1 for p in packed)
    first = next(p for p in packed if len(p.samples) > 1)
    mask = packed_mask(first)
    assert mask.shape == (seq_len, seq_len)
    start = 0
    for sample in first.samples:
        n = sample.length
        segs = tuple(Segment("text" if p.kind == "text" else "noisy" if p.kind == "noisy" else "image", p.length)
                     for p in sample.pieces)
        assert torch.equal(mask[start:start + n, start:start + n], query_mask(segs))
        assert not mask[start:start + n, :start].any() and not mask[start:start + n, start + n:].any()
        start += n
    assert torch.equal(mask[start:, start:], torch.ones(seq_len - start, seq_len - start, dtype=torch.bool).tril())


def test_a_noised_keyframe_is_hidden_from_what_follows_but_its_vit_copy_is_not(builder, run):
    (sample,) = builder(100_000).interleaved(from_run(run))
    packed = pack([sample], sample.length)[0]
    mask = packed_mask(packed)
    offsets, start = [], 0
    for p in sample.pieces:
        offsets.append((p.kind, start, start + p.length))
        start += p.length
    i = next(i for i, (k, _, _) in enumerate(offsets) if k == "noisy")
    _, a, b = offsets[i]
    _, c, d = offsets[i + 1]
    assert not mask[b:, a:b].any()  # nothing after the noisy image sees it
    assert mask[c:d, c:d].all() and mask[d:, c:d].all()  # the clean ViT copy is seen whole by all that follows
    assert mask[a:b, :a].all()  # the noisy image sees everything before it


def test_the_example_config_validates():
    example = Path(__file__).parent.parent / "examples" / "train" / "finetune.toml"
    cfg = load_train_config(example)
    assert cfg.model.lora is not None and cfg.train.stage == 1
    assert cfg.resolve(cfg.data.runs[0]) == (example.parent / "../../runs/fox").resolve() or cfg.resolve(cfg.data.runs[0]).name == "fox"
