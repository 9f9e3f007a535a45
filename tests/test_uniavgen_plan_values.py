"""How a shot is cut into UniAVGen calls, by value: frame counts, speaking times, line splits and segment plans
worked out by hand from the rules plan.py's docstring states (4k + 1 frames at 16 fps, 2.6 words a second,
0.3 s lead-in and gap, 0.4 s tail, at most 81 frames a call, a continuation losing its first frame)."""

from __future__ import annotations

import pytest

from auteur.models.uniavgen.plan import (Part, Segment, frames_for, joined_frames, plan, samples_per_frame, speaking_time,
                                          split_line)


def test_segment_frames_are_the_fewest_4k_plus_1_lasting_the_time():
    assert frames_for(0) == 5 and frames_for(0.3125) == 5  # 5 frames last exactly 5/16 s
    assert frames_for(1.0) == 17 and frames_for(5.0) == 81 and frames_for(81 / 16) == 81
    assert frames_for(4.0) == 65 and frames_for(1.7) == 29
    assert frames_for(0.375) == 9  # 6/16 s: 5 frames last only 5/16


def test_segment_speaking_time_is_words_at_2_6_a_second_scaled_by_the_rate():
    assert speaking_time("one two three") == pytest.approx(3 / 2.6)
    assert speaking_time("one two three", rate=2.0) == pytest.approx(3 / 5.2)
    assert speaking_time("") == pytest.approx(1 / 2.6)  # a line is never shorter than one word


def test_segment_a_long_line_splits_between_words_into_parts_that_fit():
    words = " ".join(f"w{k}" for k in range(11))
    parts = split_line("<char1>", words, 1.0, 2.0)  # 5 words take 1.92 s, 6 take 2.31 s: five a part
    assert [p.text for p in parts] == ["w0 w1 w2 w3 w4", "w5 w6 w7 w8 w9", "w10"]
    assert [p.seconds for p in parts] == pytest.approx([5 / 2.6, 5 / 2.6, 1 / 2.6])
    assert {p.speaker for p in parts} == {"<char1>"}
    assert [p.text for p in split_line("<char1>", words, 2.0, 2.0)] == [" ".join(f"w{k}" for k in range(10)), "w10"]
    # at 10/13 of the pace, 2 words a second: two words take exactly the second allowed, and still fit
    assert [p.text for p in split_line("<char1>", "w0 w1 w2 w3 w4", 10 / 13, 1.0)] == ["w0 w1", "w2 w3", "w4"]


def test_segment_plan_groups_a_speakers_lines_and_starts_a_call_for_the_next_speaker():
    a1, a2, b = Part("<char1>", "x", 2.0), Part("<char1>", "y", 1.0), Part("<char2>", "z", 1.0)
    segments = plan(3.0, [a1, a2, b])
    # Mara's two lines: 0.3 + 2 + 0.3 + 1 + 0.4 = 4.0 s -> 65 frames; Tom's: 0.3 + 1 + 0.4 = 1.7 s -> 29 frames;
    # together 93 frames, past the shot's 48
    assert segments == [Segment(65, (a1, a2)), Segment(29, (b,))]
    assert segments[0].speaker == "<char1>" and segments[0].text == "x y" and segments[1].speaker == "<char2>"


def test_segment_plan_stretches_the_last_call_then_adds_silent_ones():
    a = Part("<char1>", "x", 1.0)
    # 8 s is 128 frames: the line's 29 grow to the most a call makes (81), then a silent call of 49 frames
    # (48 more plus the one a continuation drops)
    segments = plan(8.0, [a])
    assert segments == [Segment(81, (a,)), Segment(49)]
    assert segments[1].speaker is None and segments[1].text == "" and joined_frames(segments) == 129
    assert plan(5.0, []) == [Segment(81)] and plan(0.01, []) == [Segment(5)]
    assert plan(1.0, [a]) == [Segment(29, (a,))]  # already long enough: not stretched


def test_segment_sizes():
    assert (Segment(81).latent_frames, Segment(81).mel_frames) == (21, 506)
    assert type(Segment(81).latent_frames) is int and type(Segment(81).mel_frames) is int  # tensor sizes
    assert (Segment(5).latent_frames, Segment(5).mel_frames) == (2, 31)
    assert joined_frames([]) == 0 and joined_frames([Segment(5)]) == 5
    assert samples_per_frame(24_000) == 1500
