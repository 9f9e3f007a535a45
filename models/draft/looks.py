"""Visual identity for the draft artist: what a character looks like, decided once (a place's look is place.py's).

A look is read from an entity's ID token and its descriptive text only (a stable hash plus the
colour and shape words in the text), never from the shot or the seed, so `<char1>` wears the same
coat in every keyframe.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from auteur.core.schema import Character
from auteur.models.draft.palette import (COLOURS, RGB, colour_words, first_index, has_word, jittered, luma, mix,
                                         stable_hash, word_sets, words_of)

# Which part of a character a colour word lands on, by the noun it qualifies.
CHARACTER_SLOTS = {
    "primary": "coat jacket oilskin oilskins raincoat parka cloak cape sweater jumper cardigan shirt blouse dress gown "
               "robe tunic uniform waistcoat vest hoodie overalls apron suit anorak pullover smock kimono jersey "
               "nightgown fur feathers feather scales scale plumage paint body hull cloud storm wave flame fire "
               "cat kitten dog puppy fox wolf bird crow raven owl gull seagull dragon ghost robot bear whale tree "
               "moon star creature bark steel",
    "secondary": "trousers pants jeans skirt breeches leggings belly chest wing wings",
    "hat": "hat cap beanie sou'wester souwester bonnet beret helmet hood",
    "hair": "hair haired locks curls braid braids ponytail bun mane",
    "beard": "beard bearded moustache mustache stubble",
    "eyes": "eyes eyed eye",
    "skin": "skin skinned complexion",
    "accent": "scarf shawl tie ribbon sash lamp lamps",
}
NONHUMAN = {
    "storm": "storm storms thunder thundercloud lightning tempest gale hurricane tornado squall typhoon cyclone rain",
    "cloud": "cloud clouds mist fog",
    "wind": "wind winds breeze gust",
    "sea": "sea ocean wave waves tide",
    "fire": "fire flame flames ember embers blaze inferno bonfire campfire",
    "ghost": "ghost spirit phantom wraith spectre specter apparition",
    "robot": "robot android automaton machine droid cyborg mech",
    "tree": "tree oak willow",
    "orb": "moon star sun comet",
    "feline": "cat kitten tiger lion",
    "canine": "dog puppy hound wolf fox",
    "bear": "bear",
    "bird": "bird gull seagull crow raven owl parrot robin sparrow eagle hawk albatross puffin pigeon dove",
    "dragon": "dragon wyvern",
    "rabbit": "rabbit hare bunny mouse",
    "whale": "whale dolphin",
    "creature": "creature monster beast alien troll golem blob",
}
# The figure families each schema kind may be drawn as (a creature may be any of them).
KIND_FAMILIES = {"animal": {"feline", "canine", "bear", "bird", "rabbit", "whale", "dragon", "creature"},
                 "machine": {"robot"}}
# The icon categories each kind may be drawn from when no family fits (an otter is an animal icon; a machine is
# never a wave or a cloud).
KIND_ICONS = {"animal": ("animals",), "machine": ("devices-hardware", "automotive", "transportation", "science-fiction",
                                                  "maritime", "energy", "household", "logistics", "music-audio", "gaming")}
HUMAN_WORDS = set(
    "man woman men women boy girl child kid keeper person lady gentleman sailor fisherman fisher captain mother "
    "father grandfather grandmother grandma grandpa widow widower daughter son brother sister wife husband teenager "
    "farmer doctor soldier king queen prince princess detective witch wizard knight priest nun monk teacher student "
    "artist painter writer musician stranger friend neighbour neighbor traveller traveler he she his her him baker "
    "nurse pilot girl boy lighthouse-keeper keeper guard hunter miner poet".split())
FEMALE_WORDS = set("woman women girl lady mother grandmother grandma widow daughter sister wife queen princess nun "
                   "witch she her".split())
MALE_WORDS = set("man men boy gentleman father grandfather grandpa widower son brother husband king prince monk "
                 "fisherman he his him".split())
OLD_WORDS = set("old elderly aged ancient grandfather grandmother grandma grandpa retired veteran greying graying".split())
CHILD_WORDS = set("child kid girl boy toddler little daughter son kitten puppy".split())

SKIN_TONES: tuple[RGB, ...] = ((255, 224, 198), (241, 196, 158), (226, 174, 134), (200, 142, 102),
                               (172, 114, 78), (142, 88, 58), (112, 68, 44), (86, 54, 36))
HAIR_NATURAL: tuple[RGB, ...] = ((28, 24, 22), (62, 40, 26), (104, 70, 40), (142, 58, 32), (214, 180, 110), (176, 88, 38))
HAIR_OLD: tuple[RGB, ...] = ((200, 200, 198), (160, 160, 162), (232, 230, 224))
COATS: tuple[RGB, ...] = ((40, 56, 98), (118, 36, 42), (46, 88, 62), (202, 150, 46), (172, 82, 42), (36, 106, 112),
                          (62, 64, 70), (186, 146, 96), (96, 52, 88), (82, 102, 142), (108, 108, 56), (168, 72, 56),
                          (72, 96, 132), (222, 212, 182), (138, 40, 62), (182, 128, 44))
TROUSERS: tuple[RGB, ...] = ((46, 46, 52), (64, 56, 48), (52, 62, 84), (94, 84, 70), (38, 40, 44))
NONHUMAN_BODY: dict[str, tuple[RGB, ...]] = {
    "storm": ((78, 86, 102), (64, 70, 84)), "cloud": ((236, 238, 244), (214, 220, 232)), "wind": ((196, 214, 224),),
    "sea": ((36, 104, 148), (28, 90, 120)), "fire": ((232, 104, 28), (220, 70, 24)), "ghost": ((226, 232, 242),),
    "robot": ((150, 160, 170), (176, 140, 60), (120, 140, 156)), "tree": ((104, 74, 48),), "orb": ((226, 228, 236),),
    "feline": ((128, 128, 134), (196, 100, 40), (36, 34, 36), (232, 228, 220)), "canine": ((122, 82, 48), (204, 160, 82), (40, 36, 34)),
    "bear": ((104, 70, 44),), "bird": ((70, 110, 180), (236, 236, 232), (30, 30, 34), (140, 100, 60)),
    "dragon": ((52, 132, 70), (150, 40, 40), (96, 60, 140)), "rabbit": ((170, 150, 128), (236, 232, 226)),
    "whale": ((96, 110, 124),), "creature": ((120, 150, 90), (150, 110, 170), (90, 130, 160)),
}
SIZES = {"feline": 0.28, "tiger": 0.7, "lion": 0.7, "canine": 0.38, "wolf": 0.48, "fox": 0.32, "hound": 0.42, "bird": 0.2,
         "eagle": 0.32, "owl": 0.26, "rabbit": 0.22, "bear": 1.1, "icon": 0.6, "dragon": 1.3, "ghost": 0.95, "robot": 0.85, "orb": 0.8, "fire": 0.9}
SPECIES_BODY = {"fox": (206, 102, 38), "wolf": (128, 128, 132), "crow": (30, 30, 36), "raven": (26, 26, 32),
                "gull": (236, 236, 232), "seagull": (236, 236, 232), "owl": (150, 108, 62), "robin": (120, 84, 52),
                "tiger": (222, 120, 36), "lion": (208, 160, 80), "moon": (226, 228, 236), "star": (255, 226, 120),
                "sun": (255, 200, 60), "mouse": (140, 140, 140)}


_CHAR_SLOTS, _NONHUMAN = word_sets(CHARACTER_SLOTS), word_sets(NONHUMAN)


@dataclass(frozen=True)
class CharacterLook:
    kind: str  # "human" or a non-human family: storm, cloud, wind, sea, fire, ghost, robot, tree, orb, feline, ...
    species: str  # the noun that chose the family ("fox", "crow"), "" for people
    primary: RGB  # what the figure reads as: a person's coat, an animal's fur, a storm's cloud
    secondary: RGB  # trousers, belly, wing, rain
    skin: RGB
    hair: RGB
    hair_style: str  # short, long, bun, ponytail, curly, bald
    beard: RGB | None
    hat: str  # none, cap, brimmed, hood
    hat_colour: RGB
    accent: RGB  # scarf, lamp eyes, lightning
    scarf: bool
    eyes: RGB
    glasses: bool
    long_coat: bool
    build: float  # width multiplier, ~0.85 slight to ~1.25 broad
    stature: float  # height multiplier, ~0.7 child to ~1.08 tall
    variant: int  # stable number for shape details (cloud billows, tree branches)
    gender: str = "neutral"  # female, male or neutral: from the voice, else the appearance's words
    age: str = "adult"  # child, adult or old
    icon: str = ""  # kind "icon": the Font Awesome icon that depicts a non-human the painters have no family for


def _natural(rgb: RGB) -> RGB:
    """Hair and fur called "red" or "yellow" are auburn and blond, not paint."""
    return {COLOURS["red"]: (170, 74, 36), COLOURS["yellow"]: COLOURS["blond"], COLOURS["orange"]: (204, 100, 40)}.get(rgb, rgb)


# ---------------------------------------------------------------- characters


def _kind(character: Character) -> tuple[str, str]:
    """The figure family and the noun that chose it; people unless the schema's kind or the text says otherwise."""
    described = words_of(f"{character.appearance} {character.wardrobe}")
    if character.kind != "person":  # the planner said what it is: never drawn as a person, whatever else the text says
        if character.kind == "machine":  # a vending machine that talks is that machine, with a face
            thing = _painted_thing(character)
            if thing:
                return "thing", thing
        allowed = KIND_FAMILIES.get(character.kind, set(_NONHUMAN))  # a machine is never drawn as an ocean wave
        for words in (described, words_of(character.role), words_of(character.name)):
            at = [(i, kind, words[i]) for kind, vocabulary in _NONHUMAN.items()
                  if kind in allowed and (i := first_index(words, vocabulary)) is not None]
            if at:
                i, kind, noun = min(at)
                return kind, noun if noun in _NONHUMAN[kind] else noun[:-1]
        from auteur.models.draft.meaning import depict  # only non-humans the painters have no family for need the encoder

        within = KIND_ICONS.get(character.kind, ())
        for text in (character.appearance, character.name):
            found = depict(text, character.role, within=within)
            if found and (found.icon is None or not within or found.icon.category in within):
                return ("thing", found.painted) if found.painted else ("icon", found.icon.name)
        return {"machine": "robot"}.get(character.kind, "creature"), ""
    for words in (described, words_of(character.role), words_of(character.name)):
        human_at = first_index(words, HUMAN_WORDS)
        best: tuple[int, str, str] | None = None
        for kind, vocabulary in _NONHUMAN.items():
            at = first_index(words, vocabulary)
            if at is not None and (best is None or at < best[0]):
                noun = words[at]
                best = (at, kind, noun if noun in vocabulary else noun[:-1])
        if best and (human_at is None or best[0] < human_at):
            return best[1], best[2]
        if human_at is not None:
            return "human", ""
    return "human", ""


def _painted_thing(character: Character) -> str:
    """The painted thing a machine plainly is ("a lonely vending machine"), named nearly word for word, or ""."""
    from auteur.models.draft.meaning import depict

    for text in (character.appearance, character.name):
        found = depict(text, character.role, within=KIND_ICONS["machine"])
        if found and found.painted and found.name_score >= 0.9:
            return found.painted
    return ""


def _near(words: list[str], first: set[str], then: set[str], span: int = 3) -> bool:
    """Whether a word of `first` is followed within `span` words by one of `then` ("long red hair")."""
    return any(w in first and set(words[i + 1:i + 1 + span]) & then for i, w in enumerate(words))


def _gender(character: Character, words: list[str]) -> str:
    if character.voice.gender != "neutral":
        return character.voice.gender
    f, m = first_index(words, FEMALE_WORDS), first_index(words, MALE_WORDS)
    if f is not None and (m is None or f < m):
        return "female"
    return "male" if m is not None else "neutral"


def character_look(character: Character) -> CharacterLook:
    """The character's fixed look: the same in every shot, different from everyone else's."""
    text = f"{character.appearance}. {character.wardrobe}"
    words = words_of(text)
    rng = random.Random(stable_hash("character", character.token, character.name, text))
    kind, species = _kind(character)
    named = colour_words(text, _CHAR_SLOTS)
    human = kind == "human"
    child = human and (has_word(words, CHILD_WORDS) or _young(text)) and not has_word(words, {"woman", "man", "women", "men"})
    old = has_word(words, OLD_WORDS) and not child  # a child is never drawn grey
    gender = _gender(character, words)

    if human:
        base = rng.choice(COATS)
    else:
        base = SPECIES_BODY.get(species) or rng.choice(NONHUMAN_BODY.get(kind, NONHUMAN_BODY["creature"]))
    primary = named.get("primary") or jittered(base, rng)
    if kind in ("feline", "canine", "bear", "rabbit") and "primary" in named:
        primary = _natural(primary)
    secondary = named.get("secondary") or (jittered(rng.choice(TROUSERS), rng, 8) if human else mix(primary, (250, 246, 236), 0.55))

    tone = rng.choice(SKIN_TONES)
    if "skin" in named:  # "pale skin", "dark skin": the nearest tone by lightness
        tone = min(SKIN_TONES, key=lambda t: abs(luma(t) - luma(named["skin"])))
    if "weathered" in words or "ruddy" in words:
        tone = mix(tone, (176, 96, 70), 0.15)

    hair = _natural(named.get("hair") or named.get("beard") or rng.choice(HAIR_OLD if old else HAIR_NATURAL))
    if child and (hair in HAIR_OLD or "hair" not in named and luma(hair) > 110 and max(hair) - min(hair) < 24):
        hair = rng.choice(HAIR_NATURAL)  # grey words elsewhere in the text do not grey a child's hair
    beard: RGB | None = None
    if has_word(words, _CHAR_SLOTS["beard"]) and not child and gender != "female":  # no beard on a girl or a woman
        beard = _natural(named.get("beard") or hair)

    hair_nouns = _CHAR_SLOTS["hair"]
    if has_word(words, {"bald", "shaved", "shaven"}):
        style = "bald"
    elif has_word(words, {"bun"}):
        style = "bun"
    elif has_word(words, {"ponytail", "braid", "braids", "plait"}):
        style = "ponytail"
    elif has_word(words, {"curly", "curls"}):
        style = "curly"
    elif _near(words, {"long"}, hair_nouns):
        style = "long"
    elif _near(words, {"short", "cropped"}, hair_nouns):
        style = "short"
    else:
        options = {"female": ["long", "bun", "ponytail", "short", "curly"], "male": ["short", "short", "curly"] + (["bald"] if old else [])}
        style = rng.choice(options.get(gender, ["short", "long", "curly"]))

    hat = "none"
    if has_word(words, {"hood", "hooded"}):
        hat = "hood"
    elif has_word(words, {"cap", "beanie", "beret", "helmet"}):
        hat = "cap"
    elif has_word(words, {"hat", "sou'wester", "souwester", "bonnet", "fedora"}):
        hat = "brimmed"
    if hat == "none" and "oilskin" in words and rng.random() < 0.5:
        hat = "brimmed"  # an oilskin usually comes with a sou'wester
    hat_colour = named.get("hat") or (primary if "oilskin" in words or hat == "hood" else jittered(rng.choice(TROUSERS), rng))

    build = 1.0 + rng.uniform(-0.06, 0.06)
    if has_word(words, {"broad", "stout", "burly", "heavy", "stocky", "sturdy", "plump", "big", "large"}):
        build = 1.22
    elif has_word(words, {"thin", "slender", "slight", "lanky", "wiry", "skinny", "frail"}):
        build = 0.86
    stature = 1.0 + rng.uniform(-0.04, 0.04)
    if has_word(words, {"tall", "towering", "lanky", "giant", "great", "huge"}):
        stature = 1.08
    elif has_word(words, {"small", "little", "tiny"}) or any(
            w == "short" and not set(words[i + 1:i + 3]) & (hair_nouns | set(COLOURS) | {"curly", "cropped"})
            for i, w in enumerate(words)):
        stature = 0.92
    if child:
        stature = 0.72
    if not human:  # sizes beside a person; a close-up of one creature still fills the frame
        stature = SIZES.get(species, SIZES.get(kind, 1.0)) * (0.8 if has_word(words, {"small", "little", "tiny"}) else 1.0)
    long_coat = has_word(words, {"cloak", "gown", "dress", "robe", "nightgown", "oilskin", "raincoat", "greatcoat", "cape", "skirt"}) or (
        _near(words, {"long"}, {"coat", "jacket", "coats"}) or ("coat" in words and rng.random() < 0.5))
    if human and gender == "female" and not has_word(words, {"trousers", "pants", "jeans", "overalls", "suit"}):
        long_coat = True  # a dress or a long coat: the silhouette that reads as a woman or a girl at storyboard size
        build = min(build, 0.94)
    eyes = named.get("eyes") or ((40, 30, 26) if human else _nonhuman_eyes(kind, rng))
    accent = named.get("accent") or ((255, 236, 150) if kind in ("storm", "robot", "orb", "fire") else jittered(rng.choice(COATS), rng))
    return CharacterLook(
        kind=kind, species=species, primary=primary, secondary=secondary, skin=tone, hair=hair, hair_style=style,
        beard=beard, hat=hat, hat_colour=hat_colour, accent=accent, scarf="accent" in named or has_word(words, {"scarf", "shawl"}),
        eyes=eyes, glasses=has_word(words, {"glasses", "spectacles", "monocle"}),
        long_coat=long_coat,
        build=round(build, 3), stature=round(stature, 3), variant=rng.randrange(1 << 30),
        gender=gender if human else "neutral", age="child" if child else "old" if old else "adult",
        icon=species if kind == "icon" else "",
    )


_AGE = re.compile(r"\b(?:about|aged|age)\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b")
_SMALL_NUMBERS = "one two three four five six seven eight nine ten eleven twelve".split()


def _young(text: str) -> bool:
    """"a girl of about eight", "aged 7": an age under thirteen said in words or digits."""
    found = _AGE.search(text.lower())
    if not found:
        return False
    n = found.group(1)
    return (int(n) if n.isdigit() else _SMALL_NUMBERS.index(n) + 1) < 13


def _nonhuman_eyes(kind: str, rng: random.Random) -> RGB:
    if kind in ("storm", "robot", "fire", "sea", "wind"):
        return (255, 244, 170)
    if kind == "feline":
        return rng.choice([(120, 190, 60), (230, 170, 40)])
    return (24, 22, 22)
