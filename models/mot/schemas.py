"""JSON schemas for one DirectorModel request, narrowed so that whatever is decoded also validates.

The pydantic models carry cross-references a grammar cannot see: a speaker must be in the cast,
a scene's location among the locations, a framing box inside the frame. So each request's schema
is narrowed from what the request's context already knows: the cast's tokens become an enum, ids
become constants, list lengths are fixed where the pipeline needs them fixed, numbers become a few
allowed values, and strings are bounded so decoding stays short.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from auteur.core.schema import Film, LocationPlan, Scene, Screenplay, ShotList, Treatment

# Any Unicode text (names like "Zoë", a script in the premise's own language), bounded in length:
# printable ASCII but the quote and backslash (so no JSON escape is ever needed) and the Basic
# Multilingual Plane past Latin-1's controls, less surrogates and the private-use area. The classes
# are positive ranges because xgrammar then emits only whole UTF-8 characters (a negated class let
# it pick stray continuation bytes). The first character is not a space.
TEXT_CHARS = r"!#-\[\]-~\u00a1-\ud7ff\uf900-\ufffd"
WORDS = "[" + TEXT_CHARS + "][ \\u00a0" + TEXT_CHARS + "]{{0,{n}}}"


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every $ref replaced by its definition."""
    defs = schema.get("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(copy.deepcopy(defs[node["$ref"].split("/")[-1]]))
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def bound(node: Any, max_chars: int, max_items: int) -> Any:
    """Bound every free string, list and number of a schema (in place); returns it."""
    if isinstance(node, list):
        for v in node:
            bound(v, max_chars, max_items)
        return node
    if not isinstance(node, dict):
        return node
    for key in ("title", "description", "default"):
        node.pop(key, None)
    if "anyOf" in node and any(o.get("type") == "null" for o in node["anyOf"]):
        node.clear()
        node["type"] = "null"  # optional paths and tokens are filled in by the pipeline
        return node
    kind = node.get("type")
    if kind == "string" and "enum" not in node and "const" not in node:
        node.pop("minLength", None)
        node.pop("maxLength", None)
        if "pattern" not in node:
            node["pattern"] = "^" + WORDS.format(n=max_chars - 1) + "$"
    elif kind == "object" and "properties" in node:
        node["required"] = list(node["properties"])  # an omitted field would fall back to an unchecked default
    elif kind == "array":
        node["maxItems"] = min(node.get("maxItems", max_items), max_items)
    elif kind in ("number", "integer") and "enum" not in node:
        lo = node.pop("minimum", node.pop("exclusiveMinimum", 0))
        hi = node.pop("maximum", node.pop("exclusiveMaximum", lo + 1))
        node.pop("exclusiveMinimum", None)
        node.pop("exclusiveMaximum", None)
        node.pop("type")
        node["enum"] = sorted({round(lo + (hi - lo) * f, 2) for f in (0.25, 0.5, 0.75)})
    for v in node.get("properties", {}).values():  # a property may be *named* title or default
        bound(v, max_chars, max_items)
    for key in ("items", "prefixItems", "anyOf", "allOf", "oneOf"):
        if key in node:
            bound(node[key], max_chars, max_items)
    return node


def fixed_list(item: dict[str, Any], n: int, per_item) -> dict[str, Any]:
    """An array of exactly n items, item i specialised by per_item(i, copy of item)."""
    return {"type": "array", "prefixItems": [per_item(i, copy.deepcopy(item)) for i in range(n)], "items": False,
            "minItems": n, "maxItems": n}


def schema_for(schema: type[BaseModel], context: dict[str, Any], max_chars: int = 24, max_items: int = 3) -> dict[str, Any]:
    """The narrowed JSON schema for `schema` given a WriteRequest's context."""
    base = bound(inline_refs(schema.model_json_schema()), max_chars, max_items)
    film: Film | None = context.get("film")
    props = base["properties"]
    if schema is Treatment:
        props["target_runtime_s"] = {"enum": [float(context.get("target_runtime_s", 60))]}
        props["beats"].update(minItems=1)
        props["left_out"] = {"type": "array", "maxItems": 0}  # only a story's planner knows what it left out
    elif schema is Scene:  # one scene of a story, written from its piece of the text (story_pieces.py)
        planned: Scene = context["scene"]
        cast = list(context.get("cast_tokens") or planned.characters) or ["<char1>"]
        props.update(id={"const": planned.id}, beat={"const": planned.beat.value}, chapter={"const": planned.chapter},
                     heading={"const": planned.heading}, setting={"const": planned.setting},
                     location={"type": "null"}, shots={"type": "array", "maxItems": 0})
        props["characters"] = {"type": "array", "items": {"enum": cast}, "maxItems": len(cast)}
        props["dialogue"]["items"]["properties"]["speaker"] = {"enum": cast}
        props["narration"]["maxItems"] = 2
        props["narration"]["items"]["properties"]["before"] = {"enum": [0, 1, 2]}
    elif schema is Screenplay:
        n_cast = max(1, min(len(context.get("names") or ()) or 2, max_items))
        cast = [f"<char{i + 1}>" for i in range(n_cast)]
        beats = [b.name.value for b in film.treatment.beats] if film and film.treatment else ["setup"]
        char = props["characters"]["items"]
        props["characters"] = fixed_list(char, n_cast, lambda i, c: _set(c, token={"const": cast[i]}))
        scene = props["scenes"]["items"]
        scene["properties"]["characters"] = {"type": "array", "items": {"enum": cast}, "minItems": 1, "maxItems": n_cast}
        scene["properties"]["dialogue"]["items"]["properties"]["speaker"] = {"enum": cast}
        scene["properties"]["shots"] = {"type": "array", "maxItems": 0}
        scene["properties"]["location"] = {"type": "null"}
        scene["properties"]["narration"] = {"type": "array", "maxItems": 0}  # narration is a story's (story_pieces.py)
        scene["properties"]["chapter"] = {"const": ""}
        props["scenes"] = fixed_list(scene, len(beats), lambda i, s: _set(s, id={"const": f"sc{i + 1}"}, beat={"const": beats[i]}))
    elif schema is LocationPlan:
        n_scenes = len(film.scenes) if film else 1
        n_loc = max(1, min(n_scenes, max_items))
        envs = [f"<env{i + 1}>" for i in range(n_loc)]
        loc = props["locations"]["items"]
        props["locations"] = fixed_list(loc, n_loc, lambda i, p: _set(p, token={"const": envs[i]}))
        props["scene_locations"] = fixed_list({"enum": envs}, n_scenes, lambda i, e: e)
    elif schema is ShotList:
        scene = next(s for s in film.scenes if s.id == context["scene_id"]) if film else None
        chars = list(dict.fromkeys(scene.characters)) if scene else []
        n = max(1, min(len(scene.dialogue) + 1 if scene else 1, max_items))
        shot = props["shots"]["items"]
        sp = shot["properties"]
        sp["characters"] = {"const": chars}
        sp["duration"] = {"enum": [2.0, 3.0, 4.0]}
        if chars:
            sp["dialogue"]["items"]["properties"]["speaker"] = {"enum": chars}
            box = sp["framing"]["items"]["properties"]
            box["character"] = {"enum": chars}
            box["x"], box["y"], box["w"], box["h"] = ({"enum": [0.0, 0.25, 0.5]},) * 2 + ({"enum": [0.25, 0.5]},) * 2
        else:
            sp["dialogue"] = {"type": "array", "maxItems": 0}
            sp["framing"] = {"type": "array", "maxItems": 0}
        sp["narration"] = {"type": "array", "maxItems": 0}  # laid over the shots from the scene's own narration
        sid = scene.id if scene else "sh"
        props["shots"] = fixed_list(shot, n, lambda i, s: _set(s, id={"const": f"{sid}-sh{i + 1:02d}"}))
    return base


def _set(node: dict[str, Any], **properties: dict[str, Any]) -> dict[str, Any]:
    node["properties"].update(properties)
    return node
