"""Schema-constrained decoding: a JSON schema becomes a grammar, the grammar a token mask per step.

xgrammar compiles the schema against the tokenizer's vocabulary once; at each step its matcher
fills a bitmask of the tokens that keep the output a prefix of some valid document, and the decoder
puts -inf on every other logit. When the document is complete only the stop token is allowed.
"""

from __future__ import annotations

import json
from typing import Any

import torch

from auteur.core.errors import AuteurError


class JsonSchemaConstraint:
    """A `TokenConstraint` (see generate_text.py) accepting exactly the documents valid under `schema`."""

    def __init__(self, compiler: Any, schema: dict[str, Any]):
        import xgrammar as xgr

        self._xgr = xgr
        try:
            grammar = compiler.compile_json_schema(json.dumps(schema), any_whitespace=False, strict_mode=True)
        except Exception as err:  # xgrammar reports unsupported schema features as RuntimeError
            raise AuteurError(f"cannot turn the output schema into a grammar: {str(err).splitlines()[0]}") from None
        self.matcher = xgr.GrammarMatcher(grammar)
        self.vocab_size = grammar.tokenizer_info.vocab_size
        self.bitmask = xgr.allocate_token_bitmask(1, self.vocab_size)

    def allowed(self, vocab_size: int) -> torch.Tensor:
        self.matcher.fill_next_token_bitmask(self.bitmask)
        probe = torch.zeros(1, max(vocab_size, self.vocab_size))
        self._xgr.apply_token_bitmask_inplace(probe, self.bitmask, vocab_size=self.vocab_size)
        ok = torch.isfinite(probe[0, :vocab_size])
        ok[self.vocab_size:] = False
        return ok

    def host_bitmask(self) -> torch.Tensor:
        """A CPU int32 bitmask [1, ceil(vocab / 32)] for `fill`."""
        return torch.zeros_like(self.bitmask)

    def fill(self, bitmask: torch.Tensor) -> None:
        """Write the next step's allowed tokens into a CPU bitmask (bit t % 32 of word t // 32 for token t)."""
        self.matcher.fill_next_token_bitmask(bitmask)

    def accept(self, token: int) -> None:
        if not self.matcher.accept_token(token):
            raise AuteurError(f"constrained decoding: token {token} rejected by the grammar")

    def is_done(self) -> bool:
        return self.matcher.is_terminated()


def grammar_compiler(tokenizer: Any, vocab_size: int, stop_ids: list[int]) -> Any:
    """An xgrammar compiler for `tokenizer` (padded to the model's vocabulary size)."""
    import xgrammar as xgr

    info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size, stop_token_ids=stop_ids)
    return xgr.GrammarCompiler(info, max_threads=1)
