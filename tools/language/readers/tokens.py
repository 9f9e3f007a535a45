"""The one value every language's analyser hands the shared builder: a word with its part of speech, its English,
and what the grammar around it said (case from a particle or preposition, a number, a gender, a cue).

Each language module turns a premise into `Token`s with its own analyser (jieba, MeCab with UniDic, simplemma, or
a particle stripper); `build.py` turns tokens into a `PremiseReading` the same way for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Universal parts of speech (a subset of Universal Dependencies' tags).
POS = ("NOUN", "PROPN", "VERB", "ADJ", "NUM", "DET", "PRON", "ADP", "CONJ", "PART", "PUNCT", "AUX", "X")
# What a function word does to the clause it stands in (the grammar.toml lists of each language).
CUES = ("goal", "inability", "negation", "content", "deadline", "twist", "and", "with", "by", "clause")


@dataclass
class Token:
    text: str                   # as written
    lemma: str                  # dictionary form in the premise's language
    pos: str                    # one of POS
    en: str = ""                # English ("" for a function word)
    gender: str | None = None   # "female" | "male": the form's, an article's or an agreeing word's
    case: str = ""              # "subj" | "obj" | "poss" | "loc" | "with" | "by": marked by a particle or preposition
    count: int | None = None    # a number word or counter that counts this noun
    plural: bool = False        # a plural form or marker
    cue: str = ""               # one of CUES, for a function word
    owner: str | None = None    # a possessive before a noun: "" (someone's) or the owner's gender ("seine": male)
    past: bool = False          # a past form ("escrito", "잃어버린")
    attributive: bool = False   # a verb that describes a noun ("escrito por", "오는 고양이", "走失的小狗")
    name: bool = False          # a proper name
    roman: str = ""             # the word in Latin letters where the analyser knows its reading ("maigo")
    causes: str = ""            # a causative verb's infinitive, in English ("fait rêver": make ... "dream")

    def own(self) -> str:
        """The word's own form in Latin letters: what stands in for English when no source knows the word."""
        from auteur.tools.language.gloss import romanise

        return self.roman or romanise(self.text)
