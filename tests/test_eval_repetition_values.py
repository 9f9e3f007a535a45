"""Repeated lines by value: how a line is normalised and which repeats count, on films written here."""

from __future__ import annotations

from auteur.tools.evaluation.repetition import film_lines, normalized, repeated_lines
from test_eval_structural_values import MARA, TOM, film, scene, shot


def test_a_line_is_lowercased_stripped_of_punctuation_and_its_names_replaced_longest_first():
    assert normalized("Ann Lee said: ANN, don't go!", ["Ann", "Ann Lee"]) == "someone said someone don't go"
    assert normalized("Ann-Marie waved to Ann.", ["Ann"]) == "ann marie waved to someone"  # part of another name
    assert normalized("Annabel and Ann", ["Ann"]) == "annabel and someone"
    assert normalized("...!", []) == ""


def spoken(label: str, prompt: str, who: dict, *lines: str, scene_lines: tuple[str, ...] = ()):
    token = who["token"]
    return film([scene("s1", [shot("s1a", "x", characters=[token], lines=[(token, ln) for ln in lines])],
                       characters=[token], lines=[(token, ln) for ln in scene_lines])], cast=(who,), prompt=prompt)


def test_a_films_lines_are_its_distinct_normalised_lines_scene_lines_first():
    f = spoken("A", "p", MARA, "Hold the light!", "hold the LIGHT", "...", "Mara, go.", scene_lines=("We wait.",))
    assert film_lines(f) == [("s1", "We wait.", "we wait"), ("s1", "Hold the light!", "hold the light"),
                             ("s1", "Mara, go.", "someone go")]


def test_a_line_counts_as_repeated_only_in_a_film_of_another_prompt():
    diver = "a diver who finds a bell at the bottom of a very deep cold lake"  # named by its first 50 characters
    films = {"A": spoken("A", "a lighthouse keeper", MARA, "Mara, the storm is coming.", "Hold the light!"),
             "B": spoken("B", "a sailor", TOM, "Tom, the storm is coming.", "Row harder."),
             "C": spoken("C", "a lighthouse keeper", MARA, "Hold the light!"),
             "D": film([scene("s1", [shot("s1a", "x")])], prompt="silence"),
             "E": spoken("E", diver, TOM, "Row harder.", "Deeper.", "Colder.", "Tom, the storm is coming.")}
    out = repeated_lines(films)
    named_e = "film E ('a diver who finds a bell at the bottom of a very d')"
    assert out["A"] == (0.5, ["scene s1: the line 'Mara, the storm is coming.' is also spoken in film B ('a sailor'), "
                              + named_e])
    assert out["B"] == (1.0, ["scene s1: the line 'Tom, the storm is coming.' is also spoken in film A "
                              f"('a lighthouse keeper'), {named_e}",
                              f"scene s1: the line 'Row harder.' is also spoken in {named_e}"])
    assert out["C"] == (0.0, [])  # only A says it, and A is the same premise
    assert out["D"] == (0.0, [])
    assert out["E"][0] == 0.5
    long = "word " * 30  # 150 characters: an issue quotes the first 80
    again = repeated_lines({"A": spoken("A", "one", MARA, long), "B": spoken("B", "two", TOM, long)})
    assert again["A"][1] == [f"scene s1: the line {long[:80]!r} is also spoken in film B ('two')"]
