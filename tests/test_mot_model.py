"""The MoT network: modality routing, attention spans, KV caching, guidance, sampling math."""

from __future__ import annotations

import pytest
import torch

import mot_tiny
from mot_tiny import SPECIAL, model as tiny_model
from auteur.models.mot.context import Context, grid_ids, patchify, unpatchify
from auteur.models.mot.generate_image import Branches, Guidance, build_branches, denoise, guide, schedule
from auteur.models.mot.generate_text import generate
from auteur.models.mot.masks import Segment, build_mask, query_mask



@pytest.fixture(autouse=True)
def _no_grad_one_thread():
    with torch.no_grad(), mot_tiny.one_thread():
        yield


def _text(m, ids):
    ids = torch.tensor([ids])
    pos = torch.arange(ids.shape[1])[None]
    return m.logits(m(m.embed_text(ids), pos, (Segment("text", ids.shape[1]),)))


def _latent_only(m, seed=0):
    x = torch.randn(1, 6, m.cfg.patch_latent_dim, generator=torch.Generator().manual_seed(seed))
    emb = m.embed_latents(x, torch.tensor([0.5]), torch.arange(6))
    gen = torch.ones(1, 6, dtype=torch.bool)
    return m.velocity(m(emb, torch.zeros(1, 6, dtype=torch.long), (Segment("noisy", 6),), gen=gen))


def test_changing_a_generation_expert_weight_leaves_text_logits_unchanged():
    m = tiny_model()
    before = _text(m, [5, 9, 17, 33])
    m.decoder.layers[0].self_attn.q_proj_moe_gen.weight.add_(1.0)
    m.decoder.layers[1].mlp_moe_gen.down_proj.weight.add_(1.0)
    m.decoder.norm_moe_gen.weight.mul_(3.0)
    assert torch.equal(before, _text(m, [5, 9, 17, 33]))
    m.decoder.layers[0].self_attn.q_proj.weight.add_(1.0)  # the understanding expert does matter
    assert not torch.allclose(before, _text(m, [5, 9, 17, 33]))


def test_changing_an_understanding_expert_weight_leaves_latent_tokens_unchanged():
    m = tiny_model()
    before = _latent_only(m)
    m.decoder.layers[0].self_attn.k_proj.weight.add_(1.0)
    m.decoder.layers[1].mlp.up_proj.weight.add_(1.0)
    m.decoder.norm.weight.mul_(3.0)
    assert torch.equal(before, _latent_only(m))
    m.decoder.layers[1].mlp_moe_gen.up_proj.weight.add_(1.0)
    assert not torch.allclose(before, _latent_only(m))


def test_mask_spans_text_causal_image_whole_noisy_image_hidden_from_later_tokens():
    mask = query_mask((Segment("text", 2), Segment("image", 2), Segment("noisy", 2), Segment("text", 2)))
    assert mask[0].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    assert mask[2].tolist() == [1, 1, 1, 1, 0, 0, 0, 0]  # an image sees itself whole
    assert mask[4].tolist() == [1, 1, 1, 1, 1, 1, 0, 0]  # the noisy image sees its past and itself
    assert mask[7].tolist() == [1, 1, 1, 1, 0, 0, 1, 1]  # later text does not see the noisy image


def _packed(m, image_kind, noise_scale):
    g = torch.Generator().manual_seed(1)
    text = m.embed_text(torch.tensor([[5, 6, 7]]))
    img = torch.randn(1, 4, 32, generator=g) * noise_scale
    after = m.embed_text(torch.tensor([[8, 9]]))
    emb = torch.cat([text, img, after], 1)
    gen = torch.tensor([[0, 0, 0, 1, 1, 1, 1, 0, 0]], dtype=torch.bool)
    pos = torch.tensor([[0, 1, 2, 3, 3, 3, 3, 4, 5]])
    segs = (Segment("text", 3), Segment(image_kind, 4), Segment("text", 2))
    return m(emb, pos, segs, gen=gen)[0, -2:]


def test_text_after_a_noisy_image_cannot_see_it():
    m = tiny_model()
    assert torch.allclose(_packed(m, "noisy", 1.0), _packed(m, "noisy", 5.0), atol=1e-6)
    assert not torch.allclose(_packed(m, "image", 1.0), _packed(m, "image", 5.0), atol=1e-3)


def test_flex_block_mask_matches_the_dense_mask():
    m = tiny_model()
    segs = (Segment("text", 3), Segment("noisy", 4), Segment("text", 2))
    emb = torch.randn(2, 9, 32, generator=torch.Generator().manual_seed(0))
    pos = torch.tensor([[0, 1, 2, 3, 3, 3, 3, 4, 5]] * 2)
    past = torch.tensor([[True] * 5, [True, True, True, False, False]])
    dense = build_mask(segs, past, 2, flex=False).dense
    block = build_mask(segs, past, 2, flex=True).block
    q, k, v = torch.randn(2, 4, 9, 8), torch.randn(2, 2, 14, 8), torch.randn(2, 2, 14, 8)
    from auteur.models.mot.masks import Mask, attend

    assert torch.allclose(attend(q, k, v, Mask(dense=dense)), attend(q, k, v, Mask(block=block)), atol=1e-5)
    del m, emb, pos


def test_cached_decoding_equals_full_recompute():
    m = tiny_model()
    prompt = [1, 40, 41, 42, 43, 2, 1]
    out = generate(m, SPECIAL, prompt, 12)
    full = _text(m, prompt + out)[0]
    assert full[len(prompt) - 1 :].argmax(-1).tolist()[: len(out)] == out
    ctx = Context(m, SPECIAL, 64)
    cached = [ctx.add_text(prompt)] + [ctx.add_text([t]) for t in out[:-1]]
    assert torch.allclose(torch.stack(cached), full[len(prompt) - 1 : len(prompt) - 1 + len(out)], atol=1e-5)


def test_a_denoising_step_over_a_cached_context_equals_the_full_sequence():
    m = tiny_model(vit=False)
    lat = torch.randn(16, 4, 4, generator=torch.Generator().manual_seed(3))
    ctx = Context(m, SPECIAL, 64)
    ctx.add_latent_image(lat)
    ctx.add_text([1, 50, 51, 2])
    noise = torch.randn(16, 4, 4, generator=torch.Generator().manual_seed(4))
    x = patchify(noise, 2)[None]
    start_end = m.embed_text(torch.tensor([[3, 4]]))
    noisy = torch.cat([start_end[:, :1], m.embed_latents(x, torch.tensor([0.7]), grid_ids(2, 2, 16)), start_end[:, 1:]], 1)
    gen_q = torch.tensor([[0, 1, 1, 1, 1, 0]], dtype=torch.bool)
    cached = m.velocity(m(noisy, torch.full((1, 6), ctx.position), (Segment("noisy", 6),), gen=gen_q, cache=ctx.cache, write=False))
    assert ctx.cache.length == 6 + 4  # the noisy image was not written
    ref = torch.cat([start_end[:, :1], m.embed_latents(patchify(lat, 2)[None], torch.zeros(1), grid_ids(2, 2, 16)),
                     start_end[:, 1:], m.embed_text(torch.tensor([[1, 50, 51, 2]])), noisy], 1)
    gen = torch.cat([gen_q, torch.zeros(1, 4, dtype=torch.bool), gen_q], 1)
    pos = torch.tensor([[0] * 6 + [1, 2, 3, 4] + [5] * 6])
    full = m.velocity(m(ref, pos, (Segment("image", 6), Segment("text", 4), Segment("noisy", 6)), gen=gen))
    assert torch.allclose(cached, full[:, -6:], atol=1e-5)


def test_guidance_at_scale_one_equals_the_conditional_pass():
    m = tiny_model(vit=False)
    refs = [("text", [60, 61]), ("latent", torch.randn(16, 4, 4, generator=torch.Generator().manual_seed(5)))]
    branches = build_branches(m, SPECIAL, [70, 71, 72], refs, Guidance(4.0, 2.0))
    assert branches.no_text is not None and branches.no_image is not None
    noise = torch.randn(16, 4, 4, generator=torch.Generator().manual_seed(6))
    batched = denoise(m, SPECIAL, branches, noise, 3, Guidance(1.0, 1.0, interval=(0.0, 1.0)))
    alone = denoise(m, SPECIAL, Branches(cond=branches.cond), noise, 3)
    assert torch.allclose(batched, alone, atol=1e-5)
    guided = denoise(m, SPECIAL, branches, noise, 3, Guidance(4.0, 2.0, interval=(0.0, 1.0)))
    assert not torch.allclose(guided, alone, atol=1e-4)


def test_the_same_initial_noise_reproduces_the_same_latent():
    m = tiny_model(vit=False)
    branches = build_branches(m, SPECIAL, [70, 71], [], Guidance(3.0, 1.0))
    noise = torch.randn(16, 4, 4, generator=torch.Generator().manual_seed(7))
    assert torch.equal(denoise(m, SPECIAL, branches, noise, 2, Guidance(3.0, 1.0)),
                       denoise(m, SPECIAL, branches, noise, 2, Guidance(3.0, 1.0)))


def test_guide_renormalises_the_guided_velocity_to_at_most_the_conditional_norm():
    g = torch.Generator().manual_seed(0)
    v, vt, vi = (torch.randn(8, 64, generator=g) for _ in range(3))
    for renorm in ("global", "channel", "text_channel"):
        out = guide(v, vt, vi, Guidance(4.0, 2.0, renorm=renorm))
        assert out.norm() <= v.norm() * 1.0001 or renorm == "text_channel"
        assert torch.allclose(guide(v, vt, vi, Guidance(1.0, 1.0, renorm=renorm)), v, atol=1e-5)


def test_schedule_has_bagels_num_timesteps_points_from_noise_to_data_and_shift_spends_longer_at_high_noise():
    plain, shifted = schedule(11), schedule(11, 3.0)  # BAGEL's num_timesteps = 11: 10 Euler steps
    assert plain[0] == 1 and plain[-1] == 0 and len(plain) == 11
    assert (shifted[1:-1] > plain[1:-1]).all()


def test_patchify_and_unpatchify_are_inverse():
    x = torch.randn(16, 6, 8)
    assert torch.equal(unpatchify(patchify(x, 2), 3, 4, 2, 16), x)
