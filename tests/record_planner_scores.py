"""Record the draft planner's scores on the 30 development premises (tests/data/planner_scores.json), which
tests/test_story_planner.py holds each film to until the films reach the judged boundary.

Run from the repository root after a change that raises the scores on purpose: `python tests/record_planner_scores.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from test_story_planner import RECORDED, SHARED, scored  # noqa: E402

from auteur.core.atomic import write_text  # noqa: E402


def main() -> None:
    films = {}
    for case in SHARED:
        evaluation = scored(case["text"])
        films[case["text"]] = {"overall": round(evaluation.overall, 4),
                               "metrics": {m.name: None if m.score is None else round(m.score, 4)
                                           for m in evaluation.metrics}}
        print(f"{evaluation.overall:.3f}  {case['text'][:70]}")
    write_text(RECORDED, json.dumps({"recorded": dt.date.today().isoformat(), "films": films}, indent=2,
                                    ensure_ascii=False) + "\n")
    print(f"recorded: {RECORDED}")


if __name__ == "__main__":
    main()
