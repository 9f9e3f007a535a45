"""What every GPU shot renderer shares: its settings, device, memory levels, cache key and frame size."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, ClassVar

from auteur.core.settings import VideoSettings
from auteur.models.gpu.memory import LevelMemo
from auteur.models.gpu.pipelines import default_device
from auteur.models.gpu.settings import build_settings
from auteur.models.gpu.shot import generation_size


class GpuBackend:
    """A base for the GPU ShotRenderers (ltx2, wan, uniavgen).

    A subclass names itself (`name`), its settings dataclass (`settings_type`, with `device`, `width`,
    `height` and `memory` fields) and its `renderer_version` (raise it when the same settings would
    render differently), and calls `_setup(settings)` from each constructor."""

    name: ClassVar[str]
    settings_type: ClassVar[type]
    renderer_version: ClassVar[int]

    def _setup(self, settings: dict[str, Any]) -> None:
        self.config = build_settings(self.settings_type, self.name, settings)
        self.device = default_device() if self.config.device == "auto" else self.config.device
        self.memory = LevelMemo(self.config.memory)

    def settings(self) -> dict[str, Any]:
        """Everything that changes the output; part of every cache key."""
        data = asdict(self.config)
        data["memory"] = self.config.memory.output_settings(self.device)
        return {"renderer_version": self.renderer_version, **data}

    def frame_size(self, video: VideoSettings) -> tuple[int, int]:
        """The generated frame (w, h): the film's aspect ratio at the settings' pixel budget."""
        return generation_size((self.config.width, self.config.height), video)

    def keyframe_size(self, video: VideoSettings) -> tuple[int, int]:
        """The keyframe the storyboard should draw: exactly the frame the model starts from."""
        return self.frame_size(video)
