"""Where training starts and how small it can be: a Qwen2 text model as both experts, and LoRA."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file, save_file

import mot_tiny
import train_tiny
from auteur.core.errors import InputError
from auteur.models.mot.training import initialise
from auteur.models.mot.training.config import load_train_config
from auteur.models.mot.training.loop import train
from auteur.models.mot.training.lora import merge
from auteur.models.mot.vae import diffusers_to_ldm
from conftest import PREMISE
from planned_runs import planned, run_dir_with


@pytest.fixture(autouse=True)
def _one_thread():
    with mot_tiny.one_thread():
        yield


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_dir_with(planned(PREMISE), tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def qwen(run, tmp_path_factory):
    """A tiny Qwen2 saved by transformers itself (config.json, model.safetensors, tokenizer), and a FLUX-named ae."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    root = tmp_path_factory.mktemp("qwen")
    torch.manual_seed(3)
    cfg = Qwen2Config(vocab_size=1024, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                      num_key_value_heads=2, rope_theta=10000.0, tie_word_embeddings=False)
    Qwen2ForCausalLM(cfg).save_pretrained(root / "qwen", safe_serialization=True)
    train_tiny.tokenizer([run]).save_pretrained(root / "qwen")
    save_file({k: v.contiguous() for k, v in diffusers_to_ldm(mot_tiny.vae().state_dict()).items()}, str(root / "ae.safetensors"))
    return root


def test_a_qwen2_model_fills_both_experts_as_bagel_initialises_them(qwen):
    start = initialise.from_qwen2(qwen / "qwen", qwen / "ae.safetensors")
    text = load_file(str(qwen / "qwen" / "model.safetensors"))
    sd = start.model.state_dict()
    for key, value in text.items():
        assert torch.equal(sd["language_model." + key], value), key
    layer = "language_model.model.layers.1."
    for name in ("self_attn.q_proj.weight", "self_attn.o_proj.weight", "mlp.down_proj.weight", "input_layernorm.weight"):
        gen = name.replace("q_proj", "q_proj_moe_gen").replace("o_proj", "o_proj_moe_gen").replace("mlp.", "mlp_moe_gen.") \
                  .replace("input_layernorm", "input_layernorm_moe_gen")
        assert torch.equal(sd[layer + gen], sd[layer + name]), gen
    assert torch.equal(sd["language_model.model.norm_moe_gen.weight"], sd["language_model.model.norm.weight"])
    assert torch.equal(sd[layer + "self_attn.q_norm.weight"], torch.ones(8))
    assert start.model.cfg.vit is None and sd["vae2llm.weight"].abs().sum() > 0


def test_a_model_trained_from_qwen2_saves_a_checkpoint_the_director_loads(qwen, run, tmp_path):
    from auteur.models.director import DrawRequest, load_director

    model = f'init = "qwen2"\nvae = {json.dumps(str(qwen / "ae.safetensors"))}'
    cfg = load_train_config(train_tiny.config(tmp_path / "t.toml", qwen / "qwen", [run], tmp_path / "out", model=model,
                                              steps=2, save_every=2))
    result = train(cfg)
    assert result.checkpoint.name == "step-000002" and not (result.checkpoint / "vit_config.json").exists()
    director = load_director("mot", dict(model=str(result.checkpoint), **train_tiny.DIRECTOR))
    with torch.no_grad():
        image = director.draw(DrawRequest(kind="keyframe", prompt="a storm", width=64, height=36, seed=1))
    assert image.size == (64, 36)


def test_a_qwen2_model_with_only_pickled_weights_is_refused(tmp_path, qwen):
    import shutil

    copy = shutil.copytree(qwen / "qwen", tmp_path / "qwen")
    (copy / "model.safetensors").rename(copy / "pytorch_model.bin")
    with pytest.raises(InputError, match=r"missing model.safetensors \(found pytorch_model.bin: pickled weights are not loaded"):
        initialise.from_qwen2(copy, qwen / "ae.safetensors")


@pytest.fixture(scope="module")
def ckpt(run, tmp_path_factory):
    return train_tiny.checkpoint(tmp_path_factory.mktemp("bagel") / "tiny", [run])


LORA = "[model.lora]\nrank = 4\nalpha = 8.0"


def test_lora_trains_only_the_adapters_and_saves_them_merged_in_bagel_names(ckpt, run, tmp_path):
    cfg = load_train_config(train_tiny.config(tmp_path / "t.toml", ckpt, [run], tmp_path / "out", model=LORA,
                                              steps=3, save_every=3))
    result = train(cfg)
    saved, base = load_file(str(result.checkpoint / "ema.safetensors")), load_file(str(ckpt / "ema.safetensors"))
    adapters = load_file(str(result.checkpoint / "lora.safetensors"))
    assert set(saved) == set(base) and adapters and all(".lora_" in k for k in adapters)
    assert any(k.endswith("q_proj_moe_gen.lora_B") for k in adapters)  # both experts adapt
    expected = merge(base | adapters, 8.0 / 4)
    key = "language_model.model.layers.0.self_attn.q_proj.weight"
    assert not torch.equal(saved[key], base[key]) and torch.allclose(saved[key], expected[key], atol=1e-7)
    adapted = {k.removesuffix(".lora_A") + ".weight" for k in adapters if k.endswith(".lora_A")}
    untouched = [k for k in base if k not in adapted]
    assert [k for k in untouched if not torch.equal(saved[k], base[k])] == []  # norms, embeddings, heads: the base's


def test_a_killed_lora_run_resumes_to_the_same_adapters(ckpt, run, tmp_path):
    def config(name):
        (tmp_path / name).mkdir()
        return load_train_config(train_tiny.config(tmp_path / name / "t.toml", ckpt, [run], tmp_path / name / "out",
                                                   model=LORA, steps=4, save_every=2))

    whole = train(config("whole"))
    cut = config("cut")
    train(cut, stop_after=3)
    resumed = train(cut)
    assert resumed.resumed_from == 2
    for name in ("lora.safetensors", "ema.safetensors", "optimizer.safetensors"):
        a, b = load_file(str(whole.checkpoint / name)), load_file(str(resumed.checkpoint / name))
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), name


def _run(tmp_path, ckpt, run, name, model="", **settings):
    (tmp_path / name).mkdir()
    cfg = load_train_config(train_tiny.config(tmp_path / name / "t.toml", ckpt, [run], tmp_path / name / "out",
                                              model=model, **settings))
    return train(cfg)


def test_activation_checkpointing_trains_to_the_same_weights(ckpt, run, tmp_path):
    plain = _run(tmp_path, ckpt, run, "plain", steps=2, save_every=2)
    recomputed = _run(tmp_path, ckpt, run, "recomputed", model="activation_checkpointing = true", steps=2, save_every=2)
    assert [(h.ce, h.mse) for h in plain.history] == [(h.ce, h.mse) for h in recomputed.history]
    a, b = load_file(str(plain.checkpoint / "ema.safetensors")), load_file(str(recomputed.checkpoint / "ema.safetensors"))
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)


def test_gradient_accumulation_sees_grad_accum_sequences_per_step(ckpt, run, tmp_path):
    one = _run(tmp_path, ckpt, run, "one", steps=1, save_every=1)
    three = _run(tmp_path, ckpt, run, "three", steps=1, save_every=1, grad_accum=3)
    assert three.history[0].tokens > one.history[0].tokens


def test_bf16_mixed_precision_trains_and_keeps_fp32_master_weights(ckpt, run, tmp_path):
    result = _run(tmp_path, ckpt, run, "bf16", model='dtype = "bf16"', steps=3, save_every=3)
    assert all(h.ce is not None and h.ce == h.ce for h in result.history)
    saved = load_file(str(result.checkpoint / "ema.safetensors"))
    assert {v.dtype for v in saved.values()} == {torch.float32}


def test_auteur_train_killed_mid_run_resumes_to_the_weights_of_an_uninterrupted_run(ckpt, run, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    settings = dict(steps=12, save_every=2)
    config = train_tiny.config(tmp_path / "killed.toml", ckpt, [run], tmp_path / "killed", **settings)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "COLUMNS": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "auteur.pipeline.cli", "train", str(config)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = tmp_path / "killed" / "checkpoints" / "step-000002" / "trainer.json"
    deadline = time.monotonic() + 300
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert marker.exists() and not (tmp_path / "killed" / "checkpoints" / "step-000012").exists()
    done = subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", "train", str(config)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "resuming at step" in done.stderr and "checkpoint:" in done.stdout
    whole = _run(tmp_path, ckpt, run, "whole", **settings)
    a = load_file(str(whole.checkpoint / "ema.safetensors"))
    b = load_file(str(tmp_path / "killed" / "checkpoints" / "step-000012" / "ema.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a)
