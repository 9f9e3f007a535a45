"""The uniavgen ShotRenderer on a tiny random UniAVGen in the published layout, loaded by the real loaders."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch
from gpu_shots import MARA, request, shot
from uniavgen_checkpoint import write_uniavgen

from auteur.core.errors import InputError
from auteur.core.settings import VideoSettings
from auteur.models.gpu.pipelines import PIPELINES
from auteur.models.renderer import keyframe_size, load_renderer
from auteur.models.uniavgen import mel
from auteur.models.uniavgen.renderer import UniAVGenRenderer
from auteur.tools.editing.ffmpeg import probe
from auteur.tools.sound.audio import read_wav

TINY = {"device": "cpu", "width": 64, "height": 64, "steps": 2}


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return write_uniavgen(tmp_path_factory.mktemp("uniavgen") / "UniAVGen")


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: a thread pool costs more than it gives, and on a loaded machine a lot more."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def _fresh_pipelines():
    PIPELINES.clear()
    yield
    PIPELINES.clear()


def renderer(model, **extra) -> UniAVGenRenderer:
    return load_renderer("uniavgen", {"model": str(model), **TINY, **extra})


def in_run(req, run):
    return dataclasses.replace(req, workdir=run)


def test_a_shot_without_lines_has_picture_and_sound_of_its_planned_duration(model, tmp_path):
    r = renderer(model)
    clip = r.render(in_run(request(tmp_path, shot(duration=1.0)), tmp_path / "run"), tmp_path / "a.mp4")
    info = probe(clip.path)
    assert info.codecs("video") == ["h264"] and info.codecs("audio") == ["aac"]
    assert clip.duration == pytest.approx(1.0) and info.duration == pytest.approx(1.0, abs=0.07)
    assert (info.width, info.height) == (64, 64) and clip.lines == []
    assert [c.task for _, c in r.calls] == ["AVG"] and r.calls[0][1].symbols == []


def test_a_spoken_shot_lasts_long_enough_for_its_lines_and_says_who_speaks_when(model, tmp_path):
    r = renderer(model)
    the_shot = shot(duration=0.5, dialogue=[("<char1>", "The storm is here."), ("<char2>", "Then stay.")])
    clip = r.render(in_run(request(tmp_path, the_shot), tmp_path / "run"), tmp_path / "b.mp4")
    assert [(ln.speaker, ln.text) for ln in clip.lines] == [("<char1>", "The storm is here."), ("<char2>", "Then stay.")]
    assert all(0 <= ln.start < ln.end <= clip.duration + 1e-6 for ln in clip.lines)
    assert clip.lines[0].end <= clip.lines[1].start
    assert probe(clip.path).duration == pytest.approx(clip.duration, abs=0.13)
    assert [c.task for _, c in r.calls] == ["AVG", "AVG"]  # one speaker a call; both speak for the first time


def test_a_character_keeps_one_reference_voice_across_two_shots_and_a_resumed_run(model, tmp_path):
    run = tmp_path / "run"
    first = renderer(model)
    first.render(in_run(request(tmp_path, shot("sc1-sh01", 0.5, [("<char1>", "I keep the light.")])), run),
                 tmp_path / "1.mp4")
    [(_, made)] = first.calls
    assert made.task == "AVG" and made.reference_mel is None
    [meta_file] = (run / "uniavgen-voices").glob("*.json")
    meta = json.loads(meta_file.read_text())
    assert (meta["character"], meta["text"], meta["source"], meta["shot"]) == \
        ("<char1>", "I keep the light.", "model", "sc1-sh01")
    stored, rate = read_wav(meta_file.with_suffix(".wav"))
    expected_mel = mel.model_mel(mel.reference_wave(stored.mean(axis=1)), -5.1753, 2.1544)

    first.render(in_run(request(tmp_path, shot("sc1-sh02", 0.5, [("<char1>", "Go home.")])), run), tmp_path / "2.mp4")
    resumed = renderer(model)  # a resumed run: a new process finds the voice in the run directory
    resumed.render(in_run(request(tmp_path, shot("sc2-sh01", 0.5, [("<char1>", "Stay.")])), run), tmp_path / "3.mp4")
    later = [first.calls[1][1], resumed.calls[0][1]]
    for call, line in zip(later, ("Go home.", "Stay.")):
        assert call.task == "RAVG"
        assert torch.equal(call.reference_mel, expected_mel)
        assert "".join(call.symbols) == f"I keep the light. {line}"  # the reference's transcript leads
        assert "".join(call.uncond_symbols) == "I keep the light. "
    assert rate == 24_000 and len(list((run / "uniavgen-voices").iterdir())) == 2  # one voice: its wav and json


def test_a_shot_rendered_in_a_new_run_hears_the_voice_of_a_shot_the_cache_kept(model, tmp_path):
    shared = tmp_path / "cache" / "renderer"
    first = dataclasses.replace(request(tmp_path, shot("s1", 0.5, [("<char1>", "I keep the light.")])),
                                workdir=tmp_path / "run1", shared_dir=shared)
    renderer(model).render(first, tmp_path / "1.mp4")
    # the re-made film takes s1 from the cache (not rendered again) and renders only its changed s2
    again = renderer(model)
    second = dataclasses.replace(request(tmp_path, shot("s2", 0.5, [("<char1>", "A new line.")])),
                                 workdir=tmp_path / "run2", shared_dir=shared)
    again.render(second, tmp_path / "2.mp4")
    [(_, call)] = again.calls
    assert call.task == "RAVG" and call.reference.shot == "s1" and call.reference.text == "I keep the light."
    assert len(list((tmp_path / "run2" / "uniavgen-voices").glob("*.json"))) == 1  # the run has its own copy


def test_another_character_gets_a_voice_of_its_own(model, tmp_path):
    r = renderer(model)
    run = tmp_path / "run"
    r.render(in_run(request(tmp_path, shot("s1", 0.5, [("<char1>", "Mara here.")])), run), tmp_path / "1.mp4")
    r.render(in_run(request(tmp_path, shot("s2", 0.5, [("<char2>", "Tom here.")])), run), tmp_path / "2.mp4")
    assert [c.task for _, c in r.calls] == ["AVG", "AVG"]
    assert len(list((run / "uniavgen-voices").glob("*.json"))) == 2


def test_a_draft_first_voice_is_the_espeak_take_of_the_first_line(model, tmp_path):
    from auteur.models.uniavgen.renderer import draft_speech

    r = renderer(model, first_voice="draft")
    run = tmp_path / "run"
    r.render(in_run(request(tmp_path, shot("s1", 0.5, [("<char1>", "Hello.")])), run), tmp_path / "1.mp4")
    [(_, call)] = r.calls
    assert call.task == "RAVG" and call.reference.source == "draft"  # the very first line already leads with it
    [stored_file] = (run / "uniavgen-voices").glob("*.wav")
    stored = read_wav(stored_file)[0].mean(axis=1)
    assert np.allclose(stored, draft_speech("Hello.", MARA, "en"), atol=1 / 32767)  # kept at 16 bits
    assert torch.equal(call.reference_mel, mel.model_mel(mel.reference_wave(stored), -5.1753, 2.1544))


def test_lines_in_a_language_the_model_does_not_speak_drive_the_face_from_espeak(model, tmp_path):
    r = renderer(model)
    line = "Donaudampfschifffahrtsgesellschaftskapitän."  # one word: far longer spoken than a word-count guess
    req = dataclasses.replace(request(tmp_path, shot("s1", 0.5, [("<char1>", line)])), language="de")
    clip = r.render(req, tmp_path / "de.mp4")
    [(_, call)] = r.calls
    assert call.task == "A2V" and call.condition_mel.shape[1] == 80 and "".join(call.symbols) == line
    frames = round(clip.duration * 16)
    assert call.condition_mel.shape[0] >= frames * 100 // 16 - 7  # the speech conditions the whole call
    from auteur.models.uniavgen.renderer import draft_speech

    take_s = len(draft_speech(line, MARA, "de")) / 24_000
    assert clip.duration >= take_s + 0.3 + 0.4  # the call is as long as the take, not a word-count guess
    assert not (tmp_path / "run").exists()  # no workdir: nothing is kept


def test_a_long_shot_is_several_calls_each_continuing_the_last(model, tmp_path):
    r = renderer(model, max_segment_frames=17, lead_in_s=0.1, gap_s=0.1, tail_s=0.1)  # 1 s a call: a line each
    the_shot = shot("long", 1.2, [("<char1>", "one two"), ("<char1>", "three four")])
    clip = r.render(in_run(request(tmp_path, the_shot), tmp_path / "run"), tmp_path / "long.mp4")
    tasks = [c.task for _, c in r.calls]
    assert tasks == ["AVG", "RAVG"]  # the voice of the first call leads the second
    assert clip.duration >= 1.2 and [ln.text for ln in clip.lines] == ["one two", "three four"]


def test_the_keyframe_is_drawn_at_the_films_aspect_ratio_at_the_pixel_budget(model):
    r = renderer(model, width=1280, height=704)
    assert keyframe_size(r, VideoSettings(width=1280, height=720)) == (1280, 704)
    assert keyframe_size(r, VideoSettings(width=720, height=720)) == (960, 960)


def test_the_published_pickles_are_refused_with_the_diffusers_folders_named(tmp_path):
    model = write_uniavgen(tmp_path / "UniAVGen", components=tmp_path / "wan", published=True)
    with pytest.raises(InputError, match=r"pickle.*Wan-AI/Wan2\.2-TI2V-5B-Diffusers"):
        renderer(model, components=str(tmp_path / "nowhere"))
    loaded = renderer(model, components=str(tmp_path / "wan"))  # the same networks in diffusers' format
    assert loaded.layout.vae == tmp_path / "wan" / "vae"


@pytest.mark.parametrize("bad, named", [({"memory": {"step_cache": "pyramid"}}, "step_cache"),
                                        ({"first_voice": "clone"}, "first_voice"),
                                        ({"max_segment_frames": 80}, "max_segment_frames")])
def test_settings_the_renderer_cannot_honour_are_refused_by_name(model, bad, named):
    with pytest.raises(InputError, match=named):
        renderer(model, **bad)


def test_the_cache_key_changes_with_what_changes_the_output(model):
    a, b = renderer(model), renderer(model, first_voice="draft")
    assert a.settings() != b.settings() and a.settings()["renderer_version"] >= 1
    json.dumps(a.settings())


def test_a_tiny_uniavgen_profile_makes_a_film_through_the_whole_graph(model, tmp_path):
    import importlib.util
    import sys
    import tomllib
    from pathlib import Path

    from clirun import auteur

    root = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location("gpu_studio", root.parent / "benchmarks" / "gpu_studio.py")
    studio = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gpu_studio", studio)
    spec.loader.exec_module(studio)
    data = tomllib.loads((root / "tiny.toml").read_text())  # the draft director: the renderer is what is tested
    data["renderer"] = {"backend": "uniavgen", "settings": {"model": str(model), **TINY, "width": 64, "height": 32}}
    (tmp_path / "uniavgen.toml").write_text(studio.toml_text(data))
    out = tmp_path / "film"
    done = auteur("make", "A lighthouse keeper befriends a storm", "--profile", str(tmp_path / "uniavgen.toml"),
                  "--shots", "2", "--out", str(out), cache=tmp_path / "cache", threads=1)
    assert done.returncode == 0, done.stderr[-2000:]
    info = probe(out / "film.mp4")
    assert info.codecs("video") == ["h264"] and info.codecs("audio") == ["aac"]
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["profile"]["renderer"]["backend"] == "uniavgen"
    records = [json.loads(p.read_text()) for p in (out / "shots").glob("sc*-sh??.json")]
    spoken = {ln["speaker"] for record in records for ln in record["lines"]}
    voices = {json.loads(p.read_text())["character"] for p in (out / "renderer" / "uniavgen-voices").glob("*.json")}
    assert spoken and voices == spoken  # every character who spoke has its voice kept in the run directory


def test_a_ray_worker_gets_the_runs_voices_with_its_shot_and_hands_back_the_voices_it_makes(model, tmp_path):
    """Ray actors share no disk with the driver: the run's renderer folder travels with each shot, both ways."""
    from auteur.pipeline.executors.ray_cluster import ShotWorker, folder_files, keep_new_files, request_to_json

    first = ShotWorker("uniavgen", {"model": str(model), **TINY})
    req = request(tmp_path, shot("s1", 0.5, [("<char1>", "I keep the light.")]))
    _, _, added = first.render(request_to_json(req), req.keyframe.read_bytes(), {})
    assert sorted(name.rsplit(".", 1)[1] for name in added) == ["json", "wav"]  # the voice first made there
    assert list(added)[-1].endswith(".json")  # in the order written: the record that says it is complete last
    run = tmp_path / "run" / "renderer"
    keep_new_files(run, added)  # what the driver does with them

    other = ShotWorker("uniavgen", {"model": str(model), **TINY})  # another actor, another process
    req = request(tmp_path, shot("s2", 0.5, [("<char1>", "Go home.")]))
    _, _, again = other.render(request_to_json(req), req.keyframe.read_bytes(), folder_files(run))
    [(_, call)] = other.renderer.calls
    assert call.task == "RAVG" and call.reference.shot == "s1" and again == {}


def test_files_a_worker_returns_never_overwrite_the_runs_or_leave_its_folder(tmp_path):
    from auteur.core.errors import AuteurError
    from auteur.pipeline.executors.ray_cluster import keep_new_files

    keep_new_files(tmp_path, {"voices/a.wav": b"first"})
    keep_new_files(tmp_path, {"voices/a.wav": b"second", "voices/b.wav": b"b"})
    assert (tmp_path / "voices" / "a.wav").read_bytes() == b"first"  # the first kept wins
    assert (tmp_path / "voices" / "b.wav").read_bytes() == b"b"
    with pytest.raises(AuteurError, match="outside"):
        keep_new_files(tmp_path / "run", {"../escape.wav": b"x"})
    assert not (tmp_path / "escape.wav").exists()
