"""The `mot` director backend: schema-valid writing from random weights, drawing, and whole films."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

import mot_tiny
from auteur.models.director import DrawRequest, Reference, WriteRequest, load_director
from auteur.models.mot.constrained import JsonSchemaConstraint, grammar_compiler
from auteur.models.mot.generate_text import generate
from auteur.models.mot.schemas import schema_for
from auteur.core.schema import (Beat, BeatName, Character, DialogueLine, Film, LocationPlan, Scene, Screenplay,
                                    ShotList, Treatment)
from clirun import auteur
from conftest import PREMISE



@pytest.fixture(autouse=True)
def _no_grad_one_thread():
    with torch.no_grad(), mot_tiny.one_thread():
        yield


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    return mot_tiny.checkpoint(tmp_path_factory.mktemp("bagel") / "tiny", seed=1)


@pytest.fixture(scope="module")
def director(ckpt):
    return load_director("mot", dict(model=str(ckpt), dtype="fp32", device="cpu", max_chars=10, max_items=2,
                                     max_new_tokens=1500, steps=3, image_side=64, reference_side=32,
                                     reference_min_side=16, vit_side=16, vit_min_side=8))


def _film() -> Film:
    cast = [Character(token="<char1>", name="Ada", appearance="tall"), Character(token="<char2>", name="Bo", appearance="short")]
    treatment = Treatment(title="T", logline="L", genre="g", tone="t", visual_style="v", target_runtime_s=30,
                          beats=[Beat(name=BeatName.setup, summary="s"), Beat(name=BeatName.climax, summary="c")])
    scenes = [Scene(id="sc1", heading="H", beat=BeatName.setup, plot="p", setting="s", characters=["<char1>", "<char2>"],
                    dialogue=[DialogueLine(speaker="<char2>", line="hi")]),
              Scene(id="sc2", heading="H", beat=BeatName.climax, plot="p", setting="s")]
    return Film(prompt=PREMISE, treatment=treatment, characters=cast, scenes=scenes)


CASES = [(Treatment, {"target_runtime_s": 30}), (Screenplay, {"film": _film(), "names": ["Ada", "Bo"]}),
         (LocationPlan, {"film": _film()}), (ShotList, {"film": _film(), "scene_id": "sc1"}),
         (ShotList, {"film": _film(), "scene_id": "sc2"})]


@pytest.mark.parametrize("schema,context", CASES, ids=lambda x: getattr(x, "__name__", ""))
def test_constrained_sampling_from_random_weights_always_validates(schema, context):
    tok, m = mot_tiny.tokenizer(), mot_tiny.model(2, vit=False)
    eos = tok.convert_tokens_to_ids("<|im_end|>")
    from auteur.models.mot.config import SpecialTokens

    special = SpecialTokens(bos=tok.convert_tokens_to_ids("<|im_start|>"), eos=eos, start_of_image=3, end_of_image=4)
    compiler = grammar_compiler(tok, m.cfg.llm.vocab_size, [eos])
    narrowed = schema_for(schema, context, max_chars=6, max_items=2)
    for seed in range(2):
        ids = generate(m, special, [special.bos, 40, 41], 1500, stop_ids=(eos,), temperature=1.0,
                       generator=torch.Generator().manual_seed(seed), constraint=JsonSchemaConstraint(compiler, narrowed))
        text = tok.decode(ids)
        value = schema.model_validate_json(text)
        if schema is Screenplay:  # the cross-references resolve too
            Film(prompt=PREMISE, treatment=context["film"].treatment, characters=value.characters, scenes=value.scenes)
        if schema is ShotList:
            assert all(s.id.startswith(context["scene_id"] + "-") for s in value.shots)


def test_write_goes_through_the_chat_template_and_returns_the_schema(director):
    request = WriteRequest(role="location_manager", task="locations", prompt="Find places.", context={"film": _film()})
    plan = director.write(request, LocationPlan)
    assert len(plan.scene_locations) == 2 and set(plan.scene_locations) <= {loc.token for loc in plan.locations}


def test_draw_returns_the_requested_size_and_depends_on_the_reference(director, tmp_path):
    for i, colour in enumerate(("red", "blue")):
        Image.new("RGB", (40, 30), colour).save(tmp_path / f"ref{i}.png")

    def draw(ref):
        return director.draw(DrawRequest(kind="keyframe", prompt="<char1> at dusk", width=96, height=54, seed=4,
                                         references=(Reference("<char1>", tmp_path / ref),)))

    a, b, again = draw("ref0.png"), draw("ref1.png"), draw("ref0.png")
    assert a.size == (96, 54) and a.mode == "RGB"
    assert list(a.getdata()) == list(again.getdata())
    assert list(a.getdata()) != list(b.getdata())


@pytest.fixture(scope="module")
def bagel_ckpt(tmp_path_factory):
    """A checkpoint whose tokenizer has no chat template, as BAGEL's has none."""
    return mot_tiny.checkpoint(tmp_path_factory.mktemp("bagel") / "no-template", seed=1, chat_template=False)


TINY_SETTINGS = dict(dtype="fp32", device="cpu", max_chars=10, max_items=2, max_new_tokens=1500, steps=3, image_side=64,
                     reference_side=32, reference_min_side=16, vit_side=16, vit_min_side=8)


def test_without_a_chat_template_text_goes_in_bagels_turns_and_write_still_answers(bagel_ckpt):
    director = load_director("mot", dict(model=str(bagel_ckpt), **TINY_SETTINGS))
    tok, sp = director.loaded.tokenizer, director.loaded.special
    ids = director.prompt_ids("Find places.")
    from auteur.models.mot.director import SYSTEM

    assert ids == [sp.bos, *tok.encode(SYSTEM, add_special_tokens=False), sp.eos,
                   sp.bos, *tok.encode("Find places.", add_special_tokens=False), sp.eos, sp.bos]
    request = WriteRequest(role="location_manager", task="locations", prompt="Find places.", context={"film": _film()})
    assert len(director.write(request, LocationPlan).scene_locations) == 2


def test_draw_many_equals_drawing_one_at_a_time(director, tmp_path):
    Image.new("RGB", (40, 30), "green").save(tmp_path / "ref.png")
    requests = [DrawRequest(kind="keyframe", prompt=p, width=96, height=54, seed=s,
                            references=(Reference("<char1>", tmp_path / "ref.png"),) if s else ())
                for p, s in (("<char1> at dusk", 1), ("a pier", 0), ("<char1> runs", 2))]
    together = director.draw_many(requests)
    for request, picture in zip(requests, together):
        alone = director.draw(request)
        diff = np.abs(np.asarray(alone, dtype=np.int16) - np.asarray(picture, dtype=np.int16))
        assert diff.max() <= 1  # float rounding may flip one step of 255


def test_scene_context_lets_a_keyframe_see_the_previous_keyframe_of_its_scene(ckpt, tmp_path):
    Image.new("RGB", (48, 32), "red").save(tmp_path / "prev0.png")
    Image.new("RGB", (48, 32), "blue").save(tmp_path / "prev1.png")

    def draw(d, prev):
        return list(d.draw(DrawRequest(kind="keyframe", prompt="a pier", width=64, height=48, seed=1,
                                       previous_keyframe=tmp_path / prev)).getdata())

    chained = load_director("mot", dict(model=str(ckpt), scene_context=True, **TINY_SETTINGS))
    plain = load_director("mot", dict(model=str(ckpt), **TINY_SETTINGS))
    assert draw(chained, "prev0.png") != draw(chained, "prev1.png")
    assert draw(plain, "prev0.png") == draw(plain, "prev1.png")


def test_studio_profile_without_weights_fails_at_once_naming_the_model(tmp_path):
    done = auteur("make", PREMISE, "--profile", "studio", "--out", str(tmp_path / "run"),
                  extra_env={"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}, timeout=120)
    assert done.returncode != 0
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "ByteDance-Seed/BAGEL-7B-MoT is not downloaded" in lines[0]
    assert not (tmp_path / "run").exists()


def test_an_unknown_director_override_is_one_line_naming_the_backends(tmp_path):
    done = auteur("make", PREMISE, "--director", "oracle:somewhere", "--out", str(tmp_path / "run"), timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0 and "unknown director backend 'oracle'; available: draft, mot" in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("template", [True, False], ids=["chat-template", "bagel-turns"])
def test_a_tiny_random_mot_director_drives_the_whole_graph_to_a_film(ckpt, bagel_ckpt, template, tmp_path):
    ckpt = ckpt if template else bagel_ckpt
    profile = tmp_path / "tiny.toml"
    # the film at tests/tiny.toml's picture and sound: the claim is about the director, not the render
    profile.write_text(
        'description = "tiny random MoT"\nworkers = 1\ntarget_runtime_s = 12\n'
        '[director]\nbackend = "mot"\n[director.settings]\ndtype = "fp32"\ndevice = "cpu"\nmax_chars = 10\n'
        'max_items = 2\nsteps = 3\nimage_side = 64\nreference_side = 32\nreference_min_side = 16\nvit_side = 16\n'
        'vit_min_side = 8\n'
        '[renderer]\nbackend = "draft"\n[video]\nwidth = 128\nheight = 72\nfps = 12\nsample_rate = 24000\n'
        '[assembly]\ntitle_card_s = 1\nend_card_s = 1\n')
    out = tmp_path / "run"
    done = auteur("make", PREMISE, "--profile", str(profile), "--director", f"mot:{ckpt}", "--out", str(out),
                  cache=tmp_path / "cache", threads=1)
    assert done.returncode == 0, done.stderr
    film = Film.from_json((out / "script.json").read_text())
    assert film.missing() == [] and (out / "film.mp4").stat().st_size > 0
    assert all((out / shot.keyframe).is_file() for shot in film.shots())
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["profile"]["director"]["backend"] == "mot"
