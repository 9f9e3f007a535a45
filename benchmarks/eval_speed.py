"""Benchmark `auteur eval` on a planned film against the floor of encoding the same texts directly.

Runs side by side, median of --repeat runs, in one process with the model already loaded:
  structural   every structural metric
  semantic     semantic.evaluate (texts gathered, encoded, scored)
  floor        SentenceTransformer.encode of exactly the texts semantic.evaluate encodes
  premise      premise.evaluate: coverage and specificity (terms, film units, generic corpus cached)
  premise_floor  SentenceTransformer.encode of exactly the texts premise.evaluate encodes
  premise_reading  issue 10's read_premise on the film's prompt, its cache cleared (a new film's first eval)
  lexical      cast sanity, plot-cast agreement and framing (no model)
  whole        evaluate_film without CLIP: everything `auteur eval SCRIPT` does after the model is loaded
  whole_floor  one encode of every text the semantic and premise metrics encode (every floor runs on the one
               torch thread the metrics use; whole_floor_default_threads is the same encode on torch's default)
  report       rendering report.html for the same film

    python benchmarks/eval_speed.py [--repeat 5] [--film tests/data/films/faithful/robot_painter.json] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--film", type=Path, help="a script.json (default: the planner's lighthouse film)")
    args = parser.parse_args()

    from auteur.core.schema import Film
    from auteur.tools.evaluation import premise, semantic, structural
    from auteur.tools.evaluation.cast import cast_sanity
    from auteur.tools.evaluation.framing import framing
    from auteur.tools.evaluation.plot_cast import plot_cast
    from auteur.tools.evaluation.premise_terms import read_terms
    from auteur.tools.language.premise import read_premise
    from auteur.tools.evaluation.score import evaluate_film
    from auteur.tools.evaluation.report import render
    from test_schema import planned_film

    film = Film.from_json(args.film.read_text("utf-8")) if args.film else planned_film()
    start = time.perf_counter()
    model = semantic.load_encoder()
    load_s = time.perf_counter() - start
    beats = film.treatment.beats
    texts = [film.prompt, *(semantic.scene_text(s) for s in film.scenes), *(b.summary for b in beats),
             f"{film.treatment.logline} " + " ".join(b.summary for b in beats)]
    evaluation = evaluate_film(film, visual=False)  # warms the generic-corpus cache, as the first eval of a run does
    terms = read_terms(film.prompt)
    premise_texts = [terms.situation, *(e.phrase for e in terms.entities), *(u.text for u in premise.units(film))]
    def floor(batch):
        """A plain encode of the same texts, on the one thread the metrics use (semantic.one_thread)."""
        with semantic.one_thread():
            return model.encode(batch, normalize_embeddings=True, batch_size=32)

    figures = {
        "model_load_s": round(load_s, 3),
        "structural_s": timed(lambda: structural.evaluate(film), args.repeat),
        "semantic_s": timed(lambda: semantic.evaluate(film, model), args.repeat),
        "floor_encode_s": timed(lambda: floor(texts), args.repeat),
        "premise_s": timed(lambda: premise.evaluate(film, model), args.repeat),
        "premise_floor_encode_s": timed(lambda: floor(premise_texts), args.repeat),
        "premise_reading_s": timed(lambda: (read_premise.cache_clear(), read_terms(film.prompt)), args.repeat),
        "lexical_s": timed(lambda: (cast_sanity(film), plot_cast(film), framing(film)), args.repeat),
        "whole_eval_s": timed(lambda: evaluate_film(film, visual=False), args.repeat),
        "whole_floor_encode_s": timed(lambda: floor(texts + premise_texts), args.repeat),
        # the same plain encode with torch's default thread count, which eval no longer uses
        "whole_floor_default_threads_s": timed(lambda: model.encode(texts + premise_texts, normalize_embeddings=True,
                                                                    batch_size=32), args.repeat),
        "report_s": timed(lambda: render(film, evaluation), args.repeat),
    }
    figures["semantic_over_floor"] = round(figures["semantic_s"] / figures["floor_encode_s"], 3)
    figures["premise_over_floor"] = round(figures["premise_s"] / figures["premise_floor_encode_s"], 3)
    figures["whole_over_floor"] = round(figures["whole_eval_s"] / figures["whole_floor_encode_s"], 3)
    result = {"device": "cpu", "machine": platform.machine(), "python": platform.python_version(),
              "cpus": os.cpu_count(), "load": os.getloadavg()[0], "film": str(args.film or "planned lighthouse film"),
              "texts": len(texts), "premise_texts": len(premise_texts), "shots": len(film.shots()),
              "repeat": args.repeat, **{k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
