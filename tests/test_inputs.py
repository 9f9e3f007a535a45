import json

import pytest

from auteur.core.errors import InputError
from auteur.pipeline.inputs import read_input
from test_schema import planned_film


def test_a_prompt_is_cleaned_of_control_characters_and_extra_space():
    got = read_input("  A keeper\x00 meets\t\n a storm \x1b[31m ")
    assert got.kind == "prompt"
    assert got.film.prompt == "A keeper meets a storm [31m"


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t", "\x00\x01"])
def test_an_empty_prompt_is_refused_with_a_hint(prompt):
    with pytest.raises(InputError, match="the prompt is empty"):
        read_input(prompt)


def test_a_20000_character_prompt_is_refused_with_the_limit():
    with pytest.raises(InputError, match="20000 characters long; a premise must be at most 2000"):
        read_input("a" * 20000)


def test_emoji_and_right_to_left_text_are_kept():
    prompt = "A lighthouse keeper 🌩️ befriends a storm — עננה and غيمة"
    assert read_input(prompt).film.prompt == prompt


def test_movieagent_synopsis_gives_story_and_names(tmp_path):
    path = tmp_path / "script_synopsis.json"
    path.write_text(json.dumps({"MovieScript": "Anna and Elsa follow a voice into the forest.",
                                "Character": ["Anna", "Elsa", "Anna"]}))
    got = read_input(str(path))
    assert got.kind == "synopsis"
    assert got.names == ("Anna", "Elsa")
    assert got.film.prompt.startswith("Anna and Elsa")


def test_our_script_json_loads_and_drops_foreign_image_paths(tmp_path):
    data = json.loads(planned_film().to_json())
    data["scenes"][0]["shots"][0]["keyframe"] = "../../../etc/passwd"
    data["characters"][0]["reference_image"] = "/etc/hosts"
    path = tmp_path / "script.json"
    path.write_text(json.dumps(data))
    got = read_input(str(path))
    assert got.kind == "script"
    assert got.film.shots()[0].keyframe is None
    assert got.film.characters[0].reference_image is None


def test_invalid_script_json_names_the_file_and_place(tmp_path):
    data = json.loads(planned_film().to_json())
    data["scenes"][2]["shots"][0]["camera"] = "barrel-roll"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"bad.json: scene sc3, shot sc3-sh01, field camera: Input should be"):
        read_input(str(path))


def test_broken_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"prompt": "x",\n  "scenes": [}')
    with pytest.raises(InputError, match="broken.json is not valid JSON: .* line 2"):
        read_input(str(path))


def test_missing_script_file_is_named():
    with pytest.raises(InputError, match="script file nowhere/script.json does not exist"):
        read_input("nowhere/script.json")
