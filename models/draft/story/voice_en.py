"""The premise's events said in English from a point of view: the slots a frame of `frames_en.toml` can use.

`{main.said}` is the main event as news told by the speaker to the listener ("I've lost my hearing", "your bees
are building a map in the honeycomb", "the machine has started dispensing advice instead of drinks"); `.ask` the
same as a question, `.deny` denied, `.plot` told in a scene's summary ("Mara loses her hearing"), `.base`/`.to`/
`.ing` the bare predicate, `.past` what happened. Who is "I", "you" or "she" follows who says it to whom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auteur.models.draft.story.english import (NP, Predicate, article, clause, contract, inflect, perspective,
                                               predicate, third)
from auteur.tools.language.english import COLLECTIVES
from auteur.tools.language.gloss import mode as verb_mode
from auteur.tools.language.events import OBJECT_PREP, RECIPROCAL_PREP
from auteur.tools.language.reading import Entity, Event

# Verbs whose event, once it has happened, is news in the perfect ("has rescued", "has inherited").
ACHIEVEMENTS = {"rescue", "inherit", "steal", "befriend", "escape", "find", "lose", "receive", "meet", "fall", "deliver",
                "discover", "win", "break", "arrive", "leave", "die", "kill", "marry", "adopt", "realise", "realize",
                "notice", "catch", "free", "trap", "hide", "separate", "send", "buy", "sell", "build", "finish", "open",
                "close", "forget", "return", "come", "become", "start", "stop", "demand", "kidnap", "swallow", "crash"}
STATIVE = {"have", "own", "know", "love", "hate", "want", "need", "belong", "seem", "contain", "mean", "remember",
           "hear", "see"}
# Where and when an event happens: what a short line leaves out.
CIRCUMSTANCE = ("at ", "in the ", "in a ", "in an ", "on the ", "on a ", "during ", "before ", "after ", "while ",
                "through ", "from ", "over ", "across ", "inside ", "outside ", "every ", "last ", "next ", "near ",
                "under ", "above ", "by the ", "until ")
CIRCUMSTANCE_WORDS = {w.split()[0] + " " for w in CIRCUMSTANCE} | {"on ", "in ", "by "}
FORMS = ("said", "news", "did", "short", "doing", "brief", "ask", "deny", "plot", "base", "to", "ing", "past", "pp", "obj", "subj", "verb", "cant", "who")


@dataclass(frozen=True)
class Who:
    """Who a slot is said by and to (tokens of the cast), or None for a plot (third person, names)."""

    speaker: int | None = None   # entity index of the one speaking
    listener: int | None = None  # entity index of the one spoken to


class EventVoice:
    """One event of the premise, ready to be said from any point of view."""

    def __init__(self, event: Event, entities: tuple[Entity, ...], names: dict[int, str], faculty: dict | None = None,
                 content: EventVoice | None = None):
        self.event = event
        self.entities = entities
        self.names = names  # entity index -> how the film calls them ("Mara", "the crow")
        self.faculty = faculty
        self.content = content  # what a discovery or a perception found: its news is the news

    # -- noun phrases from a point of view
    def np(self, k: int | None, who: Who, fallback: str = "") -> NP | None:
        if k is None:
            return third(fallback, plural=_plural_words(fallback)) if fallback else None
        e = self.entities[k]
        # "the crew hears"; but one of the crew speaking says "we"
        plural = e.count > 1 and (k in (who.speaker, who.listener) or
                                  not (e.head in COLLECTIVES and not (e.english or e.core).endswith("s")))
        gender = e.gender if e.kind == "person" and e.gender else ("neutral" if e.kind != "person" else "female")
        if e.kind == "person" and not e.gender:
            gender = "male" if e.head in ("man", "boy", "father", "brother", "son") else "female"
        if who.speaker is not None and k == who.speaker:
            return NP(self.names.get(k, e.core), person=1, plural=plural, gender=gender)
        if who.listener is not None and k == who.listener:
            return NP(self.names.get(k, e.core), person=2, plural=plural, gender=gender)
        return NP(self.names.get(k) or _definite(e), person=3, plural=plural, gender=gender)

    def subject(self, who: Who) -> NP | None:
        ev = self.event
        if self._passive:
            return self.np(ev.patient, who)
        if ev.agent is not None:
            return self.np(ev.agent, who)
        if ev.subject:
            return third(_tidy_subject(ev.subject, self, who), plural=_plural_words(ev.subject))
        return None

    @property
    def _passive(self) -> bool:
        ev = self.event
        return ev.agent is None and ev.patient is not None and not ev.obj and ev.verb != "be"

    def predicate(self, who: Who, subj: NP | None) -> Predicate:
        ev = self.event
        obj = self._words(ev.obj, who, subj)
        rest = self._words(ev.rest, who, subj)
        return predicate(ev, obj=obj, rest=rest)

    def _words(self, text: str, who: Who, subj: NP | None) -> str:
        """Object or rest words from the point of view: "her hearing" -> "my hearing"; "him" -> "me"."""
        if not text:
            return text
        text = re.sub(r"^that\s+", "", text) if self.event.mode == "discovery" else text
        # the patient named as in the film ("a parrot" -> "Pepper"), or as "me"/"you" when they are in the talk
        ev = self.event
        if ev.patient is not None:
            e = self.entities[ev.patient]
            p = self.np(ev.patient, who)
            phrase = e.phrase if e.phrase in text or not e.en else e.en  # a premise in another language: its gloss
            if p is not None and phrase and phrase in text and e.is_character:
                # "her neighbour's kids" said to the kids is "you", said of them "the kids": whose they are goes too
                text = _named_as(text, phrase, p.obj if p.person != 3 else p.text)
            elif p is not None and text.lower() in ("him", "her", "them", "it") and p.person != 3:
                text = p.obj
        # anyone else the words name who is in the talk ("a final game against the computer", said by the
        # computer: "against me")
        for k, e in enumerate(self.entities):
            phrase = e.phrase if e.phrase in text or not e.en else e.en  # "for her granddaughter", from Hindi
            if k == ev.patient or not e.is_character or not phrase or not re.search(rf"\b{re.escape(phrase)}\b", text):
                continue
            p = self.np(k, who)
            if p is not None and p.person != 3:  # said to her granddaughter: "for you", whoever's she is
                text = _named_as(text, phrase, p.obj)
        owner = subj
        # possessives of someone else in the talk: "its missing owner" said to the parrot -> "your missing owner"
        for k in (who.speaker, who.listener):
            if k is None:
                continue
            np = self.np(k, who)
            if np is not None and (owner is None or np.text != owner.text):
                text = _possessive_of(text, np, self.entities, k, ev, owner)
        return perspective(text, owner)

    # -- the forms
    def form(self, name: str, who: Who) -> str | None:
        ev = self.event
        if self.content is not None and name in ("said", "ask", "deny", "news"):
            return self.content.form(name, who)  # "I've discovered the bees are building a map": the map is the news
        if name == "news":
            return self.short().form("said", who)
        if name in ("did", "short", "doing", "brief"):
            # the event without where and when: "did" told in the past ("I lost my hearing"), "short" its bare
            # predicate ("lose my hearing"), "doing" as a gerund ("losing my hearing"), "brief" told ("Mara loses her hearing")
            inner = {"did": "past", "short": "base", "doing": "ing", "brief": "plot"}[name]
            return self.short().form(inner, who)
        subj = self.subject(who)
        if name == "verb":
            return ev.verb if ev.verb != "be" else None
        if name == "who":
            return subj.subj if subj is not None else None
        if name == "subj":
            return subj.subj if subj is not None else None
        pred = self.predicate(who, subj)
        if name == "obj":
            return pred.obj or None
        if name in ("base", "to", "ing", "pp"):
            if ev.verb == "be" and name != "to":
                return clause(subj or third("it"), pred, {"base": "base", "ing": "ing", "pp": "pp"}[name]) \
                    .replace("be ", "be ", 1) if name == "base" else None
            return clause(subj or third("it"), pred, name, negative=ev.negated)
        if name == "cant":
            return self._cant(who, subj, pred)
        if subj is None:
            subj = third("something") if name in ("said", "ask", "deny", "plot", "past") else None
            if subj is None:
                return None
        if name == "past":
            return clause(subj, pred, "past", negative=ev.negated)
        if name == "plot":
            return self._plot(subj, pred)
        spoken = name in ("said", "ask", "deny")
        text = self._said(subj, pred, question=name == "ask", deny=name == "deny")
        return contract(text) if spoken else text

    def short(self) -> EventVoice:
        """The same event without where and when ("I've lost my hearing", not "... the week before my debut");
        what completes the verb stays ("fallen in love with the crow", "come back")."""
        from dataclasses import replace as copy

        rest = self.event.rest
        if rest.lower().startswith(CIRCUMSTANCE) or re.match(r"^(the|a|this|that|one) (week|day|night|year|month|morning)", rest):
            rest = ""
        return EventVoice(copy(self.event, rest=rest), self.entities, self.names, self.faculty)

    def light(self) -> EventVoice:
        """The event said again, once the film has said it whole: its object as "the game" for "one final game against
        the computer", no where and when ("I'm playing the game", "the bees are building the map")."""
        from dataclasses import replace as copy

        ev = self.event
        if self.content is not None:
            return self.content.light()
        knowing = ("discovery", "perception")  # what someone found out, even where the reader called it an act
        obj = _light_object(ev.obj, knowing=ev.mode in knowing or verb_mode(ev.verb) in knowing)
        rest = "" if ev.rest.lower().startswith(CIRCUMSTANCE) or ev.part == "main" and not ev.particle else ev.rest
        if ev.verb == "fall" and ev.rest.startswith("in love"):
            rest = "in love"
        prep = {**OBJECT_PREP, **RECIPROCAL_PREP}.get(ev.verb)
        if not obj and prep and ev.rest.lower().startswith(prep + " "):
            # the verb's object comes with its preposition ("waits for his son on a misty mountain"): said again,
            # it keeps the object and leaves the where ("I'm waiting for my son"), or the verb hangs
            words = ev.rest.split()
            cut = next((k for k in range(2, len(words)) if f"{words[k].lower()} " in CIRCUMSTANCE_WORDS), len(words))
            rest = " ".join(words[:cut])
            limit = 6
        else:
            limit = 4
        return EventVoice(copy(ev, obj=obj, rest=rest if len(rest.split()) <= limit else ""), self.entities, self.names,
                          self.faculty)

    def _cant(self, who: Who, subj: NP | None, pred: Predicate) -> str | None:
        """What the lead cannot do: the inability itself, or what a lost faculty stops ("I can't hear")."""
        ev = self.event
        if subj is None:
            return None
        if ev.mode == "inability":
            return contract(clause(subj, pred, "present", modal="can't"))
        if ev.mode == "loss" and self.faculty:
            return contract(f"{subj.subj} can't {self.faculty['verb']}")
        return None

    def _plot(self, subj: NP, pred: Predicate) -> str:
        ev = self.event
        mode = ev.mode
        if mode == "goal":
            return clause(subj, pred, "present", modal="must") if ev.part == "main" else \
                f"{clause(subj, Predicate('want'), 'present')} {clause(subj, pred, 'to')}"
        if mode == "attempt":
            return f"{clause(subj, Predicate('try'), 'present')} {clause(subj, pred, 'to')}"
        if mode == "refusal":
            return f"{clause(subj, Predicate('refuse'), 'present')} {clause(subj, pred, 'to')}"
        if mode == "inability":
            return clause(subj, pred, "present", modal="cannot")
        if mode == "change" and ev.verb not in ("become", "turn", "grow", "stop"):
            return f"{clause(subj, Predicate('start'), 'present')} {clause(subj, pred, 'ing')}"
        if ev.part == "backstory":
            return clause(subj, pred, "past", negative=ev.negated)
        return clause(subj, pred, "present", negative=ev.negated)

    def _said(self, subj: NP, pred: Predicate, question: bool = False, deny: bool = False) -> str:
        ev = self.event
        mode, neg = ev.mode, ev.negated != deny
        if mode == "goal":
            single = subj.person == 3 and not subj.plural
            if question:
                return _ask_modal(subj, "have to", pred)
            modal = ("doesn't have to" if single else "don't have to") if deny else ("has to" if single else "have to")
            return clause(subj, pred, "present", modal=modal)
        if mode == "attempt":
            if question:
                return f"{_be_q(subj)} {subj.subj} trying {clause(subj, pred, 'to')}"
            return f"{subj.subj} {_be(subj)}{' not' if deny else ''} trying {clause(subj, pred, 'to')}"
        if mode == "refusal":
            if question:
                return f"won't {subj.subj} {clause(subj, pred, 'base')}"
            return clause(subj, pred, "present", modal="will" if deny else "won't")
        if mode == "inability":
            if question:
                return f"can't {subj.subj} {clause(subj, pred, 'base')}"
            return clause(subj, pred, "present", modal="can" if deny else "can't")
        if mode == "change" and ev.verb not in ("become", "turn", "grow", "stop"):
            started = Predicate("start", obj=clause(subj, pred, "ing"))
            return clause(subj, started, "perfect_question" if question else "perfect", negative=deny)
        if mode == "perception":
            return (f"can {subj.subj} {clause(subj, pred, 'base')}" if question else
                    clause(subj, pred, "present", modal="can't" if deny else "can"))
        if ev.part == "backstory":
            return clause(subj, pred, "question" if question else "past", negative=deny) if not question else \
                f"did {subj.subj} {clause(subj, pred, 'base')}"
        if mode in ("state",) or ev.verb == "be" or pred.passive:
            return clause(subj, pred, "question" if question else "present", negative=neg) if not pred.passive else \
                clause(subj, pred, "perfect_question" if question and ev.verb in ACHIEVEMENTS and mode != "state" else
                       "question" if question else "perfect" if ev.verb in ACHIEVEMENTS and mode != "state" else "present",
                       negative=neg)
        if ev.verb in ACHIEVEMENTS or mode in ("loss", "discovery"):
            return clause(subj, pred, "perfect_question" if question else "perfect", negative=neg)
        if ev.verb in STATIVE or ev.part in ("twist", "detail") and mode != "act":
            return clause(subj, pred, "question" if question else "present", negative=neg)
        # an activity going on right now: "the bees are building a map", "we're repairing the satellite"
        if question:
            return f"{_be_q(subj)}{' not' if neg else ''} {subj.subj} {clause(subj, pred, 'ing')}"
        return clause(subj, pred, "progressive", negative=neg)


def _be(np: NP) -> str:
    if np.person == 1 and not np.plural:
        return "am"
    return "are" if np.plural or np.person == 2 else "is"


def _be_q(np: NP) -> str:
    return _be(np)


def _ask_modal(subj: NP, modal: str, pred: Predicate) -> str:
    aux = "do" if subj.plural or subj.person in (1, 2) else "does"
    return f"{aux} {subj.subj} have {clause(subj, pred, 'to')}"


PREPOSITIONS = {"of", "in", "on", "at", "against", "from", "with", "instead", "to", "for", "over", "about", "into",
                "through", "by", "across", "under", "after", "before"}
DETERMINERS = {"a", "an", "the", "one", "this", "that", "some", "two", "three", "four", "five", "every", "each"}


def _named_as(text: str, phrase: str, said: str) -> str:
    """`text` with its first `phrase`, and whose it is ("her", "the neighbour's"), said as `said` ("you", "Pepper")."""
    owned = re.compile(rf"(?:\b(?:her|his|their|its|my|your|our)\s+)?(?:(?:\bthe\s+)?[\w-]+['’]s\s+)?"
                       rf"{re.escape(phrase)}")  # "the pond's only goldfish" to the goldfish: "you", not "the you"
    return owned.sub(lambda _: said, text, 1)


def _light_object(obj: str, knowing: bool = False) -> str:
    """ "one final game against the computer" -> "the game"; "her hearing" stays; "advice instead of drinks" -> "advice";
    a clause said once already is "it" ("hide that the town's famous giant pumpkin has been stolen" -> "hide it"),
    unless it is what someone found out: that is the news, and "I've discovered it" says none of it."""
    words = obj.split()
    if not words:
        return obj
    if words[0].lower() in ("that", "whose", "what", "how", "why", "if"):
        return obj if knowing else "it"
    cut = next((k for k, w in enumerate(words) if w.lower() in PREPOSITIONS and k > 0), len(words))
    head = words[:cut]
    if not head:
        return obj
    if head[0].lower() in ("her", "his", "their", "its", "my", "your", "our"):
        return " ".join([head[0], head[-1]])
    noun = head[-1]
    if head[0].lower() in DETERMINERS or len(head) > 1:
        return f"the {noun}"
    return noun


def _definite(e: Entity) -> str:
    """"the beekeeper", "the three sisters", "Tokyo"."""
    if e.name:
        return e.name
    core = e.english if e.en else (e.core or e.head)
    if core[:1].isupper() and not e.name:
        core = core[:1].lower() + core[1:]
    if e.count > 1:
        return f"the {core}"
    return f"the {core}"


def _plural_words(text: str) -> bool:
    last = text.split()[-1].lower() if text.split() else ""
    return last.endswith("s") and not last.endswith("ss") and last not in ("news", "this", "its", "gas", "lens")


def _tidy_subject(text: str, voice: EventVoice, who: Who) -> str:
    """"their oxygen" said by one of them: "our oxygen"."""
    words = text.split()
    if words and words[0].lower() in ("their", "her", "his", "its"):
        for k in (who.speaker,):
            if k is None:
                continue
            e = voice.entities[k]
            if (words[0].lower() == "their" and e.count > 1) or (words[0].lower() == "her" and e.gender == "female") \
                    or (words[0].lower() == "his" and e.gender == "male"):
                words[0] = "our" if e.count > 1 or words[0].lower() == "their" else "my"
    return " ".join(words)


def _possessive_of(text: str, np: NP, entities, k: int, ev: Event, owner: NP | None = None) -> str:
    """A possessive pronoun in an event's words that stands for someone in the talk ("its owner" to the parrot;
    "the patient is her father", the patient to the nurse: "I'm your father")."""
    e = entities[k]
    if e.kind == "person":
        word = {"female": "her", "male": "his"}.get(e.gender or "")
        if np.person == 3 or word is None or f" {word} " not in f" {text} ":
            return text
        if owner is not None and owner.gender == e.gender:
            return text  # "her" may as well be the subject's own
        return re.sub(rf"\b{word}\b", np.poss_pronoun, text, count=1)
    if np.person != 3 and " its " in f" {text} ":
        return re.sub(r"\bits\b", np.poss_pronoun, text, count=1)
    return text


def indefinite(noun: str) -> str:
    return f"{article(noun)} {noun}"


def plural(noun: str) -> str:
    from auteur.models.draft.story.english import plural_noun

    return plural_noun(noun)


__all__ = ["EventVoice", "Who", "FORMS", "indefinite", "plural", "inflect"]
