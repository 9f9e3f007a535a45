"""What a 60-s film costs on one GPU, built up from per-unit figures: director text, keyframes,
shots, assembly, for the `studio` and `studio-fast` profiles.

Every figure is a measured per-unit number with its source. The defaults are the reference figures
measured on an H200 (shared/GPU.md, 2026-11-30, random bf16 weights at the real sizes); a JSON file
of newer measurements (same keys; `benchmarks/gpu_shot.py --json` output is read too) replaces them
and the table says which figure came from where.

    python benchmarks/film_budget.py                       # the reference figures
    python benchmarks/film_budget.py --figures gpu.json --shot-results shots.json --json budget.json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REFERENCE = "GPU.md reference, H200 2026-11-30"


@dataclass
class Figure:
    value: float
    unit: str
    source: str


def reference_figures() -> dict[str, Figure]:
    return {
        # the director's text: decode speed of the MoT's language expert, and how much it writes
        "decode_tok_per_s": Figure(52.1, "tok/s", REFERENCE + " (MoT 7B decode, today's code)"),
        # the plan as JSON (treatment, screenplay, locations, shot lists): the draft planner's film for the
        # lighthouse premise is 6.2 k characters at 6 shots; scaled to 14 shots, at ~3.5 characters per token
        "film_text_tokens": Figure(4200, "tokens", "estimate: draft plan JSON (6.2 k chars / 6 shots) x 14 shots"),
        # keyframes: one MoT denoise step (3 guidance branches batched) at two sizes, interpolated by tokens
        "mot_step_ms_1024": Figure(549.0, "ms", REFERENCE + " (1024x1024, 4096 latent tokens)"),
        "mot_step_ms_512": Figure(203.0, "ms", REFERENCE + " (512x512, 1024 latent tokens)"),
        # shots: LTX-2 at 768x512x121 (a 5-s shot)
        "ltx2_default_step_s": Figure(1.91, "s/step", REFERENCE + " (3 transformer calls a step)"),
        "ltx2_default_fixed_s": Figure(4.0, "s", "estimate: text encoding, VAE decode, vocoder, mux per shot"),
        "ltx2_distilled_shot_s": Figure(5.0, "s/shot", REFERENCE + " (8 sigmas, no guidance, whole shot)"),
        "assembly_s": Figure(11.1, "s", "CPU machine, draft film of 14 clips (RESULTS.md, issue 2 re-run)"),
    }


@dataclass(frozen=True)
class FilmShape:
    shots: int = 14
    characters: int = 3  # character sheets drawn once
    locations: int = 4  # location plates drawn once
    keyframe_tokens: int = 52 * 30  # 832x480 (the 16:9 film at LTX-2's budget) in 16-pixel latent tokens


PROFILES = {  # what each profile asks for per unit
    "studio": {"keyframe_steps": 50, "ltx2_steps": 40, "schedule": "default"},
    "studio-fast": {"keyframe_steps": 30, "schedule": "distilled"},
}


def keyframe_step_ms(figures: dict[str, Figure], tokens: int) -> float:
    """A MoT denoise step at `tokens` latent tokens, linear between the two measured sizes."""
    low, high = figures["mot_step_ms_512"].value, figures["mot_step_ms_1024"].value
    return low + (high - low) * (tokens - 1024) / (4096 - 1024)


def budget(figures: dict[str, Figure], profile: str, film: FilmShape = FilmShape()) -> dict[str, float]:
    """Seconds per stage of a 60-s film for `profile`."""
    p = PROFILES[profile]
    text = figures["film_text_tokens"].value / figures["decode_tok_per_s"].value
    draws = film.shots + film.characters + film.locations
    keyframes = draws * p["keyframe_steps"] * keyframe_step_ms(figures, film.keyframe_tokens) / 1000
    if p["schedule"] == "distilled":
        per_shot = figures["ltx2_distilled_shot_s"].value
    else:
        per_shot = p["ltx2_steps"] * figures["ltx2_default_step_s"].value + figures["ltx2_default_fixed_s"].value
    shots = film.shots * per_shot
    assembly = figures["assembly_s"].value
    return {"director text": text, "keyframes": keyframes, "shots": shots, "assembly": assembly,
            "total": text + keyframes + shots + assembly}


def load_measured(figures: dict[str, Figure], path: Path | None, shots: Path | None) -> dict[str, Figure]:
    """Replace reference figures with measured ones: a {key: value} JSON, and/or gpu_shot.py's --json."""
    out = dict(figures)
    if path is not None:
        for key, value in json.loads(path.read_text()).items():
            if key not in out:
                sys.exit(f"{path}: unknown figure {key!r}; known: {', '.join(out)}")
            out[key] = Figure(float(value), out[key].unit, f"measured ({path.name})")
    if shots is not None:
        report = json.loads(shots.read_text())
        for row in report["results"]:
            if row["backend"] == "ltx2" and row["size"] == "real" and row["preset"] == "studio-fast":
                out["ltx2_distilled_shot_s"] = Figure(row["per_shot_s"], "s/shot",
                                                      f"measured: gpu_shot.py on {report['machine']}")
    return out


def table(figures: dict[str, Figure]) -> str:
    rows = {name: budget(figures, name) for name in PROFILES}
    lines = ["| stage | " + " | ".join(rows) + " |", "| --- |" + " --- |" * len(rows)]
    for stage in rows["studio"]:
        lines.append(f"| {stage} | " + " | ".join(f"{rows[p][stage]:.0f} s ({rows[p][stage] / 60:.1f} min)"
                                                   for p in rows) + " |")
    lines += ["", "| figure | value | source |", "| --- | --- | --- |"]
    lines += [f"| {k} | {f.value:g} {f.unit} | {f.source} |" for k, f in figures.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, help="JSON of measured figures (keys as in the table)")
    parser.add_argument("--shot-results", type=Path, help="benchmarks/gpu_shot.py --json output at --size real")
    parser.add_argument("--shot-results-beside", metavar="NAME",
                        help="the gpu_shot.py results file NAME in --json's folder, read if it is there")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    shots = args.shot_results
    if shots is None and args.shot_results_beside and args.json is not None:
        beside = args.json.parent / args.shot_results_beside
        shots = beside if beside.is_file() else None
    figures = load_measured(reference_figures(), args.figures, shots)
    print(table(figures))
    result = {name: {k: round(v, 1) for k, v in budget(figures, name).items()} for name in PROFILES}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
