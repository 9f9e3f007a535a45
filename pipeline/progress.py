"""What a person sees while a film is made: a bar per stage, a bar per shot, ETA for the render."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import (BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TaskID, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from auteur.pipeline.console import safe


class AmountColumn(ProgressColumn):
    """Shots as "4/14"; stages and single shots as a percentage."""

    def render(self, task: Task) -> Text:
        if task.fields.get("counted"):
            return Text(f"{task.completed:.0f}/{task.total:.0f}" if task.total else f"{task.completed:.0f}")
        return Text(f"{task.percentage:>3.0f}%")


class ProgressView:
    def __init__(self, console: Console):
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(),
                                 AmountColumn(), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                                 console=console, transient=False)
        self.stages: dict[str, TaskID] = {}
        self.shots: dict[str, TaskID] = {}
        self.render: TaskID | None = None
        self.total_shots = 0
        self.lock = threading.Lock()

    def __enter__(self) -> ProgressView:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def _stage(self, name: str, total: int = 100) -> TaskID:
        if name not in self.stages:
            self.stages[name] = self.progress.add_task(safe(name.replace("_", " ")), total=total)
        return self.stages[name]

    def on_event(self, kind: str, name: str, fraction: float) -> None:
        with self.lock:
            if kind == "stage":
                self.progress.update(self._stage(name), completed=round(100 * fraction))
            elif kind == "plan":
                self.total_shots = int(fraction)
            elif kind == "shot":
                self._shot(name, fraction)
            elif kind == "assemble":
                task = self._stage("assemble")
                self.progress.update(task, completed=round(100 * fraction), description=safe(f"assemble: {name}"[:28]))

    def _shot(self, shot_id: str, fraction: float) -> None:
        if self.shots.get(shot_id) == -1:
            return
        if self.render is None:
            self.render = self.progress.add_task("render shots", total=self.total_shots or None, counted=True)
        if shot_id not in self.shots:
            self.shots[shot_id] = self.progress.add_task(safe(f"  shot {shot_id}"), total=100)
        self.progress.update(self.shots[shot_id], completed=round(100 * fraction))
        if fraction >= 1.0:
            self.progress.remove_task(self.shots[shot_id])
            self.shots[shot_id] = -1  # finished: keep the id so a late event cannot recreate the bar
            self.progress.advance(self.render)

    def finish(self) -> None:
        for task in self.progress.tasks:
            if task.total is not None and task.completed < task.total and task.description.startswith("assemble"):
                self.progress.update(task.id, completed=task.total)
