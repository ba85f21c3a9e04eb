"""Cosine similarity of embedding rows, shared by caption scoring (`metrics.caption_similarity`) and the offline
judge (`judges.OfflineJudge`). Legend: N rows, D embedding width."""

import numpy as np


def row_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of matching rows: a, b [N, D] → [N]; zero vectors give 0."""
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)  # [N]
    return np.einsum("nd,nd->n", a, b) / np.maximum(norms, 1e-12)
