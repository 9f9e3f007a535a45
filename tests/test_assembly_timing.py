"""The film's timeline, computed before ffmpeg runs: piece order, fades, offsets, subtitle cues, chapters.

These are the numbers the picture, the soundtrack, the subtitles and the chapters are all cut to;
a slip of one frame here is a film out of sync, so they are checked exactly.
"""

from pathlib import Path

import pytest

from auteur.models.renderer import RenderedClip, SpokenLine
from auteur.pipeline.config import AssemblySettings
from auteur.tools.editing.assemble import ShotClip, _chapters, _concat_list, _cues, _offsets, _plan

FPS = 12
WORK = Path("/work-dir")


def clip(name: str, lines=(), fades=(0.0, 0.0)) -> RenderedClip:
    return RenderedClip(path=Path(f"/clips/{name}.mp4"), duration=2.0, lines=list(lines), fades=fades)


def shots() -> list[ShotClip]:
    return [ShotClip(clip("a", [SpokenLine("<char1>", "First line.", 0.5, 1.5)]), "sc1", "At the lamp"),
            ShotClip(clip("b", [SpokenLine("<char2>", "Cut short.", 1.0, 9.0), SpokenLine("<char1>", "  ", 0.1, 0.2)]),
                     "sc1", "At the lamp"),
            ShotClip(clip("c", [SpokenLine("<char1>", "Early.", -0.5, 0.25)]), "sc2", "The storm " + "x" * 80)]


def settings(**update) -> AssemblySettings:
    return AssemblySettings().model_copy(update={"title_card_s": 0.5, "end_card_s": 1.0,
                                                 "scene_transition_s": 0.4, **update})


def timed(pieces, frames=(6, 24, 18, 30, 12)):
    for piece, n in zip(pieces, frames):
        piece.frames = n
    return pieces


def test_pieces_run_title_card_shots_end_card_with_fades_only_between_scenes():
    pieces = _plan(shots(), WORK, settings())
    assert [p.card or p.shot.clip.path.stem for p in pieces] == ["title", "a", "b", "c", "end"]
    assert [(p.fade_in, p.fade_out) for p in pieces] == [(True, True), (False, False), (False, True), (True, False),
                                                         (True, True)]
    assert [p.segment for p in pieces] == [WORK / "title_card.mp4", WORK / "shot_0000.mp4", WORK / "shot_0001.mp4",
                                           WORK / "shot_0002.mp4", WORK / "end_card.mp4"]
    assert [pieces[0].label, pieces[2].label, pieces[-1].label] == ["title card", "shot 2 of 3 (scene 'sc1', b.mp4)",
                                                                    "end card"]  # how errors name them


def test_cards_of_no_length_are_left_out():
    pieces = _plan(shots(), WORK, settings(title_card_s=0.0, end_card_s=0.0))
    assert [p.shot.clip.path.stem for p in pieces] == ["a", "b", "c"]


def test_a_clip_already_dipped_by_its_renderer_is_not_faded_again():
    faded = shots()
    faded[1].clip.fades = (0.0, 0.2)  # a full dip out: half the transition
    faded[2].clip.fades = (0.15, 0.0)  # three quarters of a dip in: still needs the fade
    pieces = _plan(faded, WORK, settings())
    assert (pieces[2].fade_out, pieces[3].fade_in) == (False, True)
    faded[2].clip.fades = (0.2, 0.0)  # exactly the dip: nothing to add
    assert _plan(faded, WORK, settings())[3].fade_in is False


def test_offsets_are_whole_frames_from_zero_to_the_end():
    pieces = timed(_plan(shots(), WORK, settings()))
    assert _offsets(pieces, FPS) == [0.0, 0.5, 2.5, 4.0, 6.5, 7.5]


def test_cues_are_clip_offset_plus_line_time_cut_to_the_shot_and_blank_lines_dropped():
    pieces = timed(_plan(shots(), WORK, settings()))
    cues = _cues(pieces, _offsets(pieces, FPS))
    assert [(c.start, c.end, c.text) for c in cues] == [(1.0, 2.0, "First line."), (3.5, 4.0, "Cut short."),
                                                        (4.0, 4.25, "Early.")]


def test_chapters_are_one_per_scene_back_to_back_from_zero_to_the_end():
    pieces = timed(_plan(shots(), WORK, settings()))
    chapters = _chapters(pieces, _offsets(pieces, FPS))
    long_title = "The storm " + "x" * 80
    assert chapters == [(0.0, 4.0, "Scene 1: At the lamp"),
                        (4.0, 7.5, "Scene 2: " + long_title[:59].rstrip() + "…")]
    assert len(chapters[1][2]) == len("Scene 2: ") + 60


def test_a_scene_without_a_title_is_numbered_and_no_shots_means_no_chapters():
    untitled = [ShotClip(clip("a"), "sc1", "  "), ShotClip(clip("b"), "sc2", "Two")]
    pieces = timed(_plan(untitled, WORK, settings(title_card_s=0.0, end_card_s=0.0)), (12, 12))
    assert [name for _, _, name in _chapters(pieces, _offsets(pieces, FPS))] == ["Scene 1", "Scene 2: Two"]
    assert _chapters([], [0.0]) == []


def test_the_concat_list_pins_every_segment_to_its_frame_count():
    pieces = timed(_plan(shots(), WORK, settings()))
    assert _concat_list(pieces, FPS).splitlines()[:4] == ["file 'title_card.mp4'", "duration 0.500000",
                                                          "file 'shot_0000.mp4'", "duration 2.000000"]
    assert _concat_list(pieces, FPS).count("\n") == 2 * len(pieces)


@pytest.mark.parametrize("fps", [24, 25])
def test_offsets_never_drift_over_many_pieces(fps):
    pieces = timed(_plan([shots()[0]] * 200, WORK, settings()), [7] * 202)
    offsets = _offsets(pieces, fps)
    assert offsets[-1] == 202 * 7 / fps and all(b - a == pytest.approx(7 / fps) for a, b in zip(offsets, offsets[1:]))
