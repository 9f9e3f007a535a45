"""CUDA-graph capture of a step whose inputs and outputs live in preallocated buffers.

`Graphed(fn)` calls `fn` eagerly on the CPU (or when disabled). On CUDA the first call warms `fn` up
on a side stream, puts back the state buffers the warm-up advanced (`restore`), captures one graph
and replays it; every later call is one replay, a single launch instead of hundreds of kernels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

_POOL = None


class Graphed:
    def __init__(self, fn: Callable[[], object], enabled: bool, restore: Sequence[torch.Tensor] = ()):
        self.fn, self.enabled, self.restore = fn, enabled, list(restore)
        self.graph: torch.cuda.CUDAGraph | None = None

    def __call__(self) -> None:
        if not self.enabled:
            self.fn()
            return
        if self.graph is None:
            self._capture()
        self.graph.replay()

    def _capture(self) -> None:
        global _POOL
        saved = [t.clone() for t in self.restore]
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            for _ in range(2):
                self.fn()
        torch.cuda.current_stream().wait_stream(stream)
        for t, s in zip(self.restore, saved):
            t.copy_(s)
        if _POOL is None:
            _POOL = torch.cuda.graph_pool_handle()
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph, pool=_POOL):
            self.fn()
