"""all-MiniLM-L6-v2 in NumPy: the sentence encoder the eval and the premise reader use, without torch.

The model is small (6 layers, 384 wide, 22 M parameters) and the eval encodes a few dozen short texts, so most
of a cold `auteur eval` went to importing torch, transformers and sentence-transformers, not to encoding. This
runs the same BERT forward pass (embeddings, six post-norm layers of self-attention and GELU feed-forward, mean
pooling over the attention mask, unit length) on the packaged weights (`model.safetensors`) with the packaged
fast tokenizer (`tokenizer.json`, through the `tokenizers` library). It matches sentence-transformers to 1e-5
(tests/test_minilm.py) and is measured against it in benchmarks/eval_speed.py.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np


class MiniLM:
    """A BertModel sentence encoder read from a sentence-transformers directory; `encode` as SentenceTransformer."""

    def __init__(self, root: str | Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        root = Path(root)
        config = json.loads((root / "config.json").read_text("utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ValueError(f"{root}: not a BERT encoder with GELU ({config.get('model_type')})")
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        st = root / "sentence_bert_config.json"
        self.max_length = int(json.loads(st.read_text("utf-8")).get("max_seq_length", 256)) if st.is_file() else 256
        pooling = root / "1_Pooling" / "config.json"
        if pooling.is_file() and not json.loads(pooling.read_text("utf-8")).get("pooling_mode_mean_tokens", True):
            raise ValueError(f"{root}: pooling is not mean pooling")
        self.w = {k: v.astype(np.float32) for k, v in load_file(str(root / "model.safetensors")).items()
                  if not k.endswith("position_ids")}
        # the dense layers' weights transposed once, contiguous, for x @ W.T
        self.wt = {k[:-len(".weight")]: np.ascontiguousarray(v.T) for k, v in self.w.items()
                   if k.endswith(".weight") and v.ndim == 2 and "embeddings" not in k}
        self.tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()
        self.source = str(root)

    # -- the forward pass
    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        # one 2-D GEMM over every token of the batch: a 3-D matmul is a loop of small ones
        flat = x.reshape(-1, x.shape[-1]) @ self.wt[name] + self.w[f"{name}.bias"]
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Token states of a padded batch (batch, length) -> (batch, length, hidden)."""
        w = self.w
        n = ids.shape[1]
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n][None] \
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        x = self._norm(x, "embeddings.LayerNorm")
        b, _, hidden = x.shape
        d = hidden // self.heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        for k in range(self.layers):
            p = f"encoder.layer.{k}"
            q, kk, v = (self._dense(x, f"{p}.attention.self.{t}").reshape(b, n, self.heads, d).transpose(0, 2, 1, 3)
                        for t in ("query", "key", "value"))
            scores = q @ kk.transpose(0, 1, 3, 2) / math.sqrt(d) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(b, n, hidden)
            x = self._norm(self._dense(ctx, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
            h = self._dense(x, f"{p}.intermediate.dense")
            h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))  # BERT's exact GELU
            x = self._norm(self._dense(h, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        return x

    def encode(self, texts: list[str], normalize_embeddings: bool = True, convert_to_numpy: bool = True,
               batch_size: int = 32, **_: object) -> np.ndarray:
        """Mean-pooled sentence vectors, one row per text (batches grouped by length, as sentence-transformers does)."""
        if not texts:
            return np.zeros((0, self.w["embeddings.word_embeddings.weight"].shape[1]), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.zeros((len(texts), self.w["embeddings.word_embeddings.weight"].shape[1]), dtype=np.float32)
        for chunk in _batches([len(encodings[i].ids) for i in order], order, batch_size):
            n = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), n), dtype=np.int64)
            mask = np.zeros((len(chunk), n), dtype=np.float32)
            for row, i in enumerate(chunk):
                e = encodings[i].ids
                ids[row, :len(e)] = e
                mask[row, :len(e)] = 1.0
            states = self._forward(ids, mask)
            pooled = (states * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            out[chunk] = pooled
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


PADDING_KEPT = 0.75  # a batch ends before a text shorter than this share of its longest


def _batches(lengths: list[int], order: list[int], batch_size: int) -> list[list[int]]:
    """The texts (longest first) in batches of at most `batch_size` whose lengths are within PADDING_KEPT of each
    other: a film's scene texts run from 20 to 250 tokens, and one batch of all of them was mostly padding (a
    fixed 32 a batch spent 2.3 ms a real token on a scene-text batch, against 1.3 ms on the lines)."""
    out: list[list[int]] = []
    longest = 0
    for length, i in zip(lengths, order):
        if not out or len(out[-1]) >= batch_size or length < PADDING_KEPT * longest:
            out.append([])
            longest = length
        out[-1].append(i)
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    """erf, vectorised: SciPy's (NumPy has none; a polynomial fit in NumPy cost five times as long)."""
    from scipy.special import erf

    return erf(x)
