"""BAGEL's rules the MoT director follows: guidance, guidance contexts, schedule, input sizes, posterior."""

from __future__ import annotations

import pytest
import torch
from PIL import Image

import mot_tiny
from mot_tiny import SPECIAL
from auteur.models.mot import vae as vae_ops
from auteur.models.mot.context import Context
from auteur.models.mot.generate_image import Branches, Guidance, build_branches, denoise, guide, guiding
from auteur.models.mot.pictures import VAE_SIZES, VIT_SIZES, bagel_resize, bagel_size


@pytest.fixture(autouse=True)
def _no_grad_one_thread():
    with torch.no_grad(), mot_tiny.one_thread():
        yield


def _refs(seed=5):
    return [("text", [60, 61]), ("latent", torch.randn(16, 4, 4, generator=torch.Generator().manual_seed(seed))),
            ("text", [62])]


def test_a_text_scale_of_at_most_one_means_no_guidance_at_all_image_guidance_included():
    m = mot_tiny.model(vit=False)
    for text_scale in (1.0, 0.5):
        g = Guidance(text_scale, 2.0, interval=(0.0, 1.0))
        branches = build_branches(m, SPECIAL, [70, 71], _refs(), g)
        assert branches.no_text is None and branches.no_image is None
        assert not guiding(g, 0.5)
        noise = torch.randn(16, 4, 4, generator=torch.Generator().manual_seed(6))
        assert torch.equal(denoise(m, SPECIAL, branches, noise, 3, g), denoise(m, SPECIAL, Branches(branches.cond), noise, 3))


def test_the_image_free_context_keeps_every_text_and_drops_only_the_images():
    m = mot_tiny.model(vit=False)
    branches = build_branches(m, SPECIAL, [70, 71], _refs(), Guidance(4.0, 2.0))
    texts = Context(m, SPECIAL, 64)
    texts.add_text([SPECIAL.bos, 60, 61, SPECIAL.eos])
    texts.add_text([SPECIAL.bos, 62, SPECIAL.eos])
    texts.add_text([SPECIAL.bos, 70, 71, SPECIAL.eos])
    got = branches.no_image.cache
    assert got.length == texts.cache.length == 4 + 3 + 4 and branches.no_image.position == texts.position
    assert torch.equal(got.k[:, :, :, : got.length], texts.cache.k[:, :, :, : got.length])
    assert branches.no_text.cache.length == 4 + (4 + 2) + 3  # the references, not the prompt


def test_image_guidance_without_reference_pictures_amplifies_text_guidance_as_bagels_same_context_does():
    g = torch.Generator().manual_seed(0)
    v, vt = torch.randn(6, 8, generator=g), torch.randn(6, 8, generator=g)
    gd = Guidance(4.0, 2.0, renorm="global")
    v_text = vt + 4.0 * (v - vt)
    expected = v + 2.0 * (v_text - v)  # BAGEL: the image-free context equals the full one
    expected = expected * (v.norm() / (expected.norm() + 1e-8)).clamp(0.0, 1.0)
    assert torch.allclose(guide(v, vt, v, gd), expected, atol=1e-6)
    assert torch.equal(guide(v, None, torch.randn(6, 8), gd), v)  # no text branch: no guidance
    assert torch.allclose(guide(v, vt, torch.randn(6, 8), Guidance(4.0, 1.0)), guide(v, vt, None, Guidance(4.0, 1.0)))


def test_guidance_of_a_batch_of_images_renormalises_each_image_by_its_own_norm():
    g = torch.Generator().manual_seed(1)
    v, vt, vi = (torch.randn(3, 6, 8, generator=g) for _ in range(3))
    for renorm in ("global", "channel", "text_channel"):
        gd = Guidance(4.0, 2.0, renorm=renorm)
        batched = guide(v, vt, vi, gd)
        assert all(torch.allclose(batched[j], guide(v[j], vt[j], vi[j], gd), atol=1e-6) for j in range(3))


@pytest.mark.parametrize("size,limits,expected", [
    ((1920, 1080), VAE_SIZES, (1024, 576)), ((1920, 1080), VIT_SIZES, (980, 546)),
    ((40, 30), VAE_SIZES, (688, 512)), ((300, 1200), VAE_SIZES, (256, 1024)), ((1024, 1024), VIT_SIZES, (980, 980))])
def test_input_pictures_are_sized_as_bagel_sizes_them(size, limits, expected):
    assert bagel_size(*size, *limits) == expected


def test_a_non_square_reference_keeps_its_aspect_for_the_vit():
    picture = bagel_resize(Image.new("RGB", (1600, 900)), *VIT_SIZES)
    assert picture.size == (980, 546) and picture.width % 14 == 0 and picture.height % 14 == 0
    m = mot_tiny.model()
    tokens = m.embed_vit(torch.rand(1, 3, 8, 16) * 2 - 1)
    assert tokens.shape == (1, (8 // 4) * (16 // 4), 32)


def test_posterior_sampling_is_an_option_seeded_by_its_generator():
    vae = mot_tiny.vae(0)
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(2)) * 2 - 1
    mean = vae_ops.encode(vae, image)
    a = vae_ops.encode(vae, image, torch.Generator().manual_seed(3))
    b = vae_ops.encode(vae, image, torch.Generator().manual_seed(3))
    assert torch.equal(a, b) and not torch.allclose(a, mean)
