"""Visual identity for the draft artist: what a character and a place look like, decided once.

A look is read from an entity's ID token and its descriptive text only (a stable hash plus the
colour and shape words in the text), never from the shot or the seed, so `<char1>` wears the same
coat in every keyframe and a plate and its keyframes show the same place.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from auteur.core.schema import Character, Location

RGB = tuple[int, int, int]

COLOURS: dict[str, RGB] = {
    "red": (180, 36, 34), "crimson": (160, 20, 50), "scarlet": (205, 40, 30), "maroon": (110, 22, 32),
    "burgundy": (120, 28, 48), "pink": (230, 140, 170), "rose": (215, 110, 130), "orange": (232, 122, 32),
    "amber": (228, 160, 42), "rust": (172, 76, 36), "ginger": (196, 96, 40), "copper": (184, 104, 52),
    "auburn": (142, 58, 32), "yellow": (238, 200, 40), "mustard": (204, 160, 42), "gold": (214, 172, 52),
    "golden": (214, 172, 52), "blonde": (228, 198, 124), "blond": (228, 198, 124), "cream": (240, 230, 200),
    "beige": (212, 192, 152), "tan": (192, 150, 102), "khaki": (182, 166, 112), "brown": (120, 80, 46),
    "tawny": (170, 120, 60), "chestnut": (122, 62, 36), "olive": (112, 116, 52), "green": (52, 132, 62),
    "emerald": (30, 142, 92), "teal": (32, 122, 122), "turquoise": (62, 182, 182), "blue": (46, 88, 172),
    "navy": (30, 40, 92), "indigo": (62, 52, 132), "purple": (112, 52, 142), "violet": (142, 82, 182),
    "lavender": (182, 162, 212), "white": (236, 236, 230), "ivory": (240, 236, 220), "silver": (192, 196, 202),
    "grey": (128, 128, 132), "gray": (128, 128, 132), "charcoal": (60, 62, 66), "black": (30, 30, 34),
    "steel": (140, 150, 160), "brick": (160, 74, 56), "slate": (92, 100, 112), "moss": (92, 118, 60), "pale": (225, 215, 200), "dark": (58, 46, 40),
}
SHADES = {"dark": 0.6, "deep": 0.7, "light": 1.3, "pale": 1.4, "bright": 1.15, "faded": 1.2}

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
LOCATION_SLOTS = {
    "sky": "sky skies",
    "water": "sea ocean water waves bay lake river harbour harbor",
    "ground": "shore rocks rock sand beach field fields grass meadow floor stone cliffs dunes crater craters snow "
              "moss pebble pebbles lane road",
    "building": "lighthouse house houses cottage cottages barn tower castle walls wall buildings building church "
                "cabin hut shop tiles",
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

SKY = {  # (zenith, horizon) per time of day
    "dawn": ((70, 84, 146), (250, 184, 146)), "day": ((84, 146, 222), (204, 226, 244)),
    "dusk": ((52, 40, 98), (244, 128, 72)), "night": ((8, 12, 34), (36, 48, 90)),
}
GRADE = {"dawn": (1.0, 0.92, 0.9), "day": (1.0, 1.0, 1.0), "dusk": (1.0, 0.82, 0.72), "night": (0.42, 0.48, 0.66)}

LANDMARKS = {
    "lighthouse": "lighthouse beacon",
    "tower": "tower spire church steeple belfry",
    "castle": "castle fortress courtyard ramparts",
    "house": "house houses cottage cottages cabin hut barn farmhouse farm farmyard village shack inn",
    "trees": "tree trees forest wood woods woodland orchard park garden grove jungle pines pine oak oaks",
    "mountains": "mountain mountains peak peaks ridge pass alps",
    "hills": "hill hills hilltop valley downs fields field meadow",
    "rocks": "rocks rock cliff cliffs crag headland boulders quay quays",
    "sea": "sea ocean shore beach coast harbour harbor bay waves surf pier dock port island tide lake",
    "river": "river stream creek canal",
    "boats": "boat boats ship ships sailing harbour harbor",
    "deck": "deck",
    "rails": "railway railroad rails platform tracks train trains",
    "city": "city street streets town buildings skyline alley downtown rooftop rooftops avenue market square shop",
    "road": "road lane path track",
    "fence": "fence gate fields farmyard",
    "dunes": "dune dunes desert",
    "craters": "crater craters",
}
INTERIOR = set("room interior inside indoors kitchen bedroom hall office library study workshop cellar attic "
               "corridor classroom cafe staircase stairs parlour parlor elevator lift apartment basement restaurant "
               "bar studio shop".split())
DARK = set("blackout darkness dark unlit lightless".split())  # and "lights out", "power cut": the place is dim
FURNITURE = {
    "shelves": "library shelves books bookshelf study",
    "table": "kitchen table tables desk office cafe classroom workshop",
    "lamp": "lamp lamps lantern candle candles",
    "stairs": "staircase stairs",
    "beams": "attic beams rafters barn",
    "fireplace": "fireplace hearth stove",
    "lens": "lens lenses brass lantern",
}
WEATHER = {
    "storm": "storm stormy thunder lightning tempest gale hurricane",
    "rain": "rain rainy raining drizzle downpour wet",
    "fog": "fog foggy mist misty haze hazy",
    "snow": "snow snowy snowed snowbound snowdrift snowdrifts snowing snowfall blizzard snowstorm",
}


def _split(table: dict[str, str]) -> dict[str, set[str]]:
    return {key: set(words.split()) for key, words in table.items()}


_CHAR_SLOTS, _LOC_SLOTS = _split(CHARACTER_SLOTS), _split(LOCATION_SLOTS)
_NONHUMAN, _LANDMARKS, _FURNITURE, _WEATHER = _split(NONHUMAN), _split(LANDMARKS), _split(FURNITURE), _split(WEATHER)


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


@dataclass(frozen=True)
class LocationLook:
    time_of_day: str
    sky_top: RGB
    sky_horizon: RGB
    grade: tuple[float, float, float]  # multiplies figure colours so people sit in the light of the place
    horizon: float  # fraction of the height
    interior: bool
    ground_far: RGB
    ground_near: RGB
    water: RGB | None
    building: RGB
    wall: RGB  # interiors: back wall
    floor: RGB
    lit: RGB  # lamp and window light
    landmarks: tuple[str, ...]
    furniture: tuple[str, ...]
    weather: str  # clear, rain, storm, fog, snow
    tree_count: int
    side: int  # -1 left, 1 right: where the tallest landmark stands, so figures keep the centre clear
    variant: int
    set_pieces: tuple[str, ...] = ()  # Font Awesome icons of the premise's things in the place ("truck", "map")
    set_phrases: tuple[str, ...] = ()  # the place's phrase each set piece stands for
    dark: bool = False  # a blackout: lamps off, the light of the place dimmed


# ---------------------------------------------------------------- reading text


def stable_hash(*parts: str) -> int:
    """A 64-bit hash that is the same in every process (Python's hash() is salted per run)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big")


def _words(text: str) -> list[str]:
    text = text.lower().replace("-", " ").replace("\u2019", "'")
    out = []
    for word in re.findall(r"[a-z']+|[,.;:!?()]", text):
        word = word.removesuffix("'s").strip("'")
        if word:
            out.append(word)
    return out


def _has(words: list[str] | set[str], vocabulary: set[str]) -> bool:
    return any(w in vocabulary or (w.endswith("s") and w[:-1] in vocabulary) for w in words)


def _first_index(words: list[str], vocabulary: set[str]) -> int | None:
    for i, w in enumerate(words):
        if w in vocabulary or (w.endswith("s") and w[:-1] in vocabulary):
            return i
    return None


def colour_words(text: str, slots: dict[str, set[str]]) -> dict[str, RGB]:
    """Colours named in the text, by slot: "a red wool coat" gives {"primary": red}; the first mention wins."""
    words = _words(text)
    found: dict[str, RGB] = {}
    for i, word in enumerate(words):
        if word not in COLOURS or (word in SHADES and i + 1 < len(words) and words[i + 1] in COLOURS):
            continue
        rgb = COLOURS[word]
        if i > 0 and words[i - 1] in SHADES and words[i - 1] != word:
            rgb = _scale(rgb, SHADES[words[i - 1]])
        for noun in words[i + 1:i + 4]:  # "red wool sailing coat": up to three words on
            if not noun.isalpha() and noun not in ("sou'wester",):
                break
            slot = next((s for s, nouns in slots.items() if noun in nouns or noun.rstrip("s") in nouns), None)
            if slot:
                found.setdefault(slot, rgb)
                break
    return found


def _natural(rgb: RGB) -> RGB:
    """Hair and fur called "red" or "yellow" are auburn and blond, not paint."""
    return {COLOURS["red"]: (170, 74, 36), COLOURS["yellow"]: COLOURS["blond"], COLOURS["orange"]: (204, 100, 40)}.get(rgb, rgb)


def _scale(rgb: RGB, k: float) -> RGB:
    if k >= 1:  # lighten toward white rather than clipping one channel
        t = min(1.0, k - 1)
        return tuple(int(c + (255 - c) * t) for c in rgb)  # type: ignore[return-value]
    return tuple(int(c * k) for c in rgb)  # type: ignore[return-value]


def _jitter(rgb: RGB, rng: random.Random, amount: int = 12) -> RGB:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in rgb)  # type: ignore[return-value]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend of two colours, t=0 gives a."""
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))  # type: ignore[return-value]


def graded(rgb: RGB, grade: tuple[float, float, float], strength: float = 1.0) -> RGB:
    """A colour under a place's light; strength < 1 keeps faces readable at night."""
    return tuple(max(0, min(255, int(c * (1 + (g - 1) * strength)))) for c, g in zip(rgb, grade))  # type: ignore[return-value]


def _luma(rgb: RGB) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


# ---------------------------------------------------------------- characters


def _kind(character: Character) -> tuple[str, str]:
    """The figure family and the noun that chose it; people unless the schema's kind or the text says otherwise."""
    described = _words(f"{character.appearance} {character.wardrobe}")
    if character.kind != "person":  # the planner said what it is: never drawn as a person, whatever else the text says
        for words in (described, _words(character.role), _words(character.name)):
            at = [(i, kind, words[i]) for kind, vocabulary in _NONHUMAN.items() if (i := _first_index(words, vocabulary)) is not None]
            if at:
                i, kind, noun = min(at)
                return kind, noun if noun in _NONHUMAN[kind] else noun[:-1]
        from auteur.models.draft.icons import match  # only non-humans the painters have no family for need the encoder

        found = match(character.appearance) or match(character.name)
        if found:
            return "icon", found.icon.name
        return {"machine": "robot"}.get(character.kind, "creature"), ""
    for words in (described, _words(character.role), _words(character.name)):
        human_at = _first_index(words, HUMAN_WORDS)
        best: tuple[int, str, str] | None = None
        for kind, vocabulary in _NONHUMAN.items():
            at = _first_index(words, vocabulary)
            if at is not None and (best is None or at < best[0]):
                noun = words[at]
                best = (at, kind, noun if noun in vocabulary else noun[:-1])
        if best and (human_at is None or best[0] < human_at):
            return best[1], best[2]
        if human_at is not None:
            return "human", ""
    return "human", ""


def _near(words: list[str], first: set[str], then: set[str], span: int = 3) -> bool:
    """Whether a word of `first` is followed within `span` words by one of `then` ("long red hair")."""
    return any(w in first and set(words[i + 1:i + 1 + span]) & then for i, w in enumerate(words))


def _gender(character: Character, words: list[str]) -> str:
    if character.voice.gender != "neutral":
        return character.voice.gender
    f, m = _first_index(words, FEMALE_WORDS), _first_index(words, MALE_WORDS)
    if f is not None and (m is None or f < m):
        return "female"
    return "male" if m is not None else "neutral"


def character_look(character: Character) -> CharacterLook:
    """The character's fixed look: the same in every shot, different from everyone else's."""
    text = f"{character.appearance}. {character.wardrobe}"
    words = _words(text)
    rng = random.Random(stable_hash("character", character.token, character.name, text))
    kind, species = _kind(character)
    named = colour_words(text, _CHAR_SLOTS)
    human = kind == "human"
    child = human and (_has(words, CHILD_WORDS) or _young(text)) and not _has(words, {"woman", "man", "women", "men"})
    old = _has(words, OLD_WORDS) and not child  # a child is never drawn grey
    gender = _gender(character, words)

    if human:
        base = rng.choice(COATS)
    else:
        base = SPECIES_BODY.get(species) or rng.choice(NONHUMAN_BODY.get(kind, NONHUMAN_BODY["creature"]))
    primary = named.get("primary") or _jitter(base, rng)
    if kind in ("feline", "canine", "bear", "rabbit") and "primary" in named:
        primary = _natural(primary)
    secondary = named.get("secondary") or (_jitter(rng.choice(TROUSERS), rng, 8) if human else mix(primary, (250, 246, 236), 0.55))

    tone = rng.choice(SKIN_TONES)
    if "skin" in named:  # "pale skin", "dark skin": the nearest tone by lightness
        tone = min(SKIN_TONES, key=lambda t: abs(_luma(t) - _luma(named["skin"])))
    if "weathered" in words or "ruddy" in words:
        tone = mix(tone, (176, 96, 70), 0.15)

    hair = _natural(named.get("hair") or named.get("beard") or rng.choice(HAIR_OLD if old else HAIR_NATURAL))
    if child and (hair in HAIR_OLD or "hair" not in named and _luma(hair) > 110 and max(hair) - min(hair) < 24):
        hair = rng.choice(HAIR_NATURAL)  # grey words elsewhere in the text do not grey a child's hair
    beard: RGB | None = None
    if _has(words, _CHAR_SLOTS["beard"]) and not child and gender != "female":  # no beard on a girl or a woman
        beard = _natural(named.get("beard") or hair)

    hair_nouns = _CHAR_SLOTS["hair"]
    if _has(words, {"bald", "shaved", "shaven"}):
        style = "bald"
    elif _has(words, {"bun"}):
        style = "bun"
    elif _has(words, {"ponytail", "braid", "braids", "plait"}):
        style = "ponytail"
    elif _has(words, {"curly", "curls"}):
        style = "curly"
    elif _near(words, {"long"}, hair_nouns):
        style = "long"
    elif _near(words, {"short", "cropped"}, hair_nouns):
        style = "short"
    else:
        options = {"female": ["long", "bun", "ponytail", "short", "curly"], "male": ["short", "short", "curly"] + (["bald"] if old else [])}
        style = rng.choice(options.get(gender, ["short", "long", "curly"]))

    hat = "none"
    if _has(words, {"hood", "hooded"}):
        hat = "hood"
    elif _has(words, {"cap", "beanie", "beret", "helmet"}):
        hat = "cap"
    elif _has(words, {"hat", "sou'wester", "souwester", "bonnet", "fedora"}):
        hat = "brimmed"
    if hat == "none" and "oilskin" in words and rng.random() < 0.5:
        hat = "brimmed"  # an oilskin usually comes with a sou'wester
    hat_colour = named.get("hat") or (primary if "oilskin" in words or hat == "hood" else _jitter(rng.choice(TROUSERS), rng))

    build = 1.0 + rng.uniform(-0.06, 0.06)
    if _has(words, {"broad", "stout", "burly", "heavy", "stocky", "sturdy", "plump", "big", "large"}):
        build = 1.22
    elif _has(words, {"thin", "slender", "slight", "lanky", "wiry", "skinny", "frail"}):
        build = 0.86
    stature = 1.0 + rng.uniform(-0.04, 0.04)
    if _has(words, {"tall", "towering", "lanky", "giant", "great", "huge"}):
        stature = 1.08
    elif _has(words, {"small", "little", "tiny"}) or any(
            w == "short" and not set(words[i + 1:i + 3]) & (hair_nouns | set(COLOURS) | {"curly", "cropped"})
            for i, w in enumerate(words)):
        stature = 0.92
    if child:
        stature = 0.72
    if not human:  # sizes beside a person; a close-up of one creature still fills the frame
        stature = SIZES.get(species, SIZES.get(kind, 1.0)) * (0.8 if _has(words, {"small", "little", "tiny"}) else 1.0)
    long_coat = _has(words, {"cloak", "gown", "dress", "robe", "nightgown", "oilskin", "raincoat", "greatcoat", "cape", "skirt"}) or (
        _near(words, {"long"}, {"coat", "jacket", "coats"}) or ("coat" in words and rng.random() < 0.5))
    if human and gender == "female" and not _has(words, {"trousers", "pants", "jeans", "overalls", "suit"}):
        long_coat = True  # a dress or a long coat: the silhouette that reads as a woman or a girl at storyboard size
        build = min(build, 0.94)
    eyes = named.get("eyes") or ((40, 30, 26) if human else _nonhuman_eyes(kind, rng))
    accent = named.get("accent") or ((255, 236, 150) if kind in ("storm", "robot", "orb", "fire") else _jitter(rng.choice(COATS), rng))
    return CharacterLook(
        kind=kind, species=species, primary=primary, secondary=secondary, skin=tone, hair=hair, hair_style=style,
        beard=beard, hat=hat, hat_colour=hat_colour, accent=accent, scarf="accent" in named or _has(words, {"scarf", "shawl"}),
        eyes=eyes, glasses=_has(words, {"glasses", "spectacles", "monocle"}),
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


# ---------------------------------------------------------------- locations


def location_look(location: Location) -> LocationLook:
    """The place's fixed look: sky, ground, water, landmarks; the same on the plate and in every keyframe."""
    text = f"{location.name}. {location.look}. {location.light}. {location.ambience}"
    words = _words(text)
    place_words = _words(f"{location.name}. {location.look}")  # light and ambience colour the air, not the layout
    rng = random.Random(stable_hash("location", location.token, location.name, location.look))
    when = location.time_of_day.value
    grade = GRADE[when]
    named = colour_words(f"{location.look}. {location.name}", _LOC_SLOTS)
    light_words = set(_words(location.light))
    if light_words & {"warm", "golden", "amber", "lamplight", "candlelight", "fire"}:
        grade = (grade[0] * 1.04, grade[1] * 0.98, grade[2] * 0.9)
    if light_words & {"cold", "blue", "moonlight", "grey", "gray"}:
        grade = (grade[0] * 0.94, grade[1] * 0.98, grade[2] * 1.05)

    top, bottom = SKY[when]
    if "sky" in named:
        top, bottom = _scale(named["sky"], 0.7), named["sky"]
    weather = next((w for w, vocabulary in _WEATHER.items() if _has(words, vocabulary)), "clear")
    if weather in ("storm", "rain", "fog"):  # overcast: the sky loses its colour toward grey
        grey = (112, 118, 128) if when != "night" else (30, 34, 44)
        top, bottom = mix(top, grey, 0.6), mix(bottom, grey, 0.5)

    landmarks = tuple(name for name, vocabulary in _LANDMARKS.items() if _has(place_words, vocabulary))
    interior = _has(place_words, INTERIOR) and not _has(place_words, {"courtyard", "square", "platform"})
    if "space" in place_words or ("station" in place_words and "corridor" in place_words):
        top, bottom = (4, 6, 16), (14, 18, 36)
    furniture = tuple(name for name, vocabulary in _FURNITURE.items() if _has(place_words, vocabulary))
    if not landmarks and not interior:
        landmarks = ("hills", "trees")  # an unknown place reads as open country

    ground = named.get("ground")
    if ground is None:
        if _has(place_words, {"snow", "ice", "icy", "frozen", "arctic", "winter", "snowy"}):
            ground = (228, 232, 238)
        elif _has(place_words, {"sand", "desert", "dune", "dunes", "beach"}):
            ground = (214, 186, 132)
        elif _has(place_words, {"pebble", "pebbles", "rock", "rocks", "cliff", "cliffs", "stone", "quay", "quays"}):
            ground = (112, 108, 100)
        elif _has(place_words, {"crater", "craters", "moon"}):
            ground = (150, 150, 156)
        elif "city" in landmarks or _has(place_words, {"street", "square", "platform", "courtyard", "road"}):
            ground = (104, 100, 98)
        else:
            ground = rng.choice([(86, 130, 64), (104, 138, 70), (120, 134, 74)])
    ground = _jitter(mix(ground, (96, 96, 100), 0.3) if _luma(ground) < 60 else ground, rng, 8)  # black rock still reads
    water = None
    if ("boats" in landmarks or "deck" in landmarks) and "river" not in landmarks and "sea" not in landmarks:
        landmarks += ("sea",)  # boats float on something
    if "sea" in landmarks or "river" in landmarks:
        water = named.get("water") or _jitter((44, 98, 140) if weather == "clear" else (70, 86, 98), rng, 8)

    trees = 0
    if "trees" in landmarks:
        trees = 14 if _has(place_words, {"forest", "wood", "woods", "woodland", "jungle", "pines"}) else (
            1 if _has(place_words, {"one", "lone", "single", "tree"}) and not _has(place_words, {"trees"}) else 5)
    building = named.get("building") or _jitter(rng.choice([(226, 222, 212), (176, 92, 68), (150, 140, 126), (196, 180, 150)]), rng)
    wall = named.get("building") or _jitter(rng.choice([(198, 176, 140), (150, 120, 96), (176, 186, 176), (204, 196, 180)]), rng)
    floor = named.get("ground") or _jitter(rng.choice([(120, 84, 56), (96, 72, 54), (150, 130, 110)]), rng)
    horizon = 0.5 + rng.uniform(-0.03, 0.04) - (0.06 if "mountains" in landmarks else 0)
    dark = _has(place_words, DARK) or bool(re.search(r"lights?\s+(?:out|off)|power\s+(?:cut|out|failure)", text.lower()))
    if dark:
        grade = tuple(g * 0.55 for g in grade)  # type: ignore[assignment]
    pieces = set_pieces(location)
    return LocationLook(
        time_of_day=when, sky_top=top, sky_horizon=bottom, grade=grade, horizon=round(horizon, 4), interior=interior,
        ground_far=graded(mix(ground, bottom, 0.35), grade), ground_near=graded(_scale(ground, 0.82), grade),
        water=graded(water, grade) if water else None, building=graded(building, grade),
        wall=graded(wall, grade, 0.7), floor=graded(floor, grade, 0.7), lit=(255, 214, 130),
        landmarks=landmarks, furniture=furniture, weather=weather, tree_count=trees,
        side=rng.choice((-1, 1)), variant=rng.randrange(1 << 30),
        set_pieces=tuple(m.icon.name for m in pieces), set_phrases=tuple(m.phrase for m in pieces), dark=dark,
    )


# A place's icons are its things. Weather, sky light, landscape and buildings are painted from the place's words
# (landmarks); holiday decorations would only be noise; people are figures.
_SET_CATEGORIES = tuple(("animals automotive camping childhood construction devices-hardware disaster education energy "
                         "food-beverage fruits-vegetables gaming halloween household logistics maps maritime medical-health "
                         "money moving music-audio religion science science-fiction security shopping sports-fitness time "
                         "transportation travel-hotel writing astronomy").split())
_CONDITIONS = re.compile(r"lights?\s+(?:out|off)|power\s+(?:cut|out|failure)|at night|by day", re.I)  # how, not what


def set_pieces(location: Location, limit: int = 2):
    """The premise's things a place holds, as icon matches: "food trucks in deep snow" holds a truck."""
    from auteur.models.draft.icons import match_all

    phrases = [_CONDITIONS.sub(" ", p) for p in (location.name, location.look)]
    painted = set().union(*_LANDMARKS.values(), *_FURNITURE.values())  # a hill, a tree, stairs: painted already
    found = [m for m in match_all(phrases, within=_SET_CATEGORIES) if not _has(_words(m.matched.split(" ~ ")[0]), painted)]
    return found[:limit]
