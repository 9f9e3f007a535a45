"""The draft storyboard artist: looks that hold across shots, plates, sheets and keyframes that follow the script."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from auteur.models.draft.artist import draw_keyframe
from auteur.models.draft.figures import draw_character_sheet
from auteur.models.draft.looks import character_look
from auteur.models.draft.plates import RECORD_KEY, draw_location_plate
from auteur.core.schema import Character, DialogueLine, FramingBox, Location, Shot, ShotType, Voice

W, H = 320, 180

KEEPER = Character(token="<char1>", name="Amos", appearance="old broad-shouldered man with a grey beard",
                   wardrobe="a red oilskin coat and boots", voice=Voice(gender="male"))
STORM = Character(token="<char2>", name="Storm", appearance="a churning grey storm cloud with flickers of lightning inside it")
HILL = Location(token="<env1>", name="the hilltop", look="a grassy hilltop with one bent tree", time_of_day="day")
SHORE = Location(token="<env2>", name="the shore", look="a long pebble shore below the lighthouse, waves breaking",
                 time_of_day="night", ambience="surf, rain, thunder")


def shot(shot_type: str = "medium", chars: tuple[str, ...] = ("<char1>",), boxes: tuple[tuple[float, ...], ...] = (),
         camera: str = "static", lines: tuple[tuple[str, str, str], ...] = ()) -> Shot:
    return Shot(id="sc1-sh01", shot_type=shot_type, camera=camera, characters=list(chars), visual_prompt="a shot", duration=3.0,
                framing=[FramingBox(character=t, x=b[0], y=b[1], w=b[2], h=b[3]) for t, b in zip(chars, boxes)],
                dialogue=[DialogueLine(speaker=s, line=text, emotion=e) for s, text, e in lines])


def pixels(img: Image.Image, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> np.ndarray:
    x, y, w, h = box
    return np.asarray(img, dtype=np.int32)[int(y * img.height):int((y + h) * img.height), int(x * img.width):int((x + w) * img.width)]


def dominant(img: Image.Image, box) -> tuple[int, int, int]:
    """The commonest colour in a region, coarsely quantized so shading does not split it."""
    q = (pixels(img, box) // 24).reshape(-1, 3)
    values, counts = np.unique(q, axis=0, return_counts=True)
    return tuple(int(v) for v in values[counts.argmax()])


# ---------------------------------------------------------------- determinism


def test_same_inputs_give_pixel_identical_pictures():
    s = shot("two-shot", ("<char1>", "<char2>"), lines=(("<char2>", "Let me in.", "sadness"),))
    for draw in (lambda: draw_keyframe(s, SHORE, [KEEPER, STORM], W, H, seed=7),
                 lambda: draw_character_sheet(KEEPER, W, H, seed=7),
                 lambda: draw_location_plate(SHORE, W, H, seed=7)):
        assert draw().tobytes() == draw().tobytes()


def test_looks_do_not_depend_on_the_process_hash_seed():
    code = ("from auteur.models.draft.looks import character_look; from auteur.core.schema import Character; "
            "print(character_look(Character(token='<char1>', name='Amos', appearance='an old man')))")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1


def test_the_seed_moves_only_the_weather_not_the_place():
    assert draw_location_plate(HILL, W, H, seed=1).tobytes() == draw_location_plate(HILL, W, H, seed=2).tobytes()
    assert draw_location_plate(SHORE, W, H, seed=1).tobytes() != draw_location_plate(SHORE, W, H, seed=2).tobytes()


# ---------------------------------------------------------------- identity


def test_two_characters_get_different_looks_and_different_sheets():
    other = Character(token="<char3>", name="Mara", appearance="young woman with long hair", wardrobe="a coat")
    assert character_look(KEEPER) != character_look(other)
    assert draw_character_sheet(KEEPER, W, H).tobytes() != draw_character_sheet(other, W, H).tobytes()


def test_a_character_keeps_its_coat_colour_across_shots():
    medium = draw_keyframe(shot("medium", boxes=((0.1, 0.15, 0.36, 0.85),)), HILL, [KEEPER], 640, 360)
    two = draw_keyframe(shot("two-shot", ("<char1>", "<char2>"), ((0.56, 0.2, 0.3, 0.78), (0.1, 0.2, 0.3, 0.78))),
                        HILL, [KEEPER, STORM], 640, 360)
    coat_in_medium = dominant(medium, (0.2, 0.65, 0.16, 0.3))
    coat_in_two = dominant(two, (0.66, 0.55, 0.1, 0.2))
    assert coat_in_medium == coat_in_two
    assert coat_in_medium[0] > coat_in_medium[2] + 2  # and it is the red the wardrobe asked for


def test_colour_words_in_the_wardrobe_change_the_picture():
    def coat(colour: str) -> np.ndarray:
        who = KEEPER.model_copy(update={"wardrobe": f"a {colour} coat"})
        img = draw_keyframe(shot("medium", boxes=((0.3, 0.15, 0.4, 0.85),)), HILL, [who], W, H)
        return pixels(img, (0.42, 0.7, 0.16, 0.2)).reshape(-1, 3).mean(axis=0)

    red, blue = coat("red"), coat("blue")
    assert red[0] - red[2] > 60
    assert blue[2] - blue[0] > 60


def test_the_text_decides_whether_a_figure_is_a_person_a_creature_or_weather():
    def kind(appearance: str) -> tuple[str, str]:
        look = character_look(Character(token="<char1>", name="X", appearance=appearance))
        return look.kind, look.species

    assert kind("a churning grey storm cloud") == ("storm", "storm")
    assert kind("a red fox with a white-tipped tail") == ("canine", "fox")
    assert kind("a small boxy robot of dented steel") == ("robot", "robot")
    assert kind("a weathered keeper who has watched the sea for years") == ("human", "")


# ---------------------------------------------------------------- composition


def figure_coverage(s: Shot) -> float:
    """The share of the frame the figure changes, against the same shot with no one in it."""
    empty = s.model_copy(update={"characters": [], "framing": [], "dialogue": []})
    full, bare = (pixels(draw_keyframe(x, HILL, [KEEPER], W, H)) for x in (s, empty))
    return float((np.abs(full - bare).sum(axis=2) > 30).mean())


def test_a_close_up_figure_covers_more_of_the_frame_than_a_wide_one():
    assert figure_coverage(shot("close-up")) > 3 * figure_coverage(shot("wide"))


def test_empty_wide_keyframes_show_their_plates_place_each_from_its_own_camera():
    plate = draw_location_plate(SHORE, W, H, seed=3)
    frames = [draw_keyframe(shot("wide", chars=()).model_copy(update={"id": f"sc1-sh0{k}"}), SHORE, [], W, H, seed=3)
              for k in range(1, 8)]  # a whole cycle of compositions
    assert all(drawn(f)["setting"] == drawn(plate)["setting"] for f in frames)  # the same landmarks, conditions, things
    at_plates_camera = [f for f in frames if drawn(f)["camera"]["composition"] == 0]
    assert len(at_plates_camera) == 1 and at_plates_camera[0].tobytes() == plate.tobytes()
    assert len({f.tobytes() for f in frames}) == 7


def test_the_first_lines_emotion_shows_on_the_face():
    def face(emotion: str) -> bytes:
        return draw_keyframe(shot("close-up", lines=(("<char1>", "Well.", emotion),)), HILL, [KEEPER], W, H).tobytes()

    faces = [face("joy"), face("sadness"), face("neutral")]
    assert len(set(faces)) == 3  # every pair differs, joy and neutral included


@pytest.mark.parametrize("shot_type", [t.value for t in ShotType])
def test_every_shot_type_draws_at_the_requested_size_in_rgb(shot_type):
    s = shot(shot_type, ("<char1>", "<char2>"), lines=(("<char1>", "Look at the lamp.", "wonder"),))
    img = draw_keyframe(s, SHORE, [KEEPER, STORM], 333, 187, seed=1)
    assert (img.size, img.mode) == ((333, 187), "RGB")
    # and the cast is in it: the picture differs from the same shot with no one in it
    empty = draw_keyframe(s.model_copy(update={"characters": [], "framing": [], "dialogue": []}), SHORE, [], 333, 187, seed=1)
    assert (np.abs(np.asarray(img, dtype=np.int32) - np.asarray(empty, dtype=np.int32)).sum(axis=2) > 30).mean() > 0.003


@pytest.mark.parametrize("left", [0.05, 0.6])
def test_a_figure_is_drawn_where_its_framing_box_says(left):
    box = (left, 0.15, 0.3, 0.8)
    s = shot("medium", boxes=(box,))
    empty = s.model_copy(update={"characters": [], "framing": [], "dialogue": []})
    changed = (np.abs(pixels(draw_keyframe(s, HILL, [KEEPER], W, H)) -
                      pixels(draw_keyframe(empty, HILL, [KEEPER], W, H))).sum(axis=2) > 30)
    inside = changed[int(0.15 * H):int(0.95 * H), int(left * W):int((left + 0.3) * W)].sum()
    assert changed.sum() > 0 and inside / changed.sum() > 0.6  # most of what the figure changed lies in its box


def test_sheets_and_plates_draw_at_the_requested_size_in_rgb():
    for img in (draw_character_sheet(STORM, 301, 401), draw_location_plate(HILL, 257, 143)):
        assert img.mode == "RGB"
        assert len(np.unique(np.asarray(img).reshape(-1, 3), axis=0)) > 8  # drawn, not a flat fill
    assert draw_character_sheet(STORM, 301, 401).size == (301, 401)
    assert draw_location_plate(HILL, 257, 143).size == (257, 143)


def test_a_sheet_shows_its_figure_and_a_plate_its_landmarks():
    sheet = np.asarray(draw_character_sheet(KEEPER, 320, 240), dtype=np.int32)
    # the red oilskin coat fills part of the figure's column, on a neutral grey backdrop
    reds = (sheet[..., 0] > sheet[..., 1] + 60) & (sheet[..., 0] > sheet[..., 2] + 60)
    assert reds[:, : 320 * 6 // 10].mean() > 0.01
    shore, hill = (np.asarray(draw_location_plate(loc, W, H, seed=1), dtype=np.int32) for loc in (SHORE, HILL))
    assert np.abs(shore - hill).mean() > 20  # a night shore under a lighthouse is not a day hilltop
    assert np.std(hill) > 10  # and neither is a flat fill


# ---------------------------------------------------------------- offscreen: heard, never seen

VOICE = Character(token="<char3>", name="The Whale", kind="animal", appearance="a vast whale", offscreen=True)


def drawn(img: Image.Image) -> dict:
    return json.loads(img.info[RECORD_KEY])


def test_an_offscreen_speaker_gets_no_figure_and_its_listener_fills_the_frame():
    line = (("<char3>", "I thought you'd be taller.", "joy"),)
    s = shot("two-shot", ("<char1>", "<char3>"), boxes=((0.1, 0.2, 0.3, 0.78), (0.56, 0.2, 0.3, 0.78)), lines=line)
    img = draw_keyframe(s, HILL, [KEEPER, VOICE], W, H)
    record = drawn(img)
    assert [f["token"] for f in record["figures"]] == ["<char1>"] and record["offscreen"] == ["<char3>"]
    # the voice's own framing box is left empty: the picture is the keeper's alone, where the storyboard put him
    alone = shot("two-shot", ("<char1>",), boxes=((0.1, 0.2, 0.3, 0.78),))
    assert img.tobytes() == draw_keyframe(alone, HILL, [KEEPER], W, H).tobytes()


def test_an_offscreen_voice_alone_in_a_shot_gets_no_default_figure():
    s = shot("medium", ("<char3>",), lines=(("<char3>", "Down here.", "neutral"),))
    img = draw_keyframe(s, HILL, [VOICE], W, H)
    assert drawn(img)["figures"] == []
    assert img.tobytes() == draw_keyframe(shot("medium", ()), HILL, [], W, H).tobytes()


def test_over_the_shoulder_of_an_offscreen_speaker_shows_the_listeners_faces():
    lines = (("<char3>", "Can you hear me?", "fear"),)
    s = shot("over-the-shoulder", ("<char1>", "<char2>", "<char3>"), lines=lines)
    views = {f["token"]: f["view"] for f in drawn(draw_keyframe(s, HILL, [KEEPER, STORM, VOICE], W, H))["figures"]}
    assert views == {"<char1>": "front", "<char2>": "front"}  # no one turns their back to a voice
    seen = shot("over-the-shoulder", ("<char1>", "<char2>"), lines=(("<char2>", "I can.", "fear"),))
    views = {f["token"]: f["view"] for f in drawn(draw_keyframe(seen, HILL, [KEEPER, STORM], W, H))["figures"]}
    assert views == {"<char1>": "back", "<char2>": "front"}


def test_an_offscreen_character_has_a_voice_card_not_a_figure_sheet():
    card = draw_character_sheet(VOICE, W, H)
    assert drawn(card) == {"kind": "character", "offscreen": True, "figures": []}
    assert card.size == (W, H)


def test_a_shot_where_only_a_voice_speaks_is_drawn_with_the_scenes_listener():
    from auteur.agents.storyboard import with_listener
    from auteur.core.schema import Beat, Film, Scene, Treatment

    s = shot("medium", ("<char3>",), lines=(("<char3>", "Down here.", "neutral"),))
    scene = Scene(id="sc1", heading="the hill", beat="setup", plot="A voice calls.", setting="the hill", location="<env1>",
                  characters=["<char3>", "<char1>"], shots=[s])
    film = Film(prompt="p", treatment=Treatment(title="t", logline="l", genre="g", tone="t", visual_style="v",
                                                target_runtime_s=30, beats=[Beat(name="setup", summary="s")]),
                characters=[KEEPER, VOICE], locations=[HILL], scenes=[scene])
    assert with_listener(s, scene, film).characters == ["<char3>", "<char1>"]
    spoken_by_keeper = shot("medium", ("<char1>",), lines=(("<char1>", "Who is there?", "fear"),))
    assert with_listener(spoken_by_keeper, scene, film) is spoken_by_keeper
