"""The story, written: every scene's plot, lines and shot actions, told from the premise's events.

A story is a chain of moves laid on the beats (the world before and its first crack; the premise's event and the
reaction to it; attempts and friction; what is revealed and who comes closer; the worst moment and the choice;
what changed). Each move is told with a frame of `frames_<lang>.toml` filled from the premise: the frames that
carry the most of it (its events, conditions, faculties, deadlines) first, none twice in a film, each chosen by a
seeded draw so another seed is another take.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from auteur.models.draft.story.cast import Member
from auteur.models.draft.story.english import sentence
from auteur.models.draft.story.situation import Situation
from auteur.models.draft.story.voice_en import EventVoice, Who

MOVES = {"setup": ("world", "omen"), "inciting incident": ("incident", "reaction"), "rising action": ("attempt", "friction"),
         "midpoint": ("reveal", "bond"), "climax": ("crisis", "decision"), "resolution": ("outcome", "coda")}
# Which of the premise's events a move's frames may tell first (their own subsection of the move), in order.
MOVE_KEYS = {"world": ("conditions",), "omen": (), "incident": ("second",), "reaction": (), "attempt": (),
             "friction": ("clock",), "reveal": ("backstory", "twist", "refusal"), "bond": (), "crisis": ("clock", "deadline", "refusal"),
             "decision": (), "outcome": (), "coda": ()}
SLOT = re.compile(r"\{([A-Za-z_]+)(?:\.([a-z_0-9]+))?\}")
EVENT_KEYS = ("main", "content", "goal", "clock", "deadline", "twist", "backstory", "refusal", "obstacle", "second")
# Slots that carry the premise: a frame that uses them tells this story, not any story.
PREMISE_SLOTS = set(EVENT_KEYS) | {"act", "tool", "work", "faculty", "fverb", "fsign", "ftest", "fcope", "thing",
                                   "thing2", "cond", "when", "cant", "home", "other"}
EMOTIONS = {"neutral", "joy", "sadness", "anger", "fear", "surprise", "tender", "wonder"}


@dataclass
class Told:
    """One scene as written: its plot, its lines (speaker token, emotion, text), what its shots show."""

    plot: str
    lines: list[tuple[str, str, str]] = field(default_factory=list)
    opening: str = ""                                   # what the scene's first (establishing) shot shows
    actions: list[str] = field(default_factory=list)    # what the shot of each line shows, one per line


class Writer:
    def __init__(self, situation: Situation, cast: list[Member], world: dict, frames: dict, rng_for, places: list[str],
                 conditions: list[str]):
        self.s = situation
        self.cast = cast
        self.world = world
        self.frames = frames
        self.rng_for = rng_for
        self.places = places
        self.conditions = conditions
        self.used: set[str] = set()
        self.mentioned: set[str] = set()   # events a line has already said whole
        self.said_count: dict[str, int] = {}  # how many lines have said each event
        self.gestured: set[str] = set()  # the gestures shown (writer._gesture), none twice in a film
        self.names = self._names()
        content = self._voice("content") if "content" in situation.events else None
        self.voices = {key: EventVoice(ev, situation.entities, self.names, self._faculty(),
                                       content=content if ev.mode in ("discovery", "perception") and key != "content" else None)
                       for key, ev in situation.events.items()}

    def reset(self) -> None:
        """Forget what was told: a film is told from its first scene, so the same premise and seed tell the same film."""
        self.used.clear()
        self.mentioned.clear()
        self.said_count.clear()
        self.gestured.clear()

    # -- who is who
    def _names(self) -> dict[int, str]:
        """How the film calls each premise entity: a character by name, a group as a group, a thing as a thing."""
        out: dict[int, str] = {}
        for m in self.cast:
            if m.source is None or m.source in out:
                continue
            e = m.entity
            members = [x for x in self.cast if x.source == m.source]
            if e is not None and len(members) > 1:
                from auteur.tools.language.english import COLLECTIVES

                out[m.source] = f"the {e.head}" if e.head in COLLECTIVES else f"the {_plural_role(members[0].character.role)}"
            else:
                out[m.source] = m.short
        return out

    def _voice(self, key: str) -> EventVoice:
        return EventVoice(self.s.events[key], self.s.entities, self.names, self._faculty())

    def _faculty(self) -> dict | None:
        for key in ("obstacle", "main"):
            ev = self.s.events.get(key)
            if ev is not None and ev.mode == "loss":
                for word in reversed(ev.obj.lower().split()):
                    if word in self.world.get("faculties", {}):
                        return {"name": word, **self.world["faculties"][word]}
        return None

    def lead(self) -> Member:
        return self.cast[0]

    # -- telling one scene
    def scene(self, beat: str, pair: tuple[Member, Member | None], n_lines: int, place: str, solo: bool) -> Told:
        a, b = pair
        moves = MOVES[beat]
        plots: list[str] = []
        lines: list[tuple[str, str, str]] = []
        actions: list[str] = []
        opening = ""
        split = [n_lines - n_lines // 2, n_lines // 2]
        heard = b is not None and b.character.offscreen  # a voice on the line: not seen, not beside anyone
        plotted: set[str] = set()  # the events this scene's plot has told
        for k, move in enumerate(moves):
            ctx = Context(self, a, None if solo else b, place)
            plots_ = self._options(move, "plot")
            if heard:
                plots_ = [o for o in plots_ if "{B" not in o] or self.frames.get("offscreen", {}).get("plot", plots_)
            plot = self._pick(plots_, ctx, f"{beat}|{move}|plot", plotted)
            if plot:
                plots.append(sentence(plot))
            if k == 0:  # the establishing shot shows the scene's first move before anyone speaks
                acts = self._options(move, "action")
                if heard:
                    acts = self.frames.get("offscreen", {}).get("action", []) + [o for o in acts if "{B" not in o]
                act = self._pick(acts, ctx.on_screen(), f"{beat}|{move}|opening")
                opening = sentence(act) if act else ""
            for _ in range(split[k]):
                line = self._line(move, ctx, beat)
                if line is not None:
                    speaker, emotion, text = line
                    lines.append((speaker.token, emotion, text))
                    options = self._options(move, "action")
                    if b is not None and b.character.offscreen:  # a voice on the line is heard, not seen beside them
                        options = self.frames.get("offscreen", {}).get("action", []) + [o for o in options if "{B" not in o]
                    act = self._pick(options, ctx.spoken(speaker), f"{beat}|{move}|action") \
                        or self._gesture(speaker, None if heard else (ctx.b if speaker is ctx.a else ctx.a), emotion,
                                         place, beat)
                    actions.append(sentence(act) if act else "")
        if heard and any(tok == b.token for tok, _, _ in lines) and b.short not in " ".join(plots):
            # the voice speaks in this scene: the plot says whose voice it is
            said = self._pick(self.frames.get("offscreen", {}).get("plot", []), Context(self, a, b, place),
                              f"{beat}|offscreen|plot")
            if said:
                plots.append(sentence(said))
        return Told(plot=" ".join(plots), lines=lines, opening=opening, actions=actions)

    def _gesture(self, speaker: Member, listener: Member | None, emotion: str, place: str, beat: str) -> str | None:
        """How the speaker says a line, when the move's own actions are spent: a gesture of the line's feeling."""
        table = self.frames.get("gestures", {})
        feeling = table.get(emotion) or table.get("neutral", {})
        options = feeling.get("any", []) + (feeling.get("person", []) if speaker.character.kind == "person" else [])
        if listener is not None and listener.character.offscreen:
            listener = None
        # kept apart from the frames used, so a gesture changes no other choice of the film (the frames' draws are
        # salted with how many frames were used)
        return self._pick(options, Context(self, speaker, listener, place), f"{beat}|gesture", used=self.gestured)

    def _options(self, move: str, part: str) -> list[str]:
        """The move's frames for this story's shape and events first, then the move's frames for any story."""
        table = self.frames
        own: list[str] = []
        for key in (self.s.arc, *MOVE_KEYS[move]):
            if key == "conditions":
                for cond in self.conditions:
                    own += table.get("conditions", {}).get(cond, {}).get("lines" if part == "lines" else part, [])
                continue
            if key != self.s.arc and key not in self.s.events:
                continue
            own += table.get(move, {}).get(key, {}).get(part, [])
        return own + table.get(move, {}).get("any", {}).get(part, [])

    def _line(self, move: str, ctx: Context, beat: str) -> tuple[Member, str, str] | None:
        options = []
        for entry in self._options(move, "lines"):
            who, emotion, text = entry.split("|", 2)
            speaker, listener = (ctx.a, ctx.b) if who == "A" else (ctx.b, ctx.a)
            if speaker is None or not _can_speak(speaker):
                continue
            if listener is None and ("{B" in text or "{b" in text):
                continue
            options.append((entry, speaker, listener, emotion, text))
        rng = self.rng_for(f"line|{beat}|{move}|{len(self.used)}")
        ranked = self._ranked([o[0] for o in options], ctx, rng)
        # an event said in three lines already is said enough: other frames first, it only when nothing else fits
        ranked.sort(key=lambda entry: max((self.said_count.get(k, 0) for k in _events_in(entry)), default=0) >= MAX_SAID)
        for entry in ranked:
            _, speaker, listener, emotion, text = next(o for o in options if o[0] == entry)
            voiced = ctx.said_by(speaker, listener)
            said = voiced.fill(text)
            if said is None:
                continue
            for key in voiced.keys:
                self.said_count[key] = self.said_count.get(key, 0) + 1
                self.mentioned.add(key)
            if speaker.speech == "echo":
                said = self._echo(ctx)
            else:
                said = self._voiced(said, emotion, listener, rng)
            self.used.add(entry)
            return speaker, emotion if emotion in EMOTIONS else "neutral", _spoken(said)
        return None

    def _voiced(self, text: str, emotion: str, listener: Member | None, rng: random.Random) -> str:
        """How this person says it: now and then an opening word the feeling asks for, or the listener's name."""
        table = self.frames.get("voicing", {})
        roll = rng.random()
        openers = table.get("openers", {}).get(emotion, [])
        if roll < 0.35 and openers and not re.match(r"^[A-Z][a-z]+,", text):
            word = rng.choice(openers)
            return f"{word} {after_opener(text, self.names.values())}"
        if roll < 0.55 and listener is not None and listener.short not in text and listener.speech != "mute":
            end = len(text.rstrip(".!?"))
            return f"{text[:end]}, {listener.short}{text[end:]}"
        return text

    def _echo(self, ctx: Context) -> str:
        frames = self.frames.get("echo", {}).get("lines", ["I'm coming home soon."])
        owner = next((m for m in self.cast if m.entity is not None and m.entity.status), None)
        rng = self.rng_for("echo")
        text = rng.choice(frames)
        return ctx.fill(text.replace("{owner}", owner.short if owner else "Sam")) or text

    def _pick(self, options: list[str], ctx: Context, salt: str, told: set[str] | None = None,
              used: set[str] | None = None) -> str | None:
        """A frame filled in; with `told`, the events a scene's plot has said already, frames that would say one
        again come last ("... Mara loses her hearing ... Mara loses her hearing, and Mara faces it"). `used`: the
        frames none of which is picked twice (the film's frames by default)."""
        used = self.used if used is None else used
        rng = self.rng_for(f"{salt}|{len(used)}")
        ranked = self._ranked(options, ctx, rng, used)
        if told:
            ranked.sort(key=lambda o: bool(_events_in(o) & told))
        for text in ranked:
            filled = ctx.fill(text)
            if filled:
                used.add(text)
                if told is not None:
                    told |= _events_in(text)
                return filled
        return None

    def _ranked(self, options: list[str], ctx: Context, rng: random.Random, used: set[str] | None = None) -> list[str]:
        """Unused frames in a seeded order that favours the ones carrying more of the premise (a weighted draw
        without replacement), so different premises and seeds take different frames, not the same best one."""
        used = self.used if used is None else used
        fresh = [o for o in dict.fromkeys(options) if o not in used]
        keys = {o: rng.random() ** (1.0 / (1.0 + _weight(o))) for o in fresh}
        return sorted(fresh, key=lambda o: -keys[o])


MAX_SAID = 3  # lines that may say the same event of the premise before the writer looks for another angle


def after_opener(text: str, names) -> str:
    """A line as it continues after an opening word ("God, ..."): lower-cased at its start, unless it starts with
    "I" or a name ("God, Elin... the book is rewriting itself!", not "God, elin...")."""
    first = re.match(r"[\w'’-]+", text)
    word = first.group() if first else ""
    if word == "I" or text.startswith("I'") or word in set(names) or word.split("'")[0] in set(names):
        return text
    return text[:1].lower() + text[1:]


def _events_in(entry: str) -> set[str]:
    return {m[1].lower() for m in SLOT.finditer(entry) if m[1].lower() in EVENT_KEYS}


def _weight(text: str) -> int:
    slots = [m[1].lower() for m in SLOT.finditer(text)]
    return sum(2 if s in EVENT_KEYS else 1 for s in slots if s in PREMISE_SLOTS)


def _can_speak(m: Member) -> bool:
    return m.speech in ("speaks", "voice", "echo")


def _spoken(text: str) -> str:
    text = sentence(text)
    return text.replace("?.", "?").replace("!.", "!")


def _plural_role(role: str) -> str:
    from auteur.models.draft.story.english import plural_noun

    return plural_noun(role) if role else "others"


class Context:
    """Fills a frame's slots for one scene, from one point of view (a speaker to a listener) or none (a plot)."""

    def __init__(self, writer: Writer, a: Member, b: Member | None, place: str,
                 speaker: Member | None = None, listener: Member | None = None):
        self.w = writer
        self.a = a
        self.b = b
        self.place = place
        self.speaker = speaker
        self.listener = listener
        self.keys: set[str] = set()  # the events this context's last fill said
        self._watcher: Member | None = None  # who a frame's {event.seen} is seen by: the frame's first person
        self.shown = False  # filling what a shot shows (on_screen), where what the premise took away is absent

    def said_by(self, speaker: Member, listener: Member | None) -> Context:
        return Context(self.w, self.a, self.b, self.place, speaker, listener)

    def spoken(self, speaker: Member) -> Context:
        return self.on_screen()  # actions are told in the third person whoever speaks

    def on_screen(self) -> Context:
        """This context for what a shot shows (an action), not what is said or summed up."""
        out = Context(self.w, self.a, self.b, self.place, self.speaker, self.listener)
        out.shown = True
        return out

    @property
    def who(self) -> Who:
        if self.speaker is None:
            return Who()
        return Who(speaker=self.speaker.source, listener=self.listener.source if self.listener else None)

    def fill(self, text: str) -> str | None:
        out = []
        pos = 0
        first = SLOT.search(text)
        self._watcher = {"A": self.a, "B": self.b}.get(first[1]) if first else None
        for m in SLOT.finditer(text):
            value = self.slot(m[1], m[2])
            if not value:
                return None
            if m[1][:1].isupper() and m[1] not in ("A", "B", "G"):
                value = value[:1].upper() + value[1:]
            out.append(text[pos:m.start()])
            out.append(value)
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    # -- the slots
    def slot(self, key: str, form: str | None) -> str | None:
        low = key.lower()
        if low in ("a", "b"):
            m = self.a if low == "a" else self.b
            return self._person(m, form) if m is not None else None
        if low == "g":
            lead = self.w.lead()
            return self.w.names.get(lead.source) if lead.source is not None else None
        if low == "other":
            rest = [m for m in self.w.cast if m not in (self.a, self.b) and _can_speak(m)]
            return rest[0].short if rest else None
        if low in EVENT_KEYS:
            return self._event(low, form or "plot")
        if low == "cant":
            for key in ("obstacle", "main"):
                if key in self.w.voices:
                    said = self.w.voices[key].form("cant", self.who)
                    if said:
                        return said
            return None
        if low in ("act", "tool", "work"):
            return self._role_world(low, form)
        if low in ("faculty", "fverb", "fsign", "ftest", "fcope"):
            return self._faculty(low)
        if low in ("thing", "thing2"):
            things = self.w.s.things()
            k = 0 if low == "thing" else 1
            if k >= len(things):
                return None
            if self.shown and things[k] in self.w.s.gone():
                return None  # an action shows what is there: not the stolen pumpkin turned over in someone's hands
            e = self.w.s.entities[things[k]]
            if form == "word":
                return (e.english if e.en else e.head).split()[-1]
            return _thing_np(e, self)
        if low == "place":
            return self.place
        if low == "home":
            return self.w.places[0] if self.w.places else None
        if low == "away":
            return self.w.places[1] if len(self.w.places) > 1 else None
        if low == "cond":
            conds = [c for c in self.w.conditions if c in CONDITION_NP]
            if not conds:
                return None
            return conds[0] if form == "word" else CONDITION_NP[conds[0]]
        if low == "when":
            return self._when()
        return None

    def _person(self, m: Member, form: str | None) -> str | None:
        c = m.character
        gender = c.voice.gender if c.kind == "person" else "neutral"
        pron = {"female": ("she", "her", "herself", "has", "was"), "male": ("he", "him", "himself", "has", "was"),
                "neutral": ("it", "it", "itself", "has", "was")}[gender]
        if form is None:
            if self.speaker is not None and m is self.speaker:
                return None  # a speaker does not say their own name
            return m.short
        if form == "role":
            return f"the {c.role}" if c.role else m.short
        poss = {"female": "her", "male": "his", "neutral": "its"}[gender]
        return {"they": pron[0], "obj": pron[1], "self": pron[2], "have": pron[3], "were": pron[4], "poss": poss}.get(form)

    def _event(self, key: str, form: str) -> str | None:
        voice = self.w.voices.get(key)
        if voice is None:
            return None
        ev = self.w.s.events.get(key)
        if form == "seen":  # told as the frame's first person watches it, who is not its agent ("Ramón stares as Ramón finds")
            if ev is not None and self._watcher is not None and ev.agent == self._watcher.source:
                return None
            form = "brief"
        if form in ("short", "to", "doing", "base") and key == "goal" and ev is not None and ev.agent is not None \
                and ev.agent != self.a.source:
            return None  # "... ways to {goal.short}" is the lead's goal; the storm's wish to stop raining is not theirs
        if key in self.w.mentioned and form not in ("plot", "brief", "who", "verb", "cant"):
            voice = voice.light()  # said whole once already: "the game", not "one final game against the computer"
        self.keys.add(key)
        return voice.form(form, self.who)

    def _role_world(self, key: str, form: str | None) -> str | None:
        lead = self.a
        role = (lead.character.role or "").lower().split()
        table = self.w.world.get("roles", {})
        entry = next((table[w] for w in reversed(role) if w in table), None)
        if entry is None:
            return None
        if key == "tool":
            return entry["thing"]
        phrase = entry["act"] if key == "act" else entry["work"]
        verb, _, rest = phrase.partition(" ")
        from auteur.models.draft.story.english import inflect

        if form == "ing":
            return " ".join(x for x in (inflect(verb, "VBG"), rest) if x)
        if form == "3s":
            return " ".join(x for x in (inflect(verb, "VBZ"), rest) if x)
        return phrase

    def _faculty(self, key: str) -> str | None:
        f = self.w._faculty()
        if f is None:
            return None
        if key == "faculty":
            return f["name"]
        if key == "fverb":
            return f["verb"]
        value = f[{"fsign": "sign", "ftest": "test", "fcope": "cope"}[key]]
        lead = self.w.lead()
        own = self.speaker is lead
        poss = "my" if own else ("your" if self.listener is lead else
                                 {"female": "her", "male": "his"}.get(lead.character.voice.gender, "their"))
        return value.replace("{poss}", poss)

    def _when(self) -> str | None:
        s = self.w.s
        ev = s.events.get("deadline")
        if ev is not None and ev.agent is not None:
            return _thing_np(s.entities[ev.agent], self)
        for e in s.entities:
            if e.kind == "event" and e.head not in ("typhoon", "storm", "blackout", "eclipse", "drought"):
                return _thing_np(e, self)
        return None


CONDITION_NP = {"storm": "the storm", "rain": "the rain", "snow": "the snow", "cold": "the cold", "fog": "the fog",
                "wind": "the wind", "heat": "the heat", "drought": "the drought", "blackout": "the blackout",
                "eclipse": "the eclipse", "flood": "the flood", "fire": "the fire", "smoke": "the smoke",
                "dust": "the dust", "underwater": "the deep", "space": "the dark out here"}


def _thing_np(e, ctx: Context) -> str:
    """An object as a line says it: "the map"; "my map" when it is the speaker's (a relation says so)."""
    from auteur.models.draft.story.places import definite

    np = definite(e)
    return np
