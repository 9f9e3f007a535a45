"""The UniAVGen transformer: its config, loading from the published layout, and invariants of its forward."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file, save_file

from auteur.core.errors import InputError
from auteur.models.uniavgen.char_embedding import pad_char_ids
from auteur.models.uniavgen.config import UniAVGenConfig, clip_sizes
from auteur.models.uniavgen.interaction import audio_windows, blend_weights
from auteur.models.uniavgen.loading import INDEX, load_transformer
from uniavgen_tiny import conditions, noise, tiny_model, write_tiny_transformer

T = torch.tensor([700.0])


def run(model, cond=None, video=None, audio=None, **switches):
    cfg = model.config
    nv, na = noise(cfg)
    video = nv if video is None else video
    audio = na if audio is None else audio
    with torch.no_grad():
        return model(video[None], audio[None], T, cond or conditions(cfg), **switches)


# --- config


def test_the_default_config_is_the_published_5b_model():
    c = UniAVGenConfig()
    assert (c.dim, c.ffn_dim, c.num_heads, c.audio_dim, c.audio_ffn_dim, c.audio_num_heads) == (3072, 14336, 24, 1536, 8960, 12)
    assert (c.num_layers, c.in_dim, c.out_dim, c.in_audio_dim, c.text_dim, c.text_len) == (30, 48, 48, 80, 4096, 512)
    assert c.interaction_layers == tuple(range(0, 29, 2)) and c.patch_size == (1, 2, 2) and c.head_dim == 128


def test_config_json_round_trips_with_the_reference_constructor_names():
    tiny = UniAVGenConfig.tiny()
    data = json.loads(json.dumps(tiny.to_json_dict()))
    assert data["_class_name"] == "WanModel" and data["audio_num_heads"] == 2 and data["patch_size"] == [1, 2, 2]
    assert UniAVGenConfig.from_json_dict({**data, "_diffusers_version": "0.36.0"}) == tiny
    published = UniAVGenConfig().to_json_dict()
    assert "interaction_layers" not in published and "char_dim" not in published  # fixed in the reference's code


def test_clip_sizes_match_the_reference_run_of_81_frames():
    assert clip_sizes(81 / 16) == (21, 506)
    assert clip_sizes(5.0) == (21, 506) and clip_sizes(1 / 16) == (1, 6)
    latent, mel = clip_sizes(2.0)
    assert (latent - 1) * 4 + 1 == 33 and mel == int(33 / 16 * 100)


def test_a_config_whose_heads_do_not_fit_is_refused():
    with pytest.raises(InputError, match="head sizes"):
        UniAVGenConfig.tiny(audio_num_heads=4)


# --- loading


def test_loading_the_published_layout_reproduces_the_forward_exactly(tmp_path):
    cfg = write_tiny_transformer(tmp_path, seed=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "config.json", "diffusion_pytorch_model-00001-of-00002.safetensors",
        "diffusion_pytorch_model-00002-of-00002.safetensors", INDEX]
    loaded = load_transformer(tmp_path, dtype="fp32", download=False)
    assert loaded.config == cfg and not loaded.training
    a, b = run(tiny_model(3)), run(loaded)
    assert torch.equal(a.video, b.video) and torch.equal(a.audio, b.audio)


def test_a_single_file_checkpoint_loads_in_bf16(tmp_path):
    from auteur.models.uniavgen.loading import save_transformer

    save_transformer(tiny_model(1), tmp_path)
    model = load_transformer(tmp_path, dtype="bf16", download=False)
    assert {p.dtype for p in model.parameters()} == {torch.bfloat16}
    out = run(model)
    assert out.video.dtype == torch.float32 and torch.isfinite(out.video).all() and torch.isfinite(out.audio).all()


def test_pickled_weights_are_refused(tmp_path):
    torch.save({"x": torch.zeros(1)}, tmp_path / "diffusion_pytorch_model.bin")
    with pytest.raises(InputError, match="only safetensors"):
        load_transformer(tmp_path, download=False)


def test_a_missing_shard_is_named(tmp_path):
    write_tiny_transformer(tmp_path)
    (tmp_path / "diffusion_pytorch_model-00002-of-00002.safetensors").unlink()
    with pytest.raises(InputError, match="shard diffusion_pytorch_model-00002-of-00002.safetensors .* is missing"):
        load_transformer(tmp_path, download=False)


def test_a_shape_mismatch_names_the_parameter_and_both_shapes(tmp_path):
    write_tiny_transformer(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "ffn_dim": 80}))
    with pytest.raises(InputError, match=r"tensor blocks\.0\.ffn\.0\.(weight|bias) has shape \(64(, 32)?,?\), the config implies \(80(, 32)?,?\)"):
        load_transformer(tmp_path, dtype="fp32", download=False)


def test_missing_and_unexpected_tensors_are_named(tmp_path):
    write_tiny_transformer(tmp_path)
    shard = tmp_path / "diffusion_pytorch_model-00001-of-00002.safetensors"
    tensors = load_file(shard)
    tensors.pop("patch_embedding.weight")
    save_file(tensors, shard)
    with pytest.raises(InputError, match="tensor patch_embedding.weight is missing"):
        load_transformer(tmp_path, download=False)
    save_file({**tensors, "patch_embedding.weight": torch.zeros(32, 4, 1, 2, 2), "extra.weight": torch.zeros(1)}, shard)
    with pytest.raises(InputError, match="unexpected tensor extra.weight"):
        load_transformer(tmp_path, download=False)
    # the reference's loader tolerates extra tensors; so does strict=False (a missing one never)
    assert load_transformer(tmp_path, dtype="fp32", download=False, strict=False).patch_embedding.weight.abs().sum() == 0


def test_an_unknown_dtype_and_a_missing_directory_are_named(tmp_path):
    with pytest.raises(InputError, match="dtype 'int8'"):
        load_transformer(tmp_path, dtype="int8")
    with pytest.raises(InputError, match="no such directory"):
        load_transformer(tmp_path / "nowhere")
    with pytest.raises(InputError, match=r"missing diffusion_pytorch_model\.safetensors\.index\.json"):
        load_transformer(tmp_path, download=False)


# --- forward invariants


def test_fresh_interaction_projections_are_zero_so_audio_does_not_move_the_video_until_trained():
    fresh = tiny_model(0, interaction=False)
    nv, na = noise(fresh.config)
    a, b = run(fresh, audio=na), run(fresh, audio=na + 1.0)
    assert torch.equal(a.video, b.video)
    trained = tiny_model(0)
    a, b = run(trained, audio=na), run(trained, audio=na + 1.0)
    assert not torch.allclose(a.video, b.video, atol=1e-4)


def test_no_a2v_makes_the_video_independent_of_the_audio():
    model = tiny_model(1)
    nv, na = noise(model.config)
    a, b = run(model, audio=na, no_a2v=True), run(model, audio=-na, no_a2v=True)
    assert torch.equal(a.video, b.video) and not torch.allclose(a.audio, b.audio, atol=1e-4)


def test_no_v2a_makes_the_audio_independent_of_the_video():
    model = tiny_model(2)
    nv, na = noise(model.config)
    a, b = run(model, video=nv, no_v2a=True), run(model, video=-nv, no_v2a=True)
    assert torch.equal(a.audio, b.audio)
    a, b = run(model, video=nv), run(model, video=-nv)
    assert not torch.allclose(a.audio, b.audio, atol=1e-4)


def test_zero_con_cuts_both_directions():
    model = tiny_model(3)
    nv, na = noise(model.config)
    a, b = run(model, zero_con=True), run(model, video=-nv, audio=-na, zero_con=True)
    c = run(model, video=nv, audio=-na, zero_con=True)
    assert torch.equal(a.video, c.video) and torch.equal(b.audio, c.audio)
    assert not torch.allclose(a.video, run(model).video, atol=1e-4)


def test_skipping_a_layer_changes_the_prediction_and_skipping_none_does_not():
    model = tiny_model(4)
    base = run(model)
    assert torch.equal(base.video, run(model, skip_layer=None).video)
    assert torch.equal(base.video, run(model, skip_layer=99).video)
    skipped = run(model, skip_layer=1)
    assert not torch.allclose(base.video, skipped.video, atol=1e-4) and not torch.allclose(base.audio, skipped.audio, atol=1e-4)


def test_the_pinned_frame_of_the_noisy_latent_is_not_read():
    model = tiny_model(5)
    nv, na = noise(model.config)
    changed = nv.clone()
    changed[:, 0] = 100.0
    a, b = run(model, video=nv), run(model, video=changed)
    assert torch.equal(a.video, b.video) and torch.equal(a.audio, b.audio)
    changed[:, 1] += 1.0
    assert not torch.allclose(a.video, run(model, video=changed).video, atol=1e-4)


def test_face_masks_are_heatmaps_per_interaction_block_and_frame():
    model = tiny_model(6)
    out = run(model)
    assert len(out.face_masks) == 1  # two blocks, interaction after block 0
    mask = out.face_masks[0]
    assert mask.shape == (1, 3, 2, 3) and float(mask.min()) > 0 and float(mask.max()) < 1
    assert out.video.shape == (1, 4, 3, 4, 6) and out.audio.shape == (1, 30, 8)


def test_a_batch_of_two_is_two_single_runs():
    model = tiny_model(7)
    cfg = model.config
    (v1, a1), (v2, a2) = noise(cfg, seed=1), noise(cfg, seed=2)
    cond = conditions(cfg)
    with torch.no_grad():
        both = model(torch.stack([v1, v2]), torch.stack([a1, a2]), T, cond)
        each = model(torch.stack([v1, v2]), torch.stack([a1, a2]), torch.tensor([T, T]), cond)  # a timestep per item
    assert torch.equal(each.video, both.video) and torch.equal(each.audio, both.audio)
    one, two = run(model, cond, v1, a1), run(model, cond, v2, a2)
    assert torch.allclose(both.video, torch.cat([one.video, two.video]), atol=1e-5)
    assert torch.allclose(both.audio, torch.cat([one.audio, two.audio]), atol=1e-5)


def test_speech_text_past_char_len_is_not_attended_to():
    model = tiny_model(8)
    cfg = model.config
    ids = torch.tensor([3, 7, 1, 12, 5, 9, 9, 9, 9, 9])
    other = ids.clone()
    other[6:] = 30
    a = run(model, conditions(cfg, chars=ids, char_len=6))
    b = run(model, conditions(cfg, chars=other, char_len=6))
    # the convolutions still mix neighbours into the first six features, so the audio differs, but
    # far less than when the changed characters are attended to
    c = run(model, conditions(cfg, chars=other, char_len=10))
    assert (a.audio - b.audio).abs().max() < (a.audio - c.audio).abs().max()


def test_bad_shapes_are_named():
    model = tiny_model(9)
    cfg = model.config
    with pytest.raises(InputError, match="video latent"):
        run(model, video=torch.randn(cfg.in_dim, 3, 5, 6))
    with pytest.raises(InputError, match="prompt embedding"):
        run(model, conditions(cfg, video_text=torch.randn(20, cfg.text_dim)))
    with pytest.raises(InputError, match="mel shapes"):
        run(model, conditions(cfg, cond_mel=torch.randn(40, cfg.in_audio_dim)))


# --- helpers


def test_each_video_frame_attends_to_an_equal_window_around_its_time():
    idx = audio_windows(audio_len=100, latent_frames=6, window=5)
    assert idx.shape[0] == 6 and idx.min() == 0 and idx.max() == 99
    centres = idx.float().mean(dim=1)
    assert (centres[1:] >= centres[:-1]).all()
    rate = 100 / 21  # audio tokens per pixel frame
    for f in range(1, 6):
        middle = ((f - 1) * 4 + 1 + 2) * rate
        assert idx[f, 0] <= middle <= idx[f, -1]


def test_audio_tokens_blend_the_two_frames_around_their_time():
    up, down, w_up, w_down = blend_weights(audio_len=21, latent_frames=3, dtype=torch.float64, device="cpu")
    # 21 tokens over 9 pixel frames: token 0 sits on pixel frame 0 (latent 0), its upper neighbour is
    # pixel frame 1 (latent 1); inside the clip the two weights sum to one
    assert (int(down[0]), int(up[0]), float(w_down[0]), float(w_up[0])) == (0, 1, 1.0, 0.0)
    assert torch.allclose((w_up + w_down)[:18], torch.ones(18, dtype=torch.float64))
    # past the last pixel frame both neighbours are the last frame, and the reference's weights sum to two
    assert int(down[-1]) == int(up[-1]) == 2 and float(w_up[-1] + w_down[-1]) == pytest.approx(2.0)


def test_character_ids_are_padded_to_ten():
    assert pad_char_ids([4, 5]).tolist() == [4, 5] + [-1] * 8
    assert pad_char_ids(list(range(12))).shape == (12,)


def test_a_hub_id_is_found_in_the_local_hub_cache(tmp_path, monkeypatch):
    import huggingface_hub.constants

    snapshot = tmp_path / "models--MCG-NJU--UniAVGen" / "snapshots" / "0123abcd"
    write_tiny_transformer(snapshot, seed=2)
    (tmp_path / "models--MCG-NJU--UniAVGen" / "refs").mkdir()
    (tmp_path / "models--MCG-NJU--UniAVGen" / "refs" / "main").write_text("0123abcd")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    model = load_transformer("MCG-NJU/UniAVGen", dtype="fp32", download=False)
    assert torch.equal(run(model).video, run(tiny_model(2)).video)
    with pytest.raises(InputError, match="neither reachable nor in the local hub cache"):
        load_transformer("MCG-NJU/NotThere", download=False)
