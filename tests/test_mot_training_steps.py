"""What a training step learns from: which text tokens carry the loss and what each is asked to predict,
where the flow loss falls and on what target, which experts train in each stage (the ViT never in stage 2),
and the data order a resumed run takes up. Expected values come from the inference forward or are written
out here, never from the training code's own arithmetic."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import mot_tiny
from auteur.models.mot.context import grid_ids, patchify
from auteur.models.mot.masks import Segment
from auteur.models.mot.training.forward import TrainingModel
from auteur.models.mot.training.losses import flow_loss, noised, sample_timesteps, text_loss, velocity_target
from auteur.models.mot.training.loop import Pool
from auteur.models.mot.training.packing import ImageBank, Packed, Piece, Sample
from auteur.models.mot.training.stages import choose_kind, expert_of, experts_for, set_trainable


@pytest.fixture(autouse=True)
def _one_thread():
    with mot_tiny.one_thread():
        yield


PROMPT = (1, 40, 41, 2)  # a text turn the model reads but is not trained to write (no loss)
ANSWER = (1, 50, 100, 52, 2)  # a turn it is trained to write: each token predicts the one after it (100: a real
# token id, which the ignored-label marker must never equal)


def test_only_text_pieces_with_loss_carry_cross_entropy_each_token_predicting_the_next():
    model = mot_tiny.model(0, vit=False)
    packed = Packed([Sample("script", "doc", [Piece("text", len(PROMPT), PROMPT, loss=False),
                                              Piece("text", len(ANSWER), ANSWER, loss=True)])], seq_len=9)
    with torch.no_grad():
        losses = TrainingModel(model, mot_tiny.SPECIAL, bank=None)(packed, torch.Generator().manual_seed(0), 1.0)
        # the same nine tokens through the inference forward (one causal text segment), read off by hand:
        # rows 4..7 (the answer's BOS, 50, 100, 52) are asked for 50, 100, 52 and the closing EOS
        ids = torch.tensor(PROMPT + ANSWER)
        hidden = model(model.embed_text(ids)[None], torch.arange(9)[None], (Segment("text", 9),))[0]
        expected = F.cross_entropy(model.logits(hidden[4:8]).float(), torch.tensor([50, 100, 52, 2]))
    assert losses.mse is None and losses.tokens == 9
    assert torch.allclose(losses.ce, expected, atol=1e-5), (losses.ce, expected)


def test_an_interleaved_sample_matches_the_inference_forward_in_both_losses(tmp_path):
    """A prompt, a clean reference picture, a keyframe to learn (noised), its clean ViT copy, an answer, the next
    keyframe to learn: each picture at one position framed by start/end of image, latents on the generation
    expert; one padding token after the sample."""
    model = mot_tiny.model(0)
    cfg, special = model.cfg, mot_tiny.SPECIAL
    reference, keyframe, nxt = tmp_path / "char1.png", tmp_path / "sc1-sh01.png", tmp_path / "sc1-sh02.png"
    bank = ImageBank(cfg, vae=None, keyframe_side=32, reference_sides=(32, 16), vit_sides=(12, 8))
    g = torch.Generator().manual_seed(5)
    # what the frozen autoencoder and the ViT resize made of the pictures: 2 x 3 patches each
    latents = [torch.randn(cfg.latent_channels, 4, 6, generator=g) for _ in range(3)]
    for (path, kind), latent in zip(((reference, "latent"), (keyframe, "noisy"), (nxt, "noisy")), latents):
        bank.latents[(path, kind)] = latent
    bank.pixels[keyframe] = pixels = torch.rand(3, 8, 12, generator=g) * 2 - 1
    pieces = [Piece("text", len(PROMPT), PROMPT, loss=False), Piece("latent", 8, image=reference),
              Piece("noisy", 8, loss=True, image=keyframe), Piece("vit", 8, image=keyframe),
              Piece("text", len(ANSWER), ANSWER, loss=True), Piece("noisy", 8, loss=True, image=nxt)]
    packed = Packed([Sample("interleaved", "doc", pieces)], seq_len=42)
    with torch.no_grad():
        losses = TrainingModel(model, special, bank)(packed, torch.Generator().manual_seed(9), 2.0)
        # drawn as the step draws them, from its generator: each keyframe's timestep, then its noise
        g = torch.Generator().manual_seed(9)
        x0s, noises, noised_pictures = [], [], []
        for latent in latents[1:]:
            t = sample_timesteps(1, 2.0, g)
            x0 = patchify(latent, cfg.latent_patch_size)
            noise = torch.randn(x0.shape, generator=g)
            x0s.append(x0)
            noises.append(noise)
            noised_pictures.append(((1 - t) * x0 + t * noise, t))
        grid = grid_ids(2, 3, cfg.max_latent_size)
        start, end = model.embed_text(torch.tensor([special.start_of_image, special.end_of_image])).split(1)
        clean = patchify(latents[0], cfg.latent_patch_size)
        embeds = torch.cat([
            model.embed_text(torch.tensor(PROMPT)),
            start, model.embed_latents(clean[None], torch.zeros(1), grid)[0], end,
            start, model.embed_latents(noised_pictures[0][0][None], noised_pictures[0][1], grid)[0], end,
            start, model.embed_vit(pixels[None])[0], end,
            model.embed_text(torch.tensor(ANSWER)),
            start, model.embed_latents(noised_pictures[1][0][None], noised_pictures[1][1], grid)[0], end])[None]
        positions = torch.tensor([[0, 1, 2, 3] + [4] * 8 + [5] * 8 + [6] * 8 + [7, 8, 9, 10, 11] + [12] * 8])
        picture = [False] + [True] * 6 + [False]
        gen = torch.tensor([[False] * 4 + picture + picture + [False] * 8 + [False] * 5 + picture])
        segments = (Segment("text", 4), Segment("image", 8), Segment("noisy", 8), Segment("image", 8),
                    Segment("text", 5), Segment("noisy", 8))
        hidden = model(embeds, positions, segments, gen=gen)[0]
        expected_ce = F.cross_entropy(model.logits(hidden[28:32]).float(), torch.tensor([50, 100, 52, 2]))
        rows = torch.cat([torch.arange(13, 19), torch.arange(34, 40)])
        expected_mse = F.mse_loss(model.velocity(hidden[rows]), torch.cat(noises) - torch.cat(x0s))
    assert losses.tokens == 41  # the padding token is not counted
    assert torch.allclose(losses.ce, expected_ce, atol=1e-5), (losses.ce, expected_ce)
    assert torch.allclose(losses.mse, expected_mse, atol=1e-5), (losses.mse, expected_mse)


def test_activation_checkpointing_gives_the_same_loss_and_gradients():
    model = mot_tiny.model(0, vit=False)
    packed = Packed([Sample("script", "doc", [Piece("text", len(PROMPT), PROMPT, loss=False),
                                              Piece("text", len(ANSWER), ANSWER, loss=True)])], seq_len=9)
    seen = []
    for checkpointing in (False, True):
        model.zero_grad(set_to_none=True)
        losses = TrainingModel(model, mot_tiny.SPECIAL, None, checkpointing)(packed, torch.Generator().manual_seed(0), 1.0)
        losses.ce.backward()
        seen.append((losses.ce.detach(), model.decoder.layers[0].mlp.up_proj.weight.grad.clone()))
    (plain_ce, plain_grad), (ac_ce, ac_grad) = seen
    assert torch.allclose(plain_ce, ac_ce, atol=1e-6) and torch.allclose(plain_grad, ac_grad, atol=1e-6)
    assert float(plain_grad.abs().sum()) > 0


def test_noising_moves_in_a_straight_line_from_the_picture_to_the_noise_and_the_target_is_their_difference():
    x0, noise = torch.tensor([1.0, -2.0]), torch.tensor([3.0, 2.0])
    assert torch.equal(noised(x0, noise, torch.tensor(0.0)), x0)
    assert torch.equal(noised(x0, noise, torch.tensor(1.0)), noise)
    assert torch.allclose(noised(x0, noise, torch.tensor(0.25)), torch.tensor([1.5, -1.0]))
    assert torch.equal(velocity_target(x0, noise), torch.tensor([2.0, 4.0]))


def test_timesteps_are_logit_normal_and_a_shift_pushes_them_toward_noise():
    plain = sample_timesteps(20_000, 1.0, torch.Generator().manual_seed(0))
    shifted = sample_timesteps(20_000, 3.0, torch.Generator().manual_seed(0))
    assert 0 < float(plain.min()) and float(plain.max()) < 1
    assert abs(float(plain.median()) - 0.5) < 0.01  # sigmoid of a standard normal: median one half
    assert abs(float(shifted.median()) - 0.75) < 0.01  # shift 3 takes 1/2 to 3 * 1/2 / (1 + 2 * 1/2)
    assert bool((shifted >= plain).all())


def test_the_text_loss_is_the_mean_cross_entropy_in_float32():
    logits = torch.tensor([[2.0, 0.0], [0.0, 0.0]], dtype=torch.bfloat16)
    expected = (torch.log(1 + torch.exp(torch.tensor(-2.0))) + torch.log(torch.tensor(2.0))) / 2
    loss = text_loss(logits, torch.tensor([0, 1]))
    assert loss.dtype == torch.float32 and torch.allclose(loss, expected, atol=1e-6)
    assert torch.allclose(flow_loss(torch.tensor([1.0, 3.0], dtype=torch.bfloat16), torch.tensor([0.0, 1.0])),
                          torch.tensor(2.5))


def test_a_sample_with_no_loss_piece_has_no_cross_entropy():
    model = mot_tiny.model(0, vit=False)
    packed = Packed([Sample("script", "doc", [Piece("text", len(PROMPT), PROMPT, loss=False)])], seq_len=6)
    with torch.no_grad():
        losses = TrainingModel(model, mot_tiny.SPECIAL, bank=None)(packed, torch.Generator().manual_seed(0), 1.0)
    assert losses.ce is None and losses.tokens == 4


@pytest.mark.parametrize("kind, freeze_vit, experts", [
    ("interleaved", True, {"und", "gen"}),
    ("interleaved", False, {"und", "gen", "vit"}),  # only stage 1 may train the ViT, and only when asked
    ("script", True, {"und"}), ("script", False, {"und"}),
    ("keyframe", True, {"gen"}), ("keyframe", False, {"gen"}),
])
def test_each_step_kind_trains_its_experts_and_stage_two_never_the_vit(kind, freeze_vit, experts):
    assert experts_for(kind, freeze_vit) == experts


@pytest.mark.parametrize("name, expert", [
    ("language_model.model.layers.0.self_attn.q_proj.weight", "und"),
    ("language_model.model.layers.0.self_attn.q_proj_moe_gen.weight", "gen"),
    ("mot.language_model.model.layers.1.mlp_moe_gen.down_proj.weight", "gen"),  # as the training wrapper names it
    ("language_model.model.norm_moe_gen.weight", "gen"),
    ("language_model.model.embed_tokens.weight", "und"), ("language_model.lm_head.weight", "und"),
    ("time_embedder.mlp.0.weight", "gen"), ("vae2llm.bias", "gen"), ("llm2vae.weight", "gen"),
    ("connector.fc1.weight", "und"),
    ("vit_model.vision_model.encoder.layers.0.mlp.fc1.weight", "vit"),
    ("latent_pos_embed.pos_embed", "fixed"), ("vit_pos_embed.pos_embed", "fixed"),
    # as the training wrapper names them (TrainingModel.mot)
    ("mot.time_embedder.mlp.0.weight", "gen"), ("mot.vit_model.vision_model.post_layernorm.weight", "vit"),
    ("mot.latent_pos_embed.pos_embed", "fixed"),
])
def test_every_parameter_belongs_to_the_expert_bagel_trains_it_with(name, expert):
    assert expert_of(name) == expert


def test_set_trainable_turns_on_exactly_the_chosen_experts_and_counts_their_weights():
    from torch import nn

    model = nn.ModuleDict({"vit_model": nn.Linear(3, 2), "connector": nn.Linear(2, 2), "vae2llm": nn.Linear(4, 2),
                           "latent_pos_embed": nn.Linear(2, 1)})
    assert set_trainable(model, {"und"}, lora=False) == 6  # the connector: 2 x 2 weights and 2 biases
    assert [n for n, p in model.named_parameters() if p.requires_grad] == ["connector.weight", "connector.bias"]
    assert set_trainable(model, {"gen", "vit"}, lora=False) == 10 + 8
    assert {n for n, p in model.named_parameters() if p.requires_grad} == {"vit_model.weight", "vit_model.bias",
                                                                           "vae2llm.weight", "vae2llm.bias"}
    model["connector"].lora_a = nn.Linear(2, 1, bias=False)
    assert set_trainable(model, {"und"}, lora=True) == 2  # with adapters, only the adapters learn
    assert [n for n, p in model.named_parameters() if p.requires_grad] == ["connector.lora_a.weight"]


@pytest.mark.parametrize("ratio, draws", [(0.0, {"keyframe"}), (1.0, {"script"}), (0.5, {"script", "keyframe"})])
def test_stage_two_draws_script_steps_at_the_script_ratio(ratio, draws):
    g = torch.Generator().manual_seed(0)
    kinds = [choose_kind(2, ratio, g, {"script": 3, "keyframe": 3}) for _ in range(200)]
    assert set(kinds) == draws
    if ratio == 0.5:
        assert 70 <= kinds.count("script") <= 130


def test_stage_one_is_always_interleaved_and_an_empty_pool_gives_way_to_the_other():
    g = torch.Generator().manual_seed(0)
    assert {choose_kind(1, 1.0, g, {"interleaved": 2}) for _ in range(20)} == {"interleaved"}
    assert {choose_kind(2, 1.0, g, {"script": 0, "keyframe": 2}) for _ in range(20)} == {"keyframe"}
    assert {choose_kind(2, 0.0, g, {"script": 2, "keyframe": 0}) for _ in range(20)} == {"script"}
    assert {choose_kind(2, 1.0, g, {"keyframe": 2}) for _ in range(20)} == {"keyframe"}  # no script pool at all


def test_a_pool_resumed_in_its_third_epoch_hands_out_what_an_uninterrupted_one_does():
    items = list("abcde")
    whole = Pool(items, seed=3, salt=1)
    taken = [whole.next() for _ in range(17)]
    epochs = [taken[i:i + 5] for i in (0, 5, 10)]
    assert all(sorted(e) == items for e in epochs) and len({tuple(e) for e in epochs}) > 1  # orders differ by epoch
    cut = Pool(items, seed=3, salt=1)
    for _ in range(12):
        cut.next()
    resumed = Pool(items, seed=3, salt=1)
    resumed.seek(cut.position())  # as a checkpoint stores it: [epoch 2, index 2]
    assert cut.position() == [2, 2]
    assert [resumed.next() for _ in range(5)] == taken[12:17]


def test_each_epochs_order_is_the_permutation_seeded_by_seed_salt_and_epoch():
    # the seed formula is part of the checkpoint format: a run saved by one version resumes in the same order
    # under the next only if seed * 1_000_003 + salt * 7919 + epoch stays as written here
    items = list(range(9))
    pool = Pool(items, seed=3, salt=2)
    taken = [pool.next() for _ in range(27)]
    for epoch in range(3):
        order = torch.randperm(9, generator=torch.Generator().manual_seed(3 * 1_000_003 + 2 * 7919 + epoch)).tolist()
        assert taken[9 * epoch:9 * (epoch + 1)] == order
    assert pool.position() == [2, 9]
