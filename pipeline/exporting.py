"""`auteur export RUN --to FORMAT`: a finished run's cut as an editor's project (tools/editing/export.py)."""

from __future__ import annotations

from pathlib import Path

from auteur.core.errors import InputError
from auteur.pipeline.retake import finished_run
from auteur.tools.editing.export import FORMATS, check_format, export
from auteur.tools.editing.timeline import FilmTimeline


def export_run(path: Path, fmt: str, out: Path | None = None) -> list[Path]:
    """Write the run's cut as `fmt` (default RUN/cut.<suffix>); returns the files written."""
    check_format(fmt)
    run, _, film = finished_run(path)
    if not run.timeline.is_file():
        raise InputError(f"{path} has no timeline.json (it was made before auteur wrote one); make it again to export it")
    with run.lock():
        timeline = FilmTimeline.model_validate_json(run.timeline.read_text("utf-8"))
        for piece in timeline.shots():
            if not run.holds(piece.clip):
                raise InputError(f"{path}: shot {piece.shot_id}'s clip {piece.clip} is missing; "
                                 f"make it again with `auteur retake {path} {piece.shot_id}`")
        target = Path(out) if out is not None else run.root / f"cut{FORMATS[fmt][1]}"
        if target.is_dir():
            raise InputError(f"--out {target} is a directory; name the file to write")
        title = film.treatment.title if film.treatment else "Untitled"
        return export(timeline, run.root, fmt, target, title=title)
