"""Reading a premise in a Latin-script language without a parser: what closed-class words tell.

The article-led subject that opens the line is the protagonist (its article gives the gender), a capitalised word
after a place preposition is a place, a capitalised word elsewhere (not sentence-first, not after an article: German
capitalises every noun) is a name.
"""

from __future__ import annotations

import re

from auteur.tools.language.meaning import prototypes
from auteur.tools.language.reading import Entity


def read_latin(text: str, lang: str) -> list[Entity]:
    cues = prototypes()["languages"].get(lang)
    if cues is None:
        return []
    words = re.findall(r"[^\W\d_][\w'-]*", text)
    lower = [w.lower() for w in words]
    articles = cues["articles"]  # article -> gender of a person it introduces
    stops = set(cues["stops"]) | set(cues["place_prepositions"]) | set(articles)
    entities: list[Entity] = []
    used: set[int] = set()
    # the protagonist: the article-led phrase that opens the line
    if lower and lower[0] in articles:
        phrase, j = [], 1
        while j < len(words) and len(phrase) < 3 and lower[j] not in stops:
            phrase.append(words[j])
            j += 1
            if cues.get("capitalised_nouns") and phrase[-1][:1].isupper():
                break  # German: the first capitalised word after the article is the noun
        if phrase:
            used.update(range(0, j))
            entities.append(Entity(phrase=" ".join(words[:j]), head=phrase[-1], kind="person",
                                   gender=articles[lower[0]] or None, core=" ".join(phrase)))
    for k, w in enumerate(words):
        if k in used or k == 0 or not w[:1].isupper() or lower[k] in stops:
            continue
        prev = lower[k - 1]
        if prev in articles or prev in cues["determiners"]:
            continue  # "die Zeit": an article makes it a common noun, however it is capitalised
        if cues.get("capitalised_nouns") and prev not in cues["place_prepositions"] and prev not in cues["conjunctions"]:
            continue  # German nouns are capitalised: only a place after a preposition or a name by a name counts
        kind = "place" if prev in cues["place_prepositions"] else "person"
        entities.append(Entity(phrase=w, head=w, kind=kind, name=w, core=w))
    return entities


