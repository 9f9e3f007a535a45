"""Training the MoT director (UniMAGE's two stages) on documents read from real draft runs, at tiny size."""

from __future__ import annotations

import json
import statistics

import pytest
import torch
from safetensors.torch import load_file

import mot_tiny
import train_tiny
from auteur.core.errors import InputError
from auteur.models.mot.training.config import load_train_config
from auteur.models.mot.training.loop import train
from auteur.models.mot.training.stages import expert_of


@pytest.fixture(autouse=True)
def _one_thread():
    with mot_tiny.one_thread():
        yield


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return train_tiny.draft_runs(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def ckpt(runs, tmp_path_factory):
    return train_tiny.checkpoint(tmp_path_factory.mktemp("bagel") / "tiny", runs)


def _config(tmp_path, ckpt, runs, **train_settings):
    tmp_path.mkdir(parents=True, exist_ok=True)
    return load_train_config(train_tiny.config(tmp_path / "train.toml", ckpt, runs, tmp_path / "out", **train_settings))


def _mean(values):
    return statistics.mean(v for v in values if v is not None)


def test_stage_one_lowers_both_losses_by_a_third_in_200_steps(tmp_path, ckpt, runs):
    result = train(_config(tmp_path, ckpt, runs, steps=200, save_every=1000))
    h = result.history
    assert len(h) == 200 and all(log.kind == "interleaved" for log in h)
    first_ce, first_mse = _mean(log.ce for log in h[:10]), _mean(log.mse for log in h[:10])
    last_ce, last_mse = _mean(log.ce for log in h[-10:]), _mean(log.mse for log in h[-10:])
    assert last_ce <= 0.7 * first_ce, (first_ce, last_ce)
    assert last_mse <= 0.7 * first_mse, (first_mse, last_mse)


def _weights(model_or_path, expert):
    sd = load_file(str(model_or_path / "ema.safetensors")) if not isinstance(model_or_path, dict) else model_or_path
    return {k: v.clone() for k, v in sd.items() if expert_of(k) == expert}


def test_stage_two_leaves_the_frozen_expert_bit_identical_on_every_step(tmp_path, ckpt, runs):
    from auteur.models.mot.training import loop

    seen = []
    snapshots = {}
    real_save = loop.checkpoint.save

    def save_every_step(out, step, wrapper, *args, **kwargs):
        snapshots[step] = {k.removeprefix("mot."): v.detach().clone() for k, v in wrapper.state_dict().items()}
        return real_save(out, step, wrapper, *args, **kwargs)

    loop.checkpoint.save = save_every_step
    try:
        result = train(_config(tmp_path, ckpt, runs, stage=2, steps=8, save_every=1, script_ratio=0.5),
                       on_log=lambda log: seen.append(log.kind))
    finally:
        loop.checkpoint.save = real_save
    assert {"script", "keyframe"} <= set(seen), seen
    before = load_file(str(ckpt / "ema.safetensors"))
    previous = {k: v for k, v in before.items()}
    for step, kind in enumerate(seen, start=1):
        now = snapshots[step]
        frozen, trained = ("gen", "und") if kind == "script" else ("und", "gen")
        for k, v in now.items():
            if k not in previous:
                continue
            if expert_of(k) in (frozen, "vit"):  # SigLIP never trains in stage 2
                assert torch.equal(v, previous[k].view_as(v)) or k.endswith("patch_embedding.weight"), (step, kind, k)
        changed = [k for k, v in now.items() if expert_of(k) == trained and k in previous
                   and not k.endswith("patch_embedding.weight") and not torch.equal(v, previous[k].view_as(v))]
        assert changed, (step, kind)
        previous = now
    assert result.checkpoint.name == "step-000008"


def test_a_saved_checkpoint_is_in_bagel_layout_and_draws_through_the_director_loader(tmp_path, ckpt, runs):
    from PIL import Image

    from auteur.models.director import DrawRequest, Reference, load_director

    result = train(_config(tmp_path, ckpt, runs, steps=4, save_every=2))
    path = result.checkpoint
    assert path.name == "step-000004"
    for name in ("llm_config.json", "vit_config.json", "ema.safetensors", "ae.safetensors", "tokenizer.json"):
        assert (path / name).is_file(), name
    assert not any(p.suffix in (".bin", ".pt", ".pth", ".pkl") for p in path.iterdir())
    trained, start = load_file(str(path / "ema.safetensors")), load_file(str(ckpt / "ema.safetensors"))
    assert set(trained) == set(start)  # BAGEL's names, nothing added
    assert not torch.equal(trained["language_model.model.layers.0.mlp.up_proj.weight"],
                           start["language_model.model.layers.0.mlp.up_proj.weight"])
    director = load_director("mot", dict(model=str(path), **train_tiny.DIRECTOR))
    loaded = director.loaded.model.state_dict()
    assert torch.equal(loaded["language_model.model.layers.0.mlp.up_proj.weight"],
                       trained["language_model.model.layers.0.mlp.up_proj.weight"])
    keyframe = next((runs[0] / "shots").glob("*.png"))
    with torch.no_grad():
        image = director.draw(DrawRequest(kind="keyframe", prompt="<char1> at dusk", width=96, height=54, seed=1,
                                          references=(Reference("<char1>", runs[0] / "characters" / "char1.png"),)))
    assert image.size == (96, 54) and Image.open(keyframe).size[0] > 0


@pytest.mark.parametrize("stage", [1, 2])
def test_a_killed_training_resumes_to_the_weights_of_an_uninterrupted_one(tmp_path, ckpt, runs, stage):
    settings = dict(stage=stage, steps=6, save_every=2, grad_accum=2)
    whole = train(_config(tmp_path / "whole", ckpt, runs, **settings))
    cut = _config(tmp_path / "cut", ckpt, runs, **settings)
    stopped = train(cut, stop_after=5)  # dies after step 5, between checkpoints 4 and 6
    assert stopped.checkpoint.name == "step-000004" and len(stopped.history) == 5
    resumed = train(cut)
    assert resumed.resumed_from == 4 and [log.step for log in resumed.history] == [5, 6]
    assert [log.kind for log in resumed.history] == [log.kind for log in whole.history[4:]]
    for name in ("ema.safetensors", "optimizer.safetensors", "rng.safetensors"):
        a, b = load_file(str(whole.checkpoint / name)), load_file(str(resumed.checkpoint / name))
        assert a.keys() == b.keys()
        assert all(torch.equal(a[k], b[k]) for k in a), name


def test_a_half_written_checkpoint_is_ignored_on_resume(tmp_path, ckpt, runs):
    cfg = _config(tmp_path, ckpt, runs, steps=4, save_every=2)
    train(cfg, stop_after=3)
    partial = tmp_path / "out" / "checkpoints" / ".step-000004.partial"
    partial.mkdir()
    (partial / "ema.safetensors").write_bytes(b"\0" * 10)
    assert train(cfg).resumed_from == 2


def test_a_checkpoint_from_another_config_is_refused_in_one_line(tmp_path, ckpt, runs):
    train(_config(tmp_path, ckpt, runs, steps=2, save_every=2))
    with pytest.raises(InputError, match=r"different training config") as err:
        train(_config(tmp_path, ckpt, runs, steps=4, save_every=2, lr=1e-4))
    assert "\n" not in str(err.value)


@pytest.mark.slow
def test_a_trained_checkpoint_makes_a_film_through_the_cli(tmp_path, ckpt, runs):
    from auteur.core.schema import Film
    from clirun import auteur
    from conftest import PREMISE

    result = train(_config(tmp_path, ckpt, runs, steps=2, save_every=2))
    profile = tmp_path / "tiny-mot.toml"
    # the film at tests/tiny.toml's picture and sound: the claim is about the director, not the render
    profile.write_text(
        'description = "tiny trained MoT"\nworkers = 1\ntarget_runtime_s = 12\n'
        '[director]\nbackend = "mot"\n[director.settings]\ndtype = "fp32"\ndevice = "cpu"\nmax_chars = 10\n'
        'max_items = 2\nsteps = 2\nimage_side = 64\nreference_side = 32\nreference_min_side = 16\nvit_side = 16\n'
        'vit_min_side = 8\n'
        '[renderer]\nbackend = "draft"\n[video]\nwidth = 128\nheight = 72\nfps = 12\nsample_rate = 24000\n'
        '[assembly]\ntitle_card_s = 1\nend_card_s = 1\n')
    out = tmp_path / "film"
    done = auteur("make", PREMISE, "--profile", str(profile), "--director", f"mot:{result.checkpoint}", "--out", str(out),
                  cache=tmp_path / "cache", threads=1)
    assert done.returncode == 0, done.stderr
    film = Film.from_json((out / "script.json").read_text())
    assert film.missing() == [] and (out / "film.mp4").stat().st_size > 0
    assert json.loads((out / "run.json").read_text())["profile"]["director"]["settings"]["model"] == str(result.checkpoint)


def test_auteur_train_into_a_folder_named_with_markup_finishes_and_resumes(tmp_path, ckpt, runs):
    from clirun import auteur_here

    out = tmp_path / "out [/x] [bold]"  # issue 23, item 3: the checkpoint's path was printed as rich markup
    config = train_tiny.config(tmp_path / "train.toml", ckpt, runs, out, steps=2, save_every=2)
    code, stdout, stderr = auteur_here("train", str(config))
    assert code == 0, stderr
    assert f"checkpoint: {out / 'checkpoints' / 'step-000002'}" in stdout
    code, stdout, stderr = auteur_here("train", str(config), "--steps", "3")
    assert code == 0, stderr
    assert f"resuming at step 2 in {out}" in stderr and "step-000003" in stdout


def test_the_vit_side_limit_is_the_largest_picture_whose_patches_all_have_positions(ckpt):
    from auteur.models.mot.loading import load

    m = load(ckpt).model
    limit, patch = m.vit_side_limit(), m.cfg.vit["patch_size"]
    with torch.no_grad():
        assert m.embed_vit(torch.zeros(1, 3, limit, limit)).shape[1] == (limit // patch) ** 2
        with pytest.raises(IndexError):
            m.embed_vit(torch.zeros(1, 3, limit + patch, limit + patch))


def test_a_vit_side_beyond_the_checkpoints_vit_is_refused_in_one_line(tmp_path, ckpt, runs):
    path = train_tiny.config(tmp_path / "train.toml", ckpt, runs, tmp_path / "out")
    path.write_text(path.read_text().replace("vit_side = 16\n", "vit_side = 64\n"))
    with pytest.raises(InputError, match=r"^data.vit_side 64: pictures would be 64 pixels a side, and the checkpoint's "
                                         r"ViT has positions for at most 16; set it to 16 or less$"):
        train(load_train_config(path))
    assert not (tmp_path / "out").exists()
