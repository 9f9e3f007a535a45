"""The evaluator's reading of a premise: the premise reader's entities as terms, looks it leaves open filled in."""

from auteur.tools.evaluation.premise_terms import read_terms


def terms_by_head(terms):
    return {e.head: e for e in terms.entities}


def test_terms_carry_counts_kinds_and_gender():
    heads = terms_by_head(read_terms("Three sisters inherit a failing circus and one elephant who refuses to perform."))
    assert (heads["sister"].kind, heads["sister"].count, heads["sister"].gender) == ("person", 3, "female")
    assert heads["elephant"].kind == "animal" and heads["circus"].kind not in ("person", "animal", "creature", "machine")


def test_gender_comes_from_the_pronoun_that_follows():
    heads = terms_by_head(read_terms("A violinist loses her hearing the week before her debut at the concert hall."))
    assert heads["violinist"].gender == "female"


def test_a_synopsis_gives_one_term_per_named_character_typed_by_what_it_is():
    terms = read_terms("Queen Elsa of Arendelle hears a voice. Her younger sister Anna follows her with his reindeer Sven "
                       "and the snowman Olaf.")
    named = {e.name: e for e in terms.entities if e.name}
    assert named["Elsa"].gender == "female" and named["Anna"].gender == "female"
    assert (named["Anna"].head, named["Sven"].head, named["Olaf"].head) == ("sister", "reindeer", "snowman")
    assert named["Sven"].kind == "animal" and named["Olaf"].kind in ("person", "creature")
    assert {"elsa", "anna", "sven", "olaf"} == terms.given_names()  # Arendelle is a place, not a name
    # the sister and Anna are one character, not two
    assert len(terms.characters()) == 4


def test_the_premise_reader_fills_looks_it_leaves_open_from_the_phrase():
    heads = terms_by_head(read_terms("An old fisherman and a young marine biologist race a typhoon to free a trapped whale."))
    assert heads["fisherman"].age == "old" and heads["biologist"].age == "young" and heads["whale"].kind == "animal"
