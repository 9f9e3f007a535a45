"""The MoT director given a story: the text goes to the model in pieces that fit its context, and the plan is
built stage by stage (a treatment from the story's outline, each kept scene from its own text); tiny random
weights, so only the structure is checked, never the words."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import mot_tiny
from auteur.core.schema import Film, Screenplay, Treatment
from auteur.models.director import WriteRequest, load_director
from auteur.pipeline.inputs import read_story_input

FERRY = Path(__file__).parent / "data" / "stories" / "the_last_ferry.md"
PIECE = 900  # tokens of story text a request may carry: a ferry scene takes two or three pieces


@pytest.fixture(scope="module")
def director(tmp_path_factory):
    ckpt = mot_tiny.checkpoint(tmp_path_factory.mktemp("bagel") / "tiny", seed=1)
    return load_director("mot", dict(model=str(ckpt), dtype="fp32", device="cpu", max_chars=6, max_items=2,
                                     max_new_tokens=700, steps=3, image_side=64, reference_side=32, reference_min_side=16,
                                     vit_side=16, vit_min_side=8, story_piece_tokens=PIECE))


def test_a_story_goes_to_the_mot_director_in_pieces_and_the_plan_is_built_stage_by_stage(director):
    story = read_story_input(str(FERRY))
    asked: list[tuple[str, int]] = []
    write = director.write

    def spy(request, schema):
        if not request.context.get("story"):
            # the story's own text in the prompt: between the template's "of N):" and "Cast:" for a scene
            text = request.prompt.split("):\n\n", 1)[-1].split("\n\nCast:", 1)[0] if request.task == "story_scene" \
                else request.prompt
            asked.append((request.task, len(director.loaded.tokenizer.encode(text, add_special_tokens=False))))
        return write(request, schema)

    director.write = spy
    context = {"film": story.film, "story": story.story, "target_runtime_s": 30}
    with torch.no_grad(), mot_tiny.one_thread():
        treatment = director.write(WriteRequest("director", "treatment", "-", context, 7), Treatment)
        film = story.film.revise(treatment=treatment)
        play = director.write(WriteRequest("screenwriter", "screenplay", "-", {**context, "film": film}, 7), Screenplay)
    film = Film(prompt=film.prompt, treatment=treatment, characters=play.characters, scenes=play.scenes)  # validates
    assert treatment.title == "The Last Ferry" and treatment.left_out  # what the film leaves out is the planner's
    assert [c.name for c in film.characters][:3] == ["Mara Lind", "Tobias", "Mr. Okafor"]  # the text's cast
    assert [s.setting for s in film.scenes][0] == "the quay, day"  # and its places
    tasks = [task for task, _ in asked]
    assert tasks[0] == "story_treatment" and tasks.count("story_scene") > len(film.scenes)  # scenes came in pieces
    assert max(n for task, n in asked if task == "story_scene") <= PIECE
    assert len(FERRY.read_text("utf-8")) > 4 * PIECE  # the whole text would not have fitted one piece
