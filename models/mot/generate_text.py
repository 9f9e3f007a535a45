"""Text decoding over a preallocated KV cache: greedy or sampled, stop tokens, optional constraint.

A constraint (see constrained.py) hands out the set of tokens allowed next; everything else gets
-inf before the choice, so even a random-weight model can only emit what the grammar accepts.
"""

from __future__ import annotations

from typing import Protocol

import torch

from auteur.models.mot.config import SpecialTokens
from auteur.models.mot.context import Context
from auteur.models.mot.model import MoT


class TokenConstraint(Protocol):
    def allowed(self, vocab_size: int) -> torch.Tensor:
        """bool [vocab_size]: the tokens that keep the output valid."""

    def accept(self, token: int) -> None: ...

    def is_done(self) -> bool: ...


def choose(logits: torch.Tensor, temperature: float = 0.0, top_p: float = 1.0,
           generator: torch.Generator | None = None) -> int:
    """Greedy when temperature is 0, else nucleus sampling."""
    if temperature <= 0:
        return int(torch.argmax(logits))
    probs = torch.softmax(logits.float() / temperature, dim=-1)
    if top_p < 1.0:
        sorted_p, order = probs.sort(descending=True)
        keep = sorted_p.cumsum(0) - sorted_p < top_p
        probs = torch.zeros_like(probs).scatter(0, order[keep], sorted_p[keep])
    return int(torch.multinomial(probs, 1, generator=generator))


@torch.no_grad()
def decode(ctx: Context, logits: torch.Tensor, max_new_tokens: int, stop_ids: tuple[int, ...] = (),
           temperature: float = 0.0, top_p: float = 1.0, generator: torch.Generator | None = None,
           constraint: TokenConstraint | None = None) -> list[int]:
    """Continue `ctx` (whose last logits are `logits`) until a stop token or `max_new_tokens`."""
    out: list[int] = []
    for _ in range(max_new_tokens):
        if constraint is not None:
            if constraint.is_done():
                break
            logits = logits.masked_fill(~constraint.allowed(logits.shape[-1]).to(logits.device), float("-inf"))
        token = choose(logits, temperature, top_p, generator)
        if token in stop_ids:
            break
        out.append(token)
        if constraint is not None:
            constraint.accept(token)
        logits = ctx.add_text([token])
    return out


def generate(model: MoT, special: SpecialTokens, prompt_ids: list[int], max_new_tokens: int, **kwargs) -> list[int]:
    """Prefill `prompt_ids` and decode; keyword arguments as `decode`."""
    ctx = Context(model, special, len(prompt_ids) + max_new_tokens + 1)
    return decode(ctx, ctx.add_text(prompt_ids), max_new_tokens, **kwargs)
