"""What happens in an English premise: its events, relations and conditions, read off spaCy's parse.

"A violinist loses her hearing the week before her debut" is one event: the violinist (agent) loses (verb) her
hearing (object), a loss. "A fox and a crow must share a hollow tree" is a goal both of them have. "...discovers her
bees are building a map" is a discovery whose content is an event of its own (the bees build a map). Relative
clauses in the past are what happened before the film ("the computer that once humiliated him"); "before the summer
ends" is a deadline, "while their oxygen runs low" a clock; "but ..." and a second sentence are twists.

Control verbs ("tries to", "refuses to", "starts", "keeps") are not events of their own: they give the mode of the
verb they govern. The parser's known slips (a verb read as a noun: "astronauts ... argue about", "race a typhoon",
"separated at birth meet as") are repaired where the sentence has no other verb to hang the story on.
"""

from __future__ import annotations

from functools import lru_cache

from auteur.tools.language.reading import Entity, Event, Relation

# Control verbs: the mode they give to the verb they govern ("tries to hide" -> hide is an attempt).
CONTROL = {"try": "attempt", "attempt": "attempt", "want": "goal", "wish": "goal", "hope": "goal", "plan": "goal",
           "decide": "goal", "long": "goal", "need": "goal", "dream": "goal", "vow": "goal", "promise": "goal",
           "learn": "goal", "refuse": "refusal", "fail": "inability", "struggle": "attempt", "start": "change",
           "begin": "change", "keep": "act", "continue": "act", "threaten": "act", "have": "goal", "set": "goal",
           "agree": "goal", "seem": "state", "pretend": "act", "offer": "goal", "dare": "goal"}
# Verbs of finding out: their clause is what was found ("discovers that one book rewrites itself").
DISCOVERY = {"discover", "realise", "realize", "learn", "find", "notice", "suspect", "understand", "sense"}
PERCEPTION = {"hear", "see", "watch", "smell", "feel"}
# Verbs two do together: "a keeper and a storm meet" is the keeper meeting the storm.
RECIPROCAL = {"meet", "marry", "fight", "argue", "compete", "clash", "duel", "spar", "quarrel", "feud", "battle",
              "reunite", "date", "collide", "wrestle", "negotiate", "trade", "swap", "bond", "kiss", "dance", "race",
              "bicker", "collaborate", "team", "talk", "play", "part", "split", "reconcile", "flirt", "compete"}
# The preposition the other party takes where the verb takes none ("they talk": she talks to him).
RECIPROCAL_PREP = {"argue": "with", "compete": "with", "clash": "with", "spar": "with", "quarrel": "with",
                   "feud": "with", "reunite": "with", "collide": "with", "negotiate": "with", "trade": "with",
                   "swap": "with", "bond": "with", "dance": "with", "bicker": "with", "collaborate": "with",
                   "team": "with", "talk": "to", "play": "with", "part": "with", "split": "with", "reconcile": "with",
                   "flirt": "with"}
FACULTIES = {"hearing", "voice", "sight", "eyesight", "vision", "memory", "sense", "speech", "smell", "taste", "touch",
             "sanity", "nerve", "courage", "appetite", "shadow", "reflection", "name", "sight", "balance", "way"}
MODALS = {"must": "goal", "should": "goal", "shall": "goal"}
# English verbs whose object comes with a preposition, where the premise's language takes it directly
OBJECT_PREP = {"wait": "for", "look": "at", "listen": "to", "search": "for", "long": "for", "hope": "for",
               "care": "for", "dream": "of", "belong": "to", "return": "to", "go": "to", "come": "to", "travel": "to",
               "arrive": "at", "worry": "about", "laugh": "at", "pray": "for", "apologize": "to", "reply": "to"}
PREDICATE_DEPS = ("ROOT", "conj", "relcl", "ccomp", "xcomp", "advcl", "acl")
PRONOUNS = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female", "it": "thing", "its": "thing",
            "they": "plural", "them": "plural", "their": "plural", "itself": "thing", "herself": "female",
            "himself": "male", "themselves": "plural"}
RELATIVE = {"who", "that", "which", "whom"}
# Prepositions that say where, when or how an action happens, not what its object is ("recipes over a video call").
ADVERBIAL_PREPS = {"over", "during", "from", "at", "in", "on", "across", "through", "before", "after", "inside",
                   "outside", "under", "near", "by", "into", "onto", "toward", "towards", "behind", "beneath"}

# What the premise's words say about the world of the film, one condition each (reading.CONDITIONS).
CONDITION_WORDS = {
    "storm": "storm stormy thunder thunderstorm lightning tempest gale hurricane typhoon cyclone tornado squall",
    "rain": "rain rainy raining rainstorm downpour drizzle monsoon",
    "snow": "snow snowy snowed snowbound snowstorm blizzard snowfall avalanche",
    "cold": "winter wintry frozen freeze freezing frost frosty ice icy arctic cold",
    "fog": "fog foggy mist misty haze fogbound",
    "wind": "wind windy gust",
    "heat": "heatwave heat scorching sweltering",
    "drought": "drought drought-stricken parched arid",
    "night": "night midnight night-shift nocturnal nightly",
    "blackout": "blackout outage darkness",
    "eclipse": "eclipse",
    "underwater": "underwater undersea submarine seabed seafloor deep-sea",
    "space": "space orbit satellite astronaut spaceship spacecraft mars spacewalk",
    "flood": "flood flooded flooding",
    "fire": "fire burning blaze wildfire inferno",
    "smoke": "smoke smoky",
    "dust": "dust dusty sandstorm desert",
}
_CONDITION_OF = {w: c for c, words in CONDITION_WORDS.items() for w in words.split()}
# Words that set a condition only together.
CONDITION_PHRASES = {("bottom", "sea"): "underwater", ("bottom", "ocean"): "underwater", ("under", "sea"): "underwater",
                     ("power", "cut"): "blackout", ("lights", "out"): "blackout", ("outer", "space"): "space"}


def conditions(doc) -> tuple[str, ...]:
    """The premise's conditions, in the order the premise sets them."""
    found: list[str] = []
    words = [t.lower_ for t in doc]
    for k, tok in enumerate(doc):
        joined = "".join(words[k:k + 3]) if k + 2 < len(words) and words[k + 1] == "-" else ""
        for form in (tok.lower_, tok.lemma_.lower(), joined):
            cond = _CONDITION_OF.get(form)
            if cond and cond not in found:
                found.append(cond)
        if tok.lower_.startswith("night") and "night" not in found:
            found.append("night")
    have = set(words) | {t.lemma_.lower() for t in doc}
    for pair, cond in CONDITION_PHRASES.items():
        if set(pair) <= have and cond not in found:
            found.append(cond)
    return tuple(found)


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    from auteur.tools.language.english import english

    return frozenset(english().get_pipe("lemmatizer").lookups.get_table("lemma_index")["verb"])


def verb_lemma(tok) -> str:
    """The verb's lemma; lemminflect knows the forms spaCy's lookup misses ("redrawing" -> "redraw")."""
    from auteur.tools.language.forms import lemma

    return (lemma(tok.text.lower(), "VERB") or tok.lemma_).lower()


class _Reader:
    def __init__(self, doc, entities: list[Entity], anchors: list[int], aliases: dict[int, int]):
        self.doc = doc
        self.entities = entities
        self.anchors = anchors
        self.by_token = {a: k for k, a in enumerate(anchors)}
        for token, anchor in aliases.items():
            if anchor in self.by_token:
                self.by_token[token] = self.by_token[anchor]
        # the words in front of a head are its phrase ("a young marine biologist" -> the biologist)
        for k, a in enumerate(anchors):
            for t in _left_words(doc[a]):
                self.by_token.setdefault(t.i, k)
        self.main_subject = next((self.entity(c) for t in doc if t.dep_ == "ROOT" for c in t.children
                                  if c.dep_ in ("nsubj", "nsubjpass")), None)
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        self.repaired = self._repaired(root) if root is not None else []

    # -- who a token stands for
    def entity(self, tok) -> int | None:
        if tok is None:
            return None
        if tok.i in self.by_token:
            return self.by_token[tok.i]
        low = tok.lower_
        if low in RELATIVE:
            return self._relative(tok)
        if low in PRONOUNS:
            return self._antecedent(tok)
        return None

    def _relative(self, tok) -> int | None:
        """"the computer that once humiliated him": the noun right before "that", whatever the parser hung it on."""
        for t in reversed(self.doc[:tok.i]):
            if t.is_punct:
                continue
            if t.pos_ in ("NOUN", "PROPN") and self.by_token.get(t.i) is not None:
                return self.by_token[t.i]
            break
        clause = tok.head
        return self.entity(clause.head) if clause.dep_ in ("relcl", "acl") and clause.head.i != clause.i else None

    def _antecedent(self, tok) -> int | None:
        """The entity a pronoun stands for: the sentence's subject when it fits, else the last one before that fits;
        never the noun whose own relative clause the pronoun is in ("the crow it was built to frighten")."""
        want = PRONOUNS[tok.lower_]
        # "the crow it was built to frighten": a clause with a subject of its own is about its noun, so "it" is not
        # that noun; "a parrot that repeats ... its owner": the clause's subject is the noun, and "its" may be it
        own = {self.by_token.get(a.head.i) for a in tok.ancestors if a.dep_ == "relcl"
               and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in RELATIVE for c in a.children)}

        def fits(k: int) -> bool:
            e = self.entities[k]
            if k in own:
                return False
            if want == "plural":
                return e.is_character and e.count > 1
            if want == "thing":
                return e.kind in ("animal", "creature", "machine", "object") and e.count == 1
            return e.kind == "person" and e.count == 1 and e.gender in (None, want)

        if self.main_subject is not None and self.anchors[self.main_subject] < tok.i and fits(self.main_subject):
            return self.main_subject
        before = [k for k, a in enumerate(self.anchors) if a < tok.i and fits(k)]
        if want == "thing":  # a thing that acts is what "it" most likely is: the vacuum, not the television
            acting = [k for k in before if self.entities[k].is_character]
            before = acting or before
        if before:
            return before[-1]
        if want == "plural":  # "a fox and a crow ... they": the first of the pair stands for both
            chars = [k for k, e in enumerate(self.entities) if e.is_character and self.anchors[k] < tok.i]
            return chars[0] if chars else None
        return None

    # -- the predicates
    def predicates(self) -> list:
        doc = self.doc
        preds = [t for t in doc if t.pos_ in ("VERB", "AUX") and t.dep_ in PREDICATE_DEPS
                 and not (t.pos_ == "AUX" and t.dep_ in ("aux", "auxpass"))]
        preds += self.repaired
        # "loses her hearing" (a noun the tagger read as a verb); "stop raining" (the stopping is the event)
        used = {c.i for t in preds if verb_lemma(t) in ("lose", "stop", "quit", "cease") for c in t.children
                if c.dep_ in ("ccomp", "xcomp") and c.tag_ == "VBG"}
        return sorted({t for t in preds if t.i not in used}, key=lambda t: t.i)

    def _repaired(self, root) -> list:
        """Verbs the tagger read as nouns: in a sentence whose root is a noun, or "meet as" after a reduced clause."""
        out = []
        if root.pos_ not in ("VERB", "AUX"):
            out += [t for t in [root, *root.children] if t.pos_ == "NOUN" and t.lemma_.lower() in _verbs()
                    and t.dep_ in ("ROOT", "conj") and t.i > 0 and t.i not in self.by_token]
        out += [t for t in self.doc if t.pos_ == "NOUN" and t.dep_ == "pobj" and t.lemma_.lower() in _verbs()
                and t.i + 1 < len(self.doc) and self.doc[t.i + 1].lower_ == "as" and t.i not in self.by_token]
        return out

    def subject(self, v) -> tuple[object, bool]:
        """The doer of v (a token) and whether v is passive (then the token is what undergoes it)."""
        passive = any(c.dep_ == "auxpass" for c in v.children) or v.tag_ == "VBN" and v.dep_ == "acl"
        for c in v.children:
            if c.dep_ in ("nsubj", "nsubjpass", "expl"):
                return c, c.dep_ == "nsubjpass" or passive
        head = v.head
        if v in self.repaired:  # a repaired verb: the character phrase before it acts
            before = [t for t in self.doc[:v.i] if t.i in self.by_token and self.entities[self.by_token[t.i]].is_character]
            return (before[0] if before else None), False
        if head.i == v.i:
            return None, passive
        if v.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN") and not _infinitive(v):
            return head, passive  # "astronauts repairing a satellite"; "a trapped whale" undergoes the trapping
        if v.dep_ == "acl" and _infinitive(v) and head.pos_ in ("NOUN", "PROPN"):
            if head.dep_ == "ROOT" and self.by_token.get(head.i) is not None:
                return head, passive  # "An old fisherman and ... race a typhoon to free a whale"
            if head.dep_ in ("dobj", "pobj", "npadvmod") and head.head.i != head.i:
                return self.subject(head.head if head.dep_ != "pobj" else head.head.head)  # "escapes the apartment to find"
        if head.lemma_.lower() in PERCEPTION | DISCOVERY and v.dep_ in ("xcomp", "ccomp"):
            obj = next((c for c in head.children if c.dep_ == "dobj"), None)
            return obj, passive  # "discovers her bees are building": the bees; "hears knocking": nobody says who
        if v.dep_ == "xcomp":
            # "teaches his granddaughter to ride": the one taught rides; "tries to hide": the trier hides
            obj = next((c for c in head.children if c.dep_ == "dobj"), None)
            if obj is not None and self.entity(obj) is not None and self.entities[self.entity(obj)].is_character:
                return obj, passive
        if v.dep_ in ("xcomp", "conj", "advcl", "acl", "pcomp", "ccomp") or head.dep_ in ("acomp",):
            subj, _ = self.subject(head if head.pos_ in ("VERB", "AUX", "NOUN") else head.head)
            return subj, passive
        return None, passive

    def event(self, v, sentence_roots: list) -> Event | None:
        lemma = verb_lemma(v) if v.pos_ == "VERB" else v.lemma_.lower()
        kids = list(v.children)
        if lemma in CONTROL and any(c.dep_ == "xcomp" for c in kids):
            return None  # the governed verb carries the event
        if v.pos_ == "AUX":
            if any(c.dep_ == "acomp" and c.lower_ == "about" for c in kids):
                return None  # "is about to be flooded": the flooding is the event
            if not any(c.dep_ in ("acomp", "attr") for c in kids) or any(t.lower_ in ("whose", "what") for t in v.subtree):
                return None
        subj, passive = self.subject(v)
        agent = self.entity(subj) if subj is not None else None
        subject_text = _text(_phrase(subj)) if subj is not None and agent is None and subj.lower_ not in {*PRONOUNS, *RELATIVE} else ""
        patient = None
        obj_tok = next((c for c in kids if c.dep_ in ("dobj", "attr", "acomp", "oprd")), None)
        if obj_tok is None and v in self.repaired:
            obj_tok = next((c for c in kids if c.dep_ in ("npadvmod", "pobj")), None)
        if obj_tok is None and lemma == "lose":  # "loses her hearing": the parser heard a verb in "hearing"
            obj_tok = next((c for c in kids if c.dep_ == "ccomp" and c.tag_ == "VBG"), None)
        if passive:
            patient, agent, subject_text = agent, None, ""
            by = next((c for c in kids if c.dep_ == "agent"), None)
            if by is not None:
                pobj = next((g for g in by.children if g.dep_ == "pobj"), None)
                agent = self.entity(pobj)
        if obj_tok is None and v.dep_ == "relcl" and subj is not None and subj.lower_ not in RELATIVE and not passive:
            obj_tok = v.head
        along = ""  # "an astronaut and her son talk": she talks to her son
        if obj_tok is None and not passive and lemma in RECIPROCAL and subj is not None and agent is not None:
            other = next((c for c in subj.children if c.dep_ == "conj" and self.entity(c) is not None), None)
            if other is not None and lemma in RECIPROCAL_PREP:
                patient, along = self.entity(other), f"{RECIPROCAL_PREP[lemma]} {_text(_phrase(other))}"
            elif other is not None:  # "a boxer and his old rival meet": the boxer meets the rival
                obj_tok = other
        obj, moved = "", []
        if obj_tok is not None:
            if not passive or patient is None:
                patient = self.entity(obj_tok) if obj_tok.lower_ not in ("itself", "herself", "himself") else agent
            obj, moved = _object(obj_tok)
            clause = next((c for c in kids if c.dep_ == "ccomp" and c.i > obj_tok.i), None)
            if lemma in DISCOVERY | PERCEPTION and clause is not None:
                obj = _text([*_phrase(obj_tok), *clause.subtree])
        elif lemma in DISCOVERY | PERCEPTION or any(c.dep_ == "ccomp" for c in kids) or lemma in ("stop", "quit", "cease"):
            clause = next((c for c in kids if c.dep_ in ("ccomp", "xcomp")), None)
            if clause is not None:
                obj = _text(clause.subtree)
        particle = next((c.text.lower() for c in kids if c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ in
                                                                            ("back", "home", "away", "out", "in", "down", "up"))), "")
        skip = {"dobj", "attr", "acomp", "oprd", "ccomp", "xcomp", "relcl", "conj", "cc", "punct", "advcl",
                "nsubj", "nsubjpass", "aux", "auxpass", "neg", "mark", "prt", "agent", "expl", "acl", "advmod"}
        if v in self.repaired:
            skip |= {"npadvmod", "pobj"}
        inner = {t.i for r in self.repaired if r.i != v.i for t in [r, *(r.subtree), *self._after_as(r)]
                 if t.dep_ != "compound" or t.head.i != r.i}
        inner |= {t.i for c in kids for r in c.subtree if r.dep_ == "relcl" for t in r.subtree}  # "the crow it was built to"
        parts = [_text(t for t in c.subtree if t.i not in inner) for c in kids if c.dep_ not in skip and c.i > v.i
                 and c.pos_ != "PUNCT" and not (c.dep_ == "npadvmod" and c.lemma_ in ("week", "day", "year", "night", "time"))]
        if v in self.repaired and not obj and self._after_as(v):
            parts = [_text(self._after_as(v))]
        rest = " ".join([along, *moved, *parts]).strip()
        negated = any(c.dep_ == "neg" for c in kids)
        mode = self._mode(v, lemma, obj_tok, negated)
        part = self._part(v, sentence_roots)
        if v.pos_ == "AUX":
            lemma = "be"
        return Event(verb=lemma, agent=agent, subject=subject_text, patient=patient, obj=obj, rest=rest, mode=mode,
                     part=part, negated=negated and mode != "inability", particle=particle, text=_text(self._clause(v)))

    def _after_as(self, v) -> list:
        """"meet as opposing lawyers in the same courtroom": the words the parser hung elsewhere."""
        nxt = self.doc[v.i + 1] if v.i + 1 < len(self.doc) else None
        return list(nxt.subtree) if nxt is not None and nxt.lower_ == "as" else []

    def _mode(self, v, lemma: str, obj, negated: bool) -> str:
        aux = {c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")}
        head = v.head
        if {"can", "ca", "could"} & aux and negated:
            return "inability"
        if aux & set(MODALS):
            return "goal"
        if v.dep_ == "xcomp" and head.lemma_.lower() in CONTROL:
            mode = CONTROL[head.lemma_.lower()]
            if head.lemma_.lower() == "have" and not any(c.lower_ == "to" for c in v.children):
                return "act"
            # "wants to stop raining": the stopping is wanted; "starts to" under "tries": tried
            return self._mode(head, head.lemma_.lower(), None, False) if mode == "change" and head.dep_ == "xcomp" else mode
        if head.lower_ == "about" and head.dep_ == "acomp":
            return "act"  # "is about to be flooded": it is coming, nobody wants it
        if v.dep_ == "advcl" and _infinitive(v) and any(c.dep_ == "auxpass" for c in head.children):
            return "act"  # "it was built to frighten": someone else's purpose, not its own goal
        if v.dep_ in ("xcomp", "advcl", "acl") and _infinitive(v):
            return "goal"  # "teaches her to cook", "race a typhoon to free a whale", "escapes to find the ocean"
        if lemma in ("lose", "forget") and obj is not None and obj.lemma_.lower() in FACULTIES | {"hear"}:
            return "loss"
        if lemma == "lose":
            return "loss"
        if lemma in DISCOVERY and any(c.dep_ in ("ccomp", "xcomp") for c in v.children):
            return "discovery"
        if lemma in PERCEPTION:
            return "perception"
        if lemma in ("become", "turn") or (lemma == "grow" and obj is None):
            return "change"
        if v.pos_ == "AUX" or lemma in ("be", "seem"):
            return "state"
        if v.tag_ == "VBN" and (v.dep_ == "acl" or any(c.dep_ == "auxpass" for c in v.children)) \
                and lemma in ("trap", "strand", "lose", "separate", "snow", "lock", "shut"):
            return "state"
        return "act"

    def _part(self, v, sentence_roots: list) -> str:
        dep, head = v.dep_, v.head
        if dep == "ROOT":
            if v.sent.start > 0:
                return "twist"  # "...; the seagull has other plans": a clause after the first is the turn
            if v.tag_ in ("VBN", "VBD") and any(r.i > v.i for r in self.repaired):
                return "backstory"  # "twin brothers separated at birth meet as ...": the separation came first
            return "main"
        if v in self.repaired:
            return "main"
        if dep == "conj":
            between = self.doc[head.i:v.i]
            if any(t.lower_ in ("but", "yet") for t in between):
                return "twist"
            return self._part(head, sentence_roots)
        if dep in ("ccomp", "xcomp") and head.lemma_.lower() in DISCOVERY | PERCEPTION:
            return "content"
        if dep == "ccomp" and head.lemma_.lower() != "lose":
            return "content"
        if dep in ("advcl", "ccomp"):
            mark = next((c.lower_ for c in v.children if c.dep_ == "mark"), "")
            if mark in ("before", "until"):
                return "deadline"
            if mark in ("while", "as"):
                return "clock"
            if _infinitive(v):
                return self._part(head, sentence_roots)
            return "detail"
        if dep == "relcl":
            if v.tag_ == "VBD" or any(c.lower_ in ("once", "ago") for c in v.subtree):
                return "backstory"
            return "detail"
        if dep == "xcomp":
            if head.dep_ == "acomp" and head.lower_ == "about":
                return "deadline"  # "a village that is about to be flooded"
            return self._part(head, sentence_roots) if head.i != v.i else "main"
        if dep == "acl":
            if _infinitive(v):
                return "main" if head.dep_ in ("nsubj", "ROOT", "dobj") else "detail"
            if v.tag_ == "VBN" and head.dep_ in ("nsubj", "nsubjpass"):
                return "backstory"
            return "detail"
        return "detail"

    def _clause(self, v) -> list:
        keep = {"conj", "cc", "punct"} if v.dep_ != "ROOT" else {"conj", "cc", "punct", "advcl"}
        toks = [v]
        for c in v.children:
            if c.dep_ not in keep:
                toks.extend(c.subtree)
        subj, _ = self.subject(v)
        if subj is not None and all(t.i != subj.i for t in toks):
            toks.extend(_phrase(subj))
        return sorted(set(toks), key=lambda t: t.i)

    # -- relations: "her grandson", "the pond's only goldfish", "its missing owner"
    def relations(self) -> list[Relation]:
        out: list[Relation] = []
        for tok in self.doc:
            if tok.dep_ != "poss":
                continue
            target = self.by_token.get(tok.head.i)
            owner = self._antecedent(tok) if tok.lower_ in PRONOUNS else self.by_token.get(tok.i)
            if target is None or owner is None or owner == target:
                continue
            out.append(Relation(owner=owner, noun=self.entities[target].head, target=target))
        return out


def _infinitive(v) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children)


def _left_words(tok) -> list:
    """The words in front of a head that belong to its phrase (article, adjectives, compounds, number, owner)."""
    out = []
    for c in tok.lefts:
        if c.dep_ in ("det", "amod", "compound", "nummod", "poss", "case", "punct", "npadvmod"):
            out.append(c)
            out.extend(_left_words(c))
    return out


def _phrase(tok) -> list:
    """A noun's phrase without its clauses ("the man who left her" -> "the man")."""
    if tok is None:
        return []
    cut = {t.i for c in tok.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
    return [t for t in tok.subtree if t.i not in cut]


def _object(tok) -> tuple[str, list[str]]:
    """The object phrase without its clauses, and the phrases that say where or how (moved to the rest)."""
    cut, moved = set(), []
    for c in tok.subtree:
        if c.dep_ in ("relcl", "acl") and c.i not in cut:
            cut |= {t.i for t in c.subtree}
    for c in tok.children:
        if (c.dep_ == "prep" and c.lower_ in ADVERBIAL_PREPS or c.dep_ == "npadvmod") and c.i > tok.i:
            cut |= {t.i for t in c.subtree}
            moved.append(_text(c.subtree))
    return _text(t for t in tok.subtree if t.i not in cut), moved


def _text(toks) -> str:
    toks = sorted(toks, key=lambda t: t.i)
    words = "".join(t.text_with_ws for t in toks if not (t.is_punct and t.text in ".;!?"))
    return words.strip().strip(",").strip()


def read_events(doc, entities: list[Entity], anchors: list[int], aliases: dict[int, int] | None = None
                ) -> tuple[tuple[Event, ...], tuple[Relation, ...]]:
    """The premise's events in its order (the main ones first) and its relations between entities."""
    reader = _Reader(doc, entities, anchors, aliases or {})
    roots = [t for t in doc if t.dep_ == "ROOT"]
    events = [e for e in (reader.event(v, roots) for v in reader.predicates()) if e is not None]
    events.sort(key=lambda e: (e.part != "main",))
    return tuple(events), tuple(dict.fromkeys(reader.relations()))
