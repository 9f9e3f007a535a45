"""Loading BAGEL-layout checkpoints: names, round trip, and one-line errors."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file, save_file

import mot_tiny
from auteur.models.mot import vae as vae_ops
from auteur.models.mot.loading import load
from auteur.models.mot.masks import Segment
from auteur.core.errors import InputError



@pytest.fixture(autouse=True)
def _no_grad_one_thread():
    with torch.no_grad(), mot_tiny.one_thread():
        yield


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    return mot_tiny.checkpoint(tmp_path_factory.mktemp("bagel") / "BAGEL-tiny", seed=3)


def test_checkpoint_uses_bagels_files_and_parameter_names(ckpt):
    assert {"llm_config.json", "vit_config.json", "ema.safetensors", "ae.safetensors", "tokenizer.json"} <= {p.name for p in ckpt.iterdir()}
    ema = load_file(ckpt / "ema.safetensors")
    for name in ("language_model.model.embed_tokens.weight", "language_model.lm_head.weight",
                 "language_model.model.layers.1.self_attn.q_proj_moe_gen.bias",
                 "language_model.model.layers.1.self_attn.k_norm_moe_gen.weight",
                 "language_model.model.layers.0.mlp_moe_gen.gate_proj.weight",
                 "language_model.model.layers.0.post_attention_layernorm_moe_gen.weight",
                 "language_model.model.norm_moe_gen.weight", "time_embedder.mlp.2.weight", "vae2llm.weight",
                 "llm2vae.bias", "latent_pos_embed.pos_embed", "connector.fc1.weight", "vit_pos_embed.pos_embed"):
        assert name in ema, name
    assert ema["vit_model.vision_model.embeddings.patch_embedding.weight"].shape == (32, 4 * 4 * 3)
    assert "encoder.down.0.block.0.conv1.weight" in load_file(ckpt / "ae.safetensors")
    assert json.loads((ckpt / "vit_config.json").read_text())["num_hidden_layers"] == 2  # one more than used


def test_loaded_checkpoint_reproduces_the_model_that_wrote_it(ckpt):
    original, original_vae = mot_tiny.model(3), mot_tiny.vae(3)
    loaded = load(ckpt)
    ids = torch.tensor([[1, 20, 30, 40, 2]])
    pos = torch.arange(5)[None]
    for m in (original, loaded.model):
        m.eval()
    a = original.logits(original(original.embed_text(ids), pos, (Segment("text", 5),)))
    b = loaded.model.logits(loaded.model(loaded.model.embed_text(ids), pos, (Segment("text", 5),)))
    assert torch.equal(a, b)
    pixels = torch.rand(1, 3, 16, 16) * 2 - 1
    assert torch.equal(original.embed_vit(pixels), loaded.model.embed_vit(pixels))
    z = torch.randn(16, 2, 2)
    assert torch.allclose(vae_ops.decode(original_vae, z), vae_ops.decode(loaded.vae, z))
    img = torch.rand(3, 32, 32) * 2 - 1
    assert torch.allclose(vae_ops.encode(original_vae, img), vae_ops.encode(loaded.vae, img))
    assert loaded.special.start_of_image == loaded.tokenizer.convert_tokens_to_ids("<|vision_start|>")


def test_bf16_loading_casts_every_weight(ckpt):
    m = load(ckpt, dtype="bf16").model
    assert {p.dtype for p in m.parameters()} == {torch.bfloat16}


def test_a_missing_file_is_named(ckpt, tmp_path):
    for p in ckpt.iterdir():
        if p.name != "ae.safetensors":
            (tmp_path / p.name).write_bytes(p.read_bytes())
    with pytest.raises(InputError, match="missing ae.safetensors"):
        load(tmp_path)


def test_a_shape_mismatch_names_the_tensor(ckpt, tmp_path):
    for p in ckpt.iterdir():
        (tmp_path / p.name).write_bytes(p.read_bytes())
    ema = load_file(tmp_path / "ema.safetensors")
    ema["language_model.model.layers.1.mlp_moe_gen.up_proj.weight"] = torch.zeros(65, 32)
    save_file(ema, str(tmp_path / "ema.safetensors"))
    with pytest.raises(InputError, match=r"language_model\.model\.layers\.1\.mlp_moe_gen\.up_proj\.weight has shape \(65, 32\)"):
        load(tmp_path)


def test_pickled_weights_are_refused(ckpt, tmp_path):
    for p in ckpt.iterdir():
        if p.name != "ema.safetensors":
            (tmp_path / p.name).write_bytes(p.read_bytes())
    (tmp_path / "ema.pt").write_bytes(b"not loaded")
    with pytest.raises(InputError, match="only safetensors"):
        load(tmp_path)


def test_a_hub_id_not_in_the_local_cache_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(InputError, match="ByteDance-Seed/BAGEL-7B-MoT is not downloaded; get it with `hf download"):
        load("ByteDance-Seed/BAGEL-7B-MoT")
