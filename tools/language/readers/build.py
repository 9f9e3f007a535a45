"""Tokens to a premise reading, the same way for every language: noun phrases become entities (typed by meaning
from their English, counted, gendered), verbs become events (agent and patient by case or word order, mode from
the goal/inability cues and the verb's meaning, part from the clause they stand in), kinship nouns become
relations, and the English of every word gives the conditions and the premise's English gloss.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field, replace

from auteur.tools.language.english import COLLECTIVES, PLURAL_DEFAULT
from auteur.tools.language.events import OBJECT_PREP, RECIPROCAL, RECIPROCAL_PREP
from auteur.tools.language.gloss import condition, cues, kinds, mode, nouns
from auteur.tools.language.meaning import embed_all, gender_age, typers, vector
from auteur.tools.language.reading import CHARACTER_KINDS, Entity, Event, PremiseReading, Relation
from auteur.tools.language.readers.tokens import Token

NOMINAL = ("NOUN", "PROPN")
PHRASE_POS = ("DET", "NUM", "ADJ", "NOUN", "PROPN")
# The English of nouns that name someone by their tie to another: with "her"/"sa"/"seine" (or, for family, alone)
# they make a relation to the one they belong to.
FAMILY = {"mother", "father", "parent", "son", "daughter", "brother", "sister", "grandmother", "grandfather",
          "grandson", "granddaughter", "grandchild", "husband", "wife", "uncle", "aunt", "cousin", "twin"}
TIES = FAMILY | {"friend", "neighbour", "child", "owner", "teacher", "student", "boss"}
# English verbs that carry another verb's will rather than an event of their own ("veut partir": want to leave).
MODALS = {"want": "goal", "must": "goal", "try": "goal", "need": "goal", "be able": "able"}
PARTICLES = {"out", "up", "down", "off", "back", "away", "in", "on"}


@dataclass
class Phrase:
    tokens: list[Token]
    start: int
    end: int                  # exclusive, in the sentence's token list
    head: Token
    entity: int | None = None  # index in the reading's entities, when it became one
    en: str = ""
    case: str = ""


@dataclass
class Layout:
    """How a language orders its words: where a noun phrase's head stands and where the subject and object stand."""

    head_final: bool          # "老茶农", "편의점 알바생": the head noun ends the phrase
    order: str                # "svo" | "sov" | "vso"
    joiner: str = " "         # how a phrase's words are written together ("" for Chinese and Japanese)
    extra: dict = field(default_factory=dict)


def kind_of(texts: tuple[str, ...], allowed: tuple[str, ...] | None = None) -> str:
    """The kind MiniLM gives an English phrase: the head counts twice, the whole phrase once (as english.py)."""
    typer = typers()["kind"]
    total: dict[str, float] = {}
    for k, text in enumerate(texts):
        weight = 2.0 if k == 0 else 1.0
        for label, score in typer.scores(vector(text)).items():
            if allowed is None or label in allowed:
                total[label] = total.get(label, 0.0) + weight * score
    return sorted(total, key=lambda label: (-total[label], label))[0]


def _article(words: str) -> str:
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def phrases(tokens: list[Token], layout: Layout) -> list[Phrase]:
    """Noun phrases: runs of determiners, numbers, adjectives and nouns holding at least one noun. A particle's
    case ends a phrase where particles follow (Japanese, Korean, Hindi); a preposition's starts one elsewhere."""
    out: list[Phrase] = []
    run: list[int] = []

    def close():
        if any(tokens[i].pos in NOMINAL for i in run):
            toks = [tokens[i] for i in run]
            nominal = [t for t in toks if t.pos in NOMINAL]
            head = nominal[-1] if layout.head_final else nominal[0]
            case = (toks[-1].case if layout.head_final else toks[0].case) or head.case
            out.append(Phrase(toks, run[0], run[-1] + 1, head, case=case))
        run.clear()

    for i, tok in enumerate(tokens):
        if tok.pos not in PHRASE_POS:
            if run and layout.head_final and tok.pos == "PART" and tokens[run[-1]].pos == "ADJ" \
                    and tokens[run[-1]].case == "poss":
                continue  # "迷子の|ウサギ", "年迈的|茶农": a describing word's particle keeps it in the phrase
            close()
            continue
        prev = tokens[run[-1]] if run else None
        if prev is not None:
            if layout.head_final and prev.case and not (prev.case == "poss" and prev.pos == "ADJ"):
                close()  # "서울의 | 편의점": the particle closed the phrase before
            elif not layout.head_final and (tok.case or tok.pos == "DET" or tok.owner is not None):
                close()  # "de | Lyon", "son | pain": a preposition or a determiner opens a new phrase
            elif tok.pos == "DET" and tok.owner is not None:
                close()  # "दर्ज़ी | अपनी पोती": a possessive opens the next one's phrase
            elif not layout.head_final and prev.pos == "ADJ" and tok.pos in NOMINAL and \
                    any(t.pos in NOMINAL for t in (tokens[j] for j in run)):
                close()  # "صبي صغير | فوانيس": a noun after the describing words of one is another
            elif prev.pos in NOMINAL and tok.pos in NOMINAL and prev.name != tok.name:
                close()  # "سوق | القاهرة": a name beside a common noun is a phrase of its own
            elif not layout.head_final and prev.pos in NOMINAL and tok.pos in ("NUM", "DET"):
                close()
        run.append(i)
    close()
    return out


def _en(phrase: Phrase, layout: Layout) -> str:
    words = [t for t in phrase.tokens if t.pos in ("ADJ", "NOUN", "PROPN")]
    if not layout.head_final:  # "jeune boulangère", "pescador viejo": describing words before the head in English
        words = [t for t in words if t.pos == "ADJ"] + [t for t in words if t.pos != "ADJ" and t is not phrase.head] \
            + [phrase.head]  # "hermanas gemelas": twin sisters
    out: list[str] = []
    for t in words:
        w = t.en or t.own()
        if t.name:
            w = w[:1].upper() + w[1:]
        if w not in out:
            out.append(w)
    return " ".join(out)


def _count(phrase: Phrase) -> int:
    for t in phrase.tokens:
        if t.count:
            return t.count
    head = phrase.head
    if head.en in ("twin", "twins"):
        return 2
    if head.en in COLLECTIVES:
        return COLLECTIVES[head.en]
    return PLURAL_DEFAULT if any(t.plural for t in phrase.tokens if t.pos in NOMINAL) else 1


def _entity(phrase: Phrase, layout: Layout) -> Entity | None:
    head = phrase.head
    en = _en(phrase, layout)
    head_en = head.en or head.own()
    if head.name:
        name = head_en[:1].upper() + head_en[1:]
        if phrase.case == "loc":
            kind = "place"
        else:
            kind = kind_of((name,), ("person", "place"))
    else:
        name = None
        if not head.en:
            # a word no source knows: MiniLM cannot type its romanised form, the grammar can
            kind = {"loc": "place", "subj": "person"}.get(phrase.case, "object")
        else:
            # the lexicon's table narrows the choice ("Uhrmacher" is someone, never a thing)
            kind = kind_of((_article(head_en), _article(en)), kinds(head_en))
        if kind == "abstract":
            return None  # an idea is not filmed
        if kind in ("object", "machine") and phrase.case == "loc":
            kind = "place"  # "dans la boulangerie", "山上": what the story happens inside is a place
    count = _count(phrase) if kind in CHARACTER_KINDS and not head.name else 1
    gender = age = None
    if kind == "person":
        # the head's own form first ("boulangère"), then what its English says ("sister"), then agreeing words
        g, age = gender_age((_article(head_en), _article(en)) if not head.name else (name,))
        gender = head.gender or g or next((t.gender for t in phrase.tokens if t.gender), None)
    words = [t for t in phrase.tokens if t.pos not in ("DET", "NUM") and t.owner is None]
    core = layout.joiner.join(t.text for t in words) or head.text
    written = layout.joiner.join(t.text for t in phrase.tokens)
    return Entity(phrase=written, head=head.lemma, kind=kind, count=count, name=name,
                  gender=gender, age=age, core=core, en=en)


def _compound_things(phrase: Phrase, layout: Layout, kind: str) -> list[Entity]:
    """"편의점 야간 알바생": the convenience store a part-timer works in is a place of the premise too (as
    english.py keeps the lighthouse of a lighthouse keeper)."""
    if kind not in CHARACTER_KINDS:
        return []
    out = []
    for t in phrase.tokens:
        if t is phrase.head or t.pos != "NOUN" or not t.en:
            continue
        k = kind_of((_article(t.en),))
        if k in ("place", "object"):
            out.append(Entity(phrase=t.text, head=t.lemma, kind=k, core=t.text, en=t.en))
    return out


def _clauses(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Spans of the sentence with what each is to the story: "main", "content" (after "que" of a discovery),
    "deadline" ("avant", "前"), "twist" ("mais", "但是"), "detail" (a relative clause)."""
    spans: list[tuple[int, int, str]] = []
    start, part = 0, "main"
    for i, tok in enumerate(tokens):
        new = {"content": "content", "deadline": "deadline", "twist": "twist", "clause": "detail"}.get(tok.cue)
        if new is None and tok.pos == "PUNCT" and tok.text in ",;，、；—:：":
            new = part if part != "main" else "main"
        if new is not None:
            spans.append((start, i, part))
            start, part = i + 1 if tok.pos in ("PUNCT", "CONJ", "PART", "ADP") else i, new
    spans.append((start, len(tokens), part))
    return [s for s in spans if s[0] < s[1]]


def _events(tokens: list[Token], found: list[Phrase], entities: list[Entity], layout: Layout,
            lang: str) -> list[Event]:
    chars = {p.entity for p in found if p.entity is not None and entities[p.entity].is_character}
    protagonist = next((p.entity for p in found if p.entity in chars), None)
    events: list[Event] = []
    carried: set[str] = set()
    for lo, hi, part in _clauses(tokens):
        inside = [p for p in found if lo <= p.start and p.end <= hi]
        verbs = [i for i in range(lo, hi) if tokens[i].pos == "VERB"]
        will = None
        negated = any(tokens[i].cue == "negation" for i in range(lo, hi))
        clause_cues = {tokens[i].cue for i in range(lo, hi)} | carried
        # "versucht, die Zeit anzuhalten": a will with no verb of its own goes to the next clause's verb
        carried = clause_cues & {"goal", "inability"} if not verbs else set()
        for n, i in enumerate(verbs):
            tok = tokens[i]
            verb = tok.en or tok.own()
            if verb in MODALS and len(verbs) > 1:
                if n + 1 < len(verbs):
                    will = MODALS[verb]  # "veut partir": the will goes to the verb it governs
                continue  # "見つけることができない": the ability belongs to the verb before
            m = "act"
            if will == "goal" or "goal" in clause_cues:
                m = "goal"
            if "inability" in clause_cues or (will == "able" and negated):
                m = "inability"
            own = mode(verb)
            if m == "act" and own:
                m = own
            agent = _agent(i, tokens, inside, found, chars, layout)
            if agent is None and part in ("main", "content", "deadline", "twist"):
                agent = protagonist
            agent = None if agent == -1 else agent
            patient_phrase = _patient(i, tok, inside, agent, layout)
            partner = next((p for p in inside if p.case == "with" and p.entity in chars and p.entity != agent), None)
            if verb in RECIPROCAL and partner is not None:
                patient_phrase = partner  # "rivalise avec un robot pour le meilleur croissant": the robot is the rival
            if patient_phrase is None and (verb in RECIPROCAL or verb in ("become", "befriend", "fall in love")):
                # "고양이와 친구가 된다", "se dispute avec": the one it is done with
                patient_phrase = partner
            patient = patient_phrase.entity if patient_phrase is not None else None
            obj = _determined(patient_phrase, tokens, entities, agent, lang) if patient_phrase is not None else ""
            holding = next((p for p in inside if patient_phrase is not None and p.case == "with"
                            and p.start > patient_phrase.end and p.entity is not None
                            and all(t.pos in ("ADP", "DET") for t in tokens[patient_phrase.end:p.start])
                            and not entities[p.entity].is_character), None)
            if obj and holding is not None:  # "una botella con un mensaje": a bottle with a message
                obj = f"{obj} with {_determined(holding, tokens, entities, agent, lang)}"
            # where it happens, as English says it ("迷路 ... 在东京的地铁里": gets lost in the Tokyo subway)
            into = "" if verb == "become" else "in "  # "友達になる": becomes a friend, not in one
            on = cues(lang).get("on", ())  # "山上": on the mountain
            places = [p for p in inside if p.case == "loc" and p is not patient_phrase and p.en]
            if layout.head_final:  # "在云雾中的山上", "東京の地下鉄で": the place itself first, then what it is in
                places.reverse()
            rest = " ".join(_when(p) or f"{'on ' if into and p.end < len(tokens) and tokens[p.end].text in on else into}"
                            f"{_determined(p, tokens, entities, agent, lang)}" for p in places)
            rest = re.sub(r"\bin (\S+) in (?!the )", r"in \1 ", rest)
            along = [p for p in inside if p.case == "with" and p is not patient_phrase and p.entity in chars
                     and p.entity != agent and p.en]
            if along:  # "ロボットと一緒に山に登る": climbs the mountain with the robot
                rest = " ".join([rest, "with", " and ".join(p.en for p in along)]).strip()
            for p in (p for p in inside if p.case == "for" and p is not patient_phrase and p.en):
                # "अपनी पोती के लिए": sews a wedding dress for her granddaughter
                if any(t.owner is not None for t in p.tokens) and agent is not None:
                    said = f"{POSSESSIVE.get(entities[agent].gender or '', 'their')} {p.en}"
                else:
                    said = _determined(p, tokens, entities, agent, lang)
                rest = f"{rest} for {said}".strip()
            if patient_phrase is not None and verb in RECIPROCAL_PREP and patient_phrase.entity in chars:
                obj, rest = "", f"{RECIPROCAL_PREP[verb]} {obj} {rest}".strip()  # she competes with the robot
            elif obj and verb in OBJECT_PREP:
                obj, rest = "", f"{OBJECT_PREP[verb]} {obj} {rest}".strip()  # "等待儿子": waits for the son
            if tok.causes:  # "makes the city dream": the infinitive follows the one made to do it
                rest = f"{tok.causes} {rest}".strip()
            if tok.attributive:
                m = own or "state"  # "走失的小狗": what the noun is, not what anyone wills
            this_part = ("backstory" if tok.past else "detail") if tok.attributive else part
            words = verb.split()
            particle = words[1] if len(words) == 2 and words[1] in PARTICLES else ""
            lemma = words[0] if particle else verb
            text = layout.joiner.join(t.text for t in tokens[lo:hi]).strip()
            events.append(Event(verb=lemma, agent=agent, patient=patient, obj=obj, rest=rest, mode=m, part=this_part,
                                negated=negated and m != "inability", particle=particle, text=text))
            will = None
    # the first event of the main clause is the premise's main event; a discovery's clause is its content
    if events and not any(e.part == "main" for e in events):
        events[0] = replace(events[0], part="main")
    return _content_said(events, tokens, found, entities, lang)


def _content_said(events: list[Event], tokens: list[Token], found: list[Phrase], entities: list[Entity],
                  lang: str) -> list[Event]:
    """A discovery says what it found, as the English reader's does ("discovers that her bread makes the whole
    city dream"): the content clause, told in English, is the discovery's object."""
    from auteur.tools.language.forms import inflection

    k = next((n for n, e in enumerate(events) if e.part == "main" and e.mode in ("discovery", "perception")
              and not e.obj), None)
    content = next((e for e in events if e.part == "content" and e.agent is not None), None)
    if k is None or content is None:
        return events
    phrase = next((p for p in found if p.entity == content.agent), None)
    if phrase is None:
        return events
    who = _determined(phrase, tokens, entities, events[k].agent, lang)
    if entities[content.agent].is_character and not phrase.head.name:
        who = f"the {who}"
    verb = " ".join(filter(None, [inflection(content.verb, "VBZ") or content.verb, content.particle]))
    said = " ".join(filter(None, ["that", who, "doesn't" if content.negated else "", content.verb if content.negated
                                  else verb, content.obj, content.rest]))
    events[k] = replace(events[k], obj=said)
    return events


TIME_AT = {"time", "hour", "night", "midnight", "noon", "dawn", "dusk", "sunset", "sunrise", "moment"}
TIME_IN = {"morning", "afternoon", "evening", "winter", "summer", "spring", "autumn", "season", "week", "year"}
EVERY = ("every", "each")


def _when(phrase: Phrase) -> str | None:
    """A phrase of time marked like a place ("매일 밤 같은 시간에", "朝に") as English says when: "every night at the
    same time", "at night", "in the morning"; None for a place."""
    head = (phrase.head.en or "").split()
    if not head or head[-1] not in TIME_AT | TIME_IN:
        return None
    words = phrase.en.split()
    if words[0] in ("during", "in", "at", "on", "by"):  # the gloss says when itself ("夜里": during the night)
        return phrase.en
    prep = "at" if head[-1] in TIME_AT else "in"
    if words[0] in EVERY and len(words) > 2:  # "every night same time": every night, at the same time
        rest = " ".join(words[2:])
        return f"{words[0]} {words[1]} {prep} the {rest}"
    if words[0] in EVERY:
        return phrase.en
    if head[-1] == "night" and len(words) == 1:
        return "at night"
    return f"{prep} the {phrase.en}"


POSSESSIVE = {"male": "his", "female": "her"}


def _determined(phrase: Phrase, tokens: list[Token], entities: list[Entity], agent: int | None, lang: str) -> str:
    """A thing the event is done to, as English says it: with the article or possessive its own language gave it
    ("encuentra una botella" -> "a bottle", "son pain" -> "her bread", "la ville" -> "the city"). A character or a
    name is said by name; a language without articles gets English's (_english_article)."""
    en = phrase.en
    if not en or phrase.head.name or (phrase.entity is not None and entities[phrase.entity].is_character):
        return en
    g = cues(lang)
    start = phrase.start  # the phrase's own words, and the articles right before it ("con un mensaje")
    while start > 0 and tokens[start - 1].pos == "DET":
        start -= 1
    dets = [t.lemma for t in tokens[start:phrase.start] + phrase.tokens if t.pos == "DET"]
    if any(t.owner is not None for t in phrase.tokens):  # the possessive itself, or the noun it marked
        # the possessive's own gender where it has one ("seine"), else the one who acts ("son pain": the baker's)
        owner = next((t.owner for t in phrase.tokens if t.owner), "") or (
            entities[agent].gender if agent is not None and entities[agent].kind == "person" else "")
        return f"{POSSESSIVE.get(owner or '', 'their')} {en}"
    if any(d in g.get("definite", ()) for d in dets):
        return f"the {en}"
    if any(d in g.get("indefinite", ()) for d in dets) and not any(t.plural for t in phrase.tokens):
        return _article(en)
    if "indefinite" in g:  # a language with articles left them out: "du pain", "Brot"
        return en
    return _english_article(phrase, en)


# Things English says without "a" ("sells bread", "drinks tea"): the mass nouns a premise's things tend to be.
MASS = frozenset("bread tea water rice milk honey soup food money music advice news light fog mist snow rain sand "
                 "wine coffee paper work love luck gold silver salt sugar flour oil fire smoke ice dust weather wind "
                 "air mail silk cloth wood meat fish fruit".split())


def _english_article(phrase: Phrase, en: str) -> str:
    """What English puts before a noun whose language has no articles (Chinese, Japanese, Korean, Hindi; Arabic
    marks only "the", on the word itself): the place where it happens is "the market", more than one are plural
    ("sells lanterns"), a mass noun stays bare, any other thing is "a lantern"."""
    from auteur.tools.language.forms import inflection

    if en[:1].isupper() or not any(t.en for t in phrase.tokens):  # a name ("Tokyo"), or a word nobody knows
        return en
    if phrase.case == "loc":
        return f"the {en}"
    words = en.split()
    if any(t.plural for t in phrase.tokens) or _count(phrase) > 1:
        words[-1] = inflection(words[-1], "NNS") or words[-1]
        return " ".join(words)
    if words[-1] in MASS or words[0] in ("the", "a", "an", "some"):
        return en
    return _article(en)


def _agent(i: int, tokens: list[Token], inside: list[Phrase], everything: list[Phrase], chars: set,
           layout: Layout) -> int | None:
    tok = tokens[i]
    if tok.attributive and layout.head_final and i and tokens[i - 1].pos == "PRON":
        return None  # "她丢失的风筝": the kite she lost; she, whoever the story's lead is, lost it
    if tok.attributive and layout.head_final:
        described = next((p for p in inside if p.start > i), None)  # "走失的小狗": the dog got lost
        return described.entity if described is not None and described.entity in chars else None
    if tok.attributive:
        by = next((p for p in inside if p.start > i and p.case == "by" and p.entity in chars), None)
        if by is not None:
            return by.entity  # "un mensaje escrito por su hija": the daughter wrote it
        if not tok.past:  # "فوانيس تضيء الأحلام": lanterns that light up dreams
            described = next((p for p in inside if p.end == i and p.entity is not None), None)
            if described is not None:
                return described.entity
    if tok.causes:  # what makes it happen stands right before the verb, a thing as often as someone
        right_before = next((p for p in inside if p.end == i and p.entity is not None and p.case in ("", "subj")), None)
        if right_before is not None:
            return right_before.entity
    marked = [p for p in inside if p.case == "subj" and p.start < i]
    if marked:
        return marked[-1].entity if marked[-1].entity in chars else -1  # "비가 와서": the rain comes, no one
    if layout.order == "sov":
        topic = [p for p in everything if p.case == "subj" and p.entity in chars and p.start < i]
        if topic:
            return topic[-1].entity  # "おばあさんは ..., 連れて帰る": the topic stays the subject across clauses
    if layout.order == "vso":
        after = [p for p in inside if p.start > i and p.entity in chars and p.case in ("", "subj")]
        if after:
            return after[0].entity
    before = [p for p in inside if p.end <= i and p.entity in chars and p.case in ("", "subj")]
    if before and layout.extra.get("subject_first"):
        return before[0].entity  # "Eine Großmutter muss ... drei Schafe retten": the verb waits at the end
    return before[-1].entity if before else None


def _patient(i: int, tok: Token, inside: list[Phrase], agent: int | None, layout: Layout) -> Phrase | None:
    candidates = [p for p in inside if p.entity != agent or p.entity is None]
    if tok.attributive and layout.head_final:
        described = next((p for p in candidates if p.start > i), None)  # "写的信": the letter was written
        return described if described is not None and described.entity != agent else None
    if tok.attributive and tok.past:
        before = [p for p in candidates if p.end <= i and p.case not in ("loc", "by")]
        return before[-1] if before else None  # "un mensaje escrito": the message was written
    if tok.attributive:  # "فوانيس تضيء الأحلام": what the lanterns light up comes after
        after = [p for p in candidates if p.start > i and p.case in ("", "obj")]
        return after[0] if after else None
    marked = [p for p in candidates if p.case == "obj"]
    if marked:
        return min(marked, key=lambda p: abs(p.start - i))
    if layout.order == "sov":
        before = [p for p in candidates if p.end <= i and p.case in ("",)]
        return before[-1] if before else None
    after = [p for p in candidates if p.start > i and p.case in ("", "obj")]
    if after:
        return after[0]
    # "muss ... drei Schafe retten": a verb at the clause's end has its object before it
    before = [p for p in candidates if p.end <= i and p.case in ("", "obj") and p.entity is not None]
    return before[-1] if before and layout.head_final else None


def _relations(found: list[Phrase], entities: list[Entity]) -> tuple[list[Relation], list[Entity]]:
    people = [p for p in found if p.entity is not None and entities[p.entity].kind == "person"]
    relations = []
    for p in people:
        tie = p.head.en
        owner_word = next((t.owner for t in p.tokens if t.owner is not None), None)
        if tie not in TIES or (owner_word is None and tie not in FAMILY):
            continue
        if owner_word is None:
            # "等待失散多年的儿子": a family noun alone belongs to the premise's first person
            if p is people[0]:
                continue
            relations.append(Relation(owner=people[0].entity, noun=tie, target=p.entity))
            continue
        others = [q for q in people if q.entity != p.entity and q.start < p.start] or \
                 [q for q in people if q.entity != p.entity]
        if owner_word:  # "seine Tochter": the one whose daughter she is is a man
            matching = [q for q in others if entities[q.entity].gender in (owner_word, None)]
            others = matching or others
        if not others:
            continue
        owner = others[-1]
        if entities[owner.entity].gender is None:
            entities[owner.entity] = replace(entities[owner.entity], gender=owner_word)
        relations.append(Relation(owner=owner.entity, noun=tie, target=p.entity))
    return relations, entities


def build(text: str, lang: str, tokens: list[Token], layout: Layout) -> PremiseReading:
    """A premise reading from a language's tokens."""
    found = phrases(tokens, layout)
    for p in found:
        p.en = _en(p, layout)
    embed_all([x for p in found for x in (_article(p.head.en or p.head.own()), _article(p.en), p.en)])
    entities: list[Entity] = []
    extra: list[Entity] = []
    for p in found:
        e = _entity(p, layout)
        if e is None:
            continue
        p.entity = len(entities)
        entities.append(e)
        extra.extend(x for x in _compound_things(p, layout, e.kind) if x.head not in {y.head for y in entities + extra})
    entities.extend(extra)  # after the premise's own phrases, as english.py lists them
    _pronoun_genders(tokens, found, entities)
    relations, entities = _relations(found, entities)
    events = _events(tokens, found, entities, layout, lang)
    # a machine that does nothing in the premise, nor with anyone, is a thing ("她丢失的风筝": a kite, not a
    # character), as english.py reads "a satellite being repaired"
    acting = {e.agent for e in events} | {p.entity for p in found if p.case == "with"}  # a rival or companion acts
    idle = [k for k, e in enumerate(entities) if e.kind == "machine" and not e.name and k not in acting]
    if idle:  # read again with it a thing: "searches for a kite", not "for kite" as if it had a name
        entities = [replace(e, kind="object") if k in idle else e for k, e in enumerate(entities)]
        events = _events(tokens, found, entities, layout, lang)
    conditions = []
    for t in tokens:
        c = condition(t.en) if t.en else None
        if c and c not in conditions:
            conditions.append(c)
    english = " ".join(t.en for t in tokens if t.en)
    main = next((e for e in events if e.mode == "goal"), None) or next(
        (e for e in events if e.part == "main" and e.mode not in ("state",)), events[0] if events else None)
    want = " ".join(x for x in (main.verb, main.particle, main.obj) if x) if main else None
    hard = next((e for e in events if e.mode == "inability" or e.part in ("twist", "deadline")), None)
    obstacle = " ".join(x for x in (hard.verb, hard.particle, hard.obj) if x) if hard else None
    return PremiseReading(text=text, language=lang, entities=tuple(entities), want=want, obstacle=obstacle,
                          situation=", ".join(conditions) or None, story_type="", events=tuple(events),
                          relations=tuple(relations), conditions=tuple(conditions), english=english)


def _pronoun_genders(tokens: list[Token], found: list[Phrase], entities: list[Entity]) -> None:
    """"他/她", "il/elle", "彼/彼女": a gendered pronoun fixes the gender of the last person before it."""
    for i, tok in enumerate(tokens):
        if tok.pos != "PRON" or not tok.gender:
            continue
        before = [p for p in found if p.end <= i and p.entity is not None and entities[p.entity].kind == "person"
                  and entities[p.entity].count == 1]
        if before and entities[before[-1].entity].gender is None:
            entities[before[-1].entity] = replace(entities[before[-1].entity], gender=tok.gender)


def gloss_noun(word: str, lang: str) -> tuple[str, str | None]:
    """English and the form's gender for a noun or describing word, from the lexicon ("" when unknown)."""
    hit = nouns(lang).get(word.lower() if lang in ("fr", "es", "de", "it", "pt") else word)
    return (hit.en, hit.gender) if hit else ("", None)


def grammar_of(lang: str) -> dict:
    return cues(lang)
