"""The NumPy sentence encoder gives sentence-transformers' vectors: on the packaged all-MiniLM-L6-v2, and on a tiny
random BERT written here in the real layout (sentence-transformers directory, safetensors, fast tokenizer)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from auteur.tools.evaluation.minilm import MiniLM
from auteur.tools.evaluation.semantic import load_encoder, packaged_model_dir

TEXTS = ["A violinist loses her hearing the week before her debut at the concert hall.", "I can't hear the strings.",
         "a", "Put your palm on the lid, Mara, and feel it.", "Ünïcode, ümlauts and 中文 in one line!",
         "The bees are building a map in the honeycomb, and it points past the dry river to water. " * 8]


@pytest.fixture(scope="module")
def reference():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(packaged_model_dir()), device="cpu")


def test_the_packaged_model_gives_the_vectors_sentence_transformers_gives(reference):
    ours = MiniLM(packaged_model_dir()).encode(TEXTS)
    theirs = reference.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.abs(ours - theirs).max() < 1e-5


def test_a_batch_gives_each_text_the_vector_it_has_alone():
    model = MiniLM(packaged_model_dir())
    together = model.encode(TEXTS, batch_size=4)
    alone = np.stack([model.encode([t])[0] for t in TEXTS])
    assert np.abs(together - alone).max() < 1e-5


def test_texts_are_batched_with_texts_of_about_their_length():
    from auteur.tools.evaluation.minilm import _batches

    # longest first, as encode orders them: a batch ends at its size or before a text under 3/4 of its longest
    order = [7, 3, 5, 0, 1, 2]
    lengths = [250, 200, 150, 120, 100, 20]
    assert _batches(lengths, order, 32) == [[7, 3], [5, 0], [1], [2]]
    assert _batches(lengths, order, 3) == [[7, 3], [5, 0], [1], [2]]
    assert _batches([30] * 5, list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert _batches(lengths, order, 1) == [[k] for k in order]
    assert _batches([], [], 32) == []


def test_scene_long_and_line_short_texts_together_get_their_vectors_alone():
    model = MiniLM(packaged_model_dir())
    texts = [" ".join(TEXTS) * 3, TEXTS[0], " ".join(TEXTS), "Hi."]
    together = model.encode(texts)
    alone = np.stack([model.encode([t])[0] for t in texts])
    assert np.abs(together - alone).max() < 1e-5


def test_the_eval_uses_it_by_default_and_torch_when_asked(monkeypatch):
    load_encoder.cache_clear()
    assert isinstance(load_encoder(), MiniLM)
    monkeypatch.setenv("AUTEUR_ENCODER", "torch")
    load_encoder.cache_clear()
    try:
        assert not isinstance(load_encoder(), MiniLM)
    finally:
        monkeypatch.delenv("AUTEUR_ENCODER")
        load_encoder.cache_clear()


def test_a_tiny_random_bert_matches_transformers_mean_pooled(tmp_path):
    import shutil

    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=64)
    model = BertModel(config, add_pooling_layer=False).eval()
    with torch.no_grad():  # random norms too, so a wrong norm path cannot hide behind ones and zeros
        for name, p in model.named_parameters():
            if "LayerNorm" in name:
                p.copy_(torch.randn_like(p) * 0.5 + (1.0 if name.endswith("weight") else 0.0))
    model.save_pretrained(tmp_path, safe_serialization=True)
    for name in ("tokenizer.json", "sentence_bert_config.json"):
        shutil.copy(packaged_model_dir() / name, tmp_path / name)
    (tmp_path / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 48}))
    ours = MiniLM(tmp_path).encode(TEXTS, normalize_embeddings=False)
    tok = MiniLM(tmp_path).tokenizer
    with torch.no_grad():
        for text, vec in zip(TEXTS, ours):
            ids = torch.tensor([tok.encode(text).ids])
            states = model(input_ids=ids).last_hidden_state[0]
            assert np.abs(states.mean(0).numpy() - vec).max() < 1e-4


def test_a_directory_that_is_not_a_bert_encoder_is_refused(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "gpt2", "hidden_act": "gelu_new"}))
    with pytest.raises(ValueError, match="not a BERT encoder"):
        MiniLM(tmp_path)
