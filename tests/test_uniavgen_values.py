"""UniAVGen pieces by value, against numbers worked out by hand: the face-mask head where its LayerNorm's
epsilon matters (a feature whose variance is of eps's size), which the golden outputs' random widths do not
reach."""

from __future__ import annotations

import cmath
import math

import pytest
import torch

from auteur.models.uniavgen import char_embedding, interaction, layers, rope
from auteur.models.uniavgen.face_mask import FaceMaskHead


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_the_face_mask_is_the_sigmoid_of_the_modulated_layernormed_projection_with_eps_1e_6():
    head = FaceMaskHead(2)
    with torch.no_grad():
        head.head.weight.copy_(torch.tensor([[1.0, -1.0]]))
        head.head.bias.zero_()
        head.modulation.zero_()
    # x = (a, -a): mean 0, variance a^2 = 1e-6 = eps, so the norm is x / sqrt(2e-6) and w . norm(x) = sqrt(2)
    x, e = torch.tensor([[[1e-3, -1e-3]]]), torch.zeros(1, 1, 2)
    with torch.no_grad():
        plain = head(x, e)
        # e adds to both the shift (index 0) and the scale (index 1): w . (norm * 1.5 + 0.5) = 1.5 sqrt(2)
        lifted = head(x, torch.full((1, 1, 2), 0.5))
        head.modulation[0, 1] = 1.0  # the head's own scale: twice the norm
        scaled = head(x, e)
    assert plain.shape == (1, 1, 1) and plain.dtype == torch.float32
    assert float(plain) == pytest.approx(sigmoid(math.sqrt(2)), abs=1e-5)
    assert float(lifted) == pytest.approx(sigmoid(1.5 * math.sqrt(2)), abs=1e-5)
    assert float(scaled) == pytest.approx(sigmoid(2 * math.sqrt(2)), abs=1e-5)


# ---------------------------------------------------------------- which audio each video frame hears, and back


def test_audio_windows_by_hand_for_18_mel_frames_under_3_latent_frames():
    # 3 latent frames are 9 pixel frames, so 2 audio tokens a pixel frame; window 2 grows to 3: half a window of
    # one pixel frame = 2 tokens each side. Frame 0 (pixel 0) spans -2..3, frame 1 (pixels 1-4) 0..12, frame 2
    # (pixels 5-8) 8..20; all are brought to the widest, 12: frame 0 grows away from the start, frame 2 past the
    # end, and indices past either end repeat the end token.
    rows = interaction.audio_windows(18, 3, 2)
    assert rows.dtype == torch.long  # indices
    assert rows.tolist() == [[0] * 10 + [1, 2], list(range(12)), [*range(8, 18), 17, 17]]
    assert torch.equal(interaction.audio_windows(18, 3, 3), rows)  # an even window grows by one
    assert interaction.pixel_frames(3) == 9 and interaction.pixel_frames(1) == 1


def test_audio_windows_without_a_half_window_and_for_a_single_frame():
    # window 1: no widening. Spans 0..1, 2..10, 10..18; width 8: frame 0 (inside the sequence) grows evenly,
    # 3 before and 4 after, its indices before the start repeating token 0
    assert interaction.audio_windows(18, 3, 1).dtype == torch.long  # an odd growth (7) splits 3 and 4, not 3.5
    assert interaction.audio_windows(18, 3, 1).tolist() == [[0, 0, 0, 0, 1, 2, 3, 4], list(range(2, 10)),
                                                             list(range(10, 18))]
    # two latent frames (5 pixel frames, 2 tokens each): frame 1 alone sets the width, 8
    assert interaction.audio_windows(10, 2, 1).tolist() == [[0, 0, 0, 0, 1, 2, 3, 4], list(range(2, 10))]
    # one latent frame (one pixel frame, 6 tokens): half a window of one pixel frame is 6 tokens each side
    assert interaction.audio_windows(6, 1, 2).tolist() == [[0] * 7 + [1, 2, 3, 4, 5, 5]]


def test_blend_weights_by_hand_for_18_mel_frames_under_3_latent_frames():
    # token k sits at pixel time k / 2; latent frame of pixel p: 0 for p = 0, else (p - 1) // 4 + 1
    above, below, w_above, w_below = interaction.blend_weights(18, 3, torch.float32, torch.device("cpu"))
    picked = [0, 3, 9, 16, 17]  # times 0, 1.5, 4.5, 8 (the last pixel) and 8.5 (past it)
    assert above[picked].tolist() == [1, 1, 2, 2, 2]
    assert below[picked].tolist() == [0, 1, 1, 2, 2]
    assert w_above[picked].tolist() == [0.0, 0.5, 0.5, 1.0, 1.5]
    assert w_below[picked].tolist() == [1.0, 0.5, 0.5, 1.0, 0.5]


# ---------------------------------------------------------------- rotary positions


def test_a_rope_table_is_exp_i_p_theta_to_the_minus_2j_over_dim():
    table = rope.rope_table(3, 4)  # frequencies 1 and 10000^(-1/2) = 0.01
    expected = [[cmath.exp(1j * p * f) for f in (1.0, 0.01)] for p in range(3)]
    assert table.dtype == torch.complex128 and table.shape == (3, 2)
    assert torch.allclose(table, torch.tensor(expected, dtype=torch.complex128), atol=1e-12)
    low = rope.rope_table(2, 4, "cpu", theta=100.0)  # 100^(-1/2) = 0.1
    assert complex(low[1, 1]) == pytest.approx(cmath.exp(0.1j), abs=1e-12)


def test_a_video_head_splits_into_time_row_and_col_sections():
    assert rope.video_sections(16) == (4, 2, 2) and rope.video_sections(12) == (2, 2, 2)
    assert rope.video_sections(20) == (4, 3, 3) and rope.video_sections(18) == (3, 3, 3)
    time, row, col = rope.video_tables(16, 5)  # time over 8 channels (frequencies 1, 0.1, ...), row and col over 4
    assert time.shape == (5, 4) and row.shape == (5, 2) and col.shape == (5, 2)
    assert complex(time[1, 1]) == pytest.approx(cmath.exp(0.1j), abs=1e-12)
    assert complex(row[2, 1]) == pytest.approx(cmath.exp(0.02j), abs=1e-12)
    # head 12: a sixth is 2, so time over 12 - 8 = 4 channels, row and col over 4 each: 2 complex channels apiece
    assert [tuple(t.shape) for t in rope.video_tables(12, 3)] == [(3, 2), (3, 2), (3, 2)]


def test_grid_rotation_lays_tokens_out_frame_row_col_and_a_window_turns_only_the_time_section():
    t, r, c = (torch.arange(k * 4, k * 4 + 4).to(torch.complex128).reshape(4, 1) for k in (1, 2, 3))
    grid = rope.grid_rotation((t, r, c), 2, 2, 3)
    assert grid.shape == (12, 3)
    assert grid[11].tolist() == [t[1, 0], r[1, 0], c[2, 0]]  # token 11 is frame 1, row 1, col 2
    assert grid[4].tolist() == [t[0, 0], r[1, 0], c[1, 0]]
    audio = rope.rope_table(6, 16)
    window = rope.window_rotation(audio, 3, 16)  # head 16: a time section of 4 complex channels, then 2 + 2
    assert window.shape == (3, 8) and torch.equal(window[:, :4], audio[:3, :4]) and bool((window[:, 4:] == 1).all())


def test_rotate_turns_each_channel_pair_as_a_complex_number():
    x = torch.tensor([1.0, 0.0, 0.0, 2.0]).reshape(1, 1, 1, 4)
    turned = rope.rotate(x, torch.tensor([[1j, -1]], dtype=torch.complex128))  # (1 + 0i) i, (0 + 2i)(-1)
    assert turned.dtype == torch.float32 and turned.reshape(-1).tolist() == [0.0, 1.0, 0.0, -2.0]


# ---------------------------------------------------------------- norms and time features


def test_rms_norm_divides_by_the_root_of_mean_square_plus_eps():
    norm = layers.RMSNorm(2, 1e-6)
    with torch.no_grad():
        norm.weight.copy_(torch.tensor([1.0, 3.0]))
        out = norm(torch.tensor([[1e-3, -1e-3]]))  # mean square 1e-6 = eps: divided by sqrt(2e-6)
    assert out.tolist() == [pytest.approx([1e-3 / math.sqrt(2e-6), -3e-3 / math.sqrt(2e-6)], rel=1e-5)]


def test_timestep_features_are_cosines_then_sines_of_t_times_10000_to_the_minus_k_over_half():
    features = layers.sinusoid(4, torch.tensor([2.0]))
    assert features.dtype == torch.float32 and features.shape == (1, 4)
    assert features[0].tolist() == pytest.approx([math.cos(2), math.cos(0.02), math.sin(2), math.sin(0.02)], abs=1e-7)


# ---------------------------------------------------------------- the speech text's character embedding


def test_character_ids_are_padded_with_minus_one_to_ten():
    assert char_embedding.pad_char_ids([3, 7]).tolist() == [3, 7] + [-1] * 8
    assert char_embedding.pad_char_ids(list(range(12))).tolist() == list(range(12))  # long enough: as given
    assert char_embedding.pad_char_ids([5], min_len=3).tolist() == [5, -1, -1]
    assert char_embedding.pad_char_ids([]).dtype == torch.long


def test_character_positions_are_cosines_then_sines_and_share_the_last_one_past_4096():
    features = char_embedding.position_features(4100, 4, "cpu")  # frequencies 1 and 10000^(-1/2) = 0.01
    assert features.shape == (4100, 4)
    assert features[1000].tolist() == pytest.approx([math.cos(1000), math.cos(10), math.sin(1000), math.sin(10)],
                                                    abs=1e-4)
    assert torch.equal(features[4096], features[4095]) and torch.equal(features[4099], features[4095])
    assert not torch.equal(features[4094], features[4095])
    low = char_embedding.position_features(3, 4, "cpu", theta=100.0)  # 100^(-1/2) = 0.1
    assert low[2].tolist() == pytest.approx([math.cos(2), math.cos(0.2), math.sin(2), math.sin(0.2)], abs=1e-6)


def test_global_response_normalisation_scales_each_channel_by_its_norm_over_the_sequence_per_item():
    grn = char_embedding.GRN(2)
    with torch.no_grad():
        grn.gamma.fill_(1.0)
    # item 0: channel norms over the sequence (5, 0), their mean 2.5, so x * 2 + x; item 1: (0, sqrt 2), x * 2 + x
    x = torch.tensor([[[3.0, 0.0], [4.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]])
    assert grn(x).tolist() == [[pytest.approx([9.0, 0.0], rel=1e-5), pytest.approx([12.0, 0.0], rel=1e-5)],
                               [pytest.approx([0.0, 3.0], rel=1e-5), pytest.approx([0.0, 3.0], rel=1e-5)]]
    # a million times quieter, the 1e-6 under the mean counts: norms (5e-6, 0), x * 5 / 3.5 + x
    quiet = grn(x[:1] * 1e-6)[0, :, 0]
    assert quiet.tolist() == pytest.approx([3e-6 * (1 + 5 / 3.5), 4e-6 * (1 + 5 / 3.5)], rel=1e-4)


def test_the_convnext_blocks_norm_has_the_references_eps():
    assert char_embedding.ConvNeXtV2Block(4, 8).norm.eps == 1e-6  # F5-TTS's ConvNeXt-V2 block
