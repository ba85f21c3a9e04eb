"""Evaluation metrics as pure functions of predictions and references (STYLE.md principle 15).

Exact-match accuracy per question type (BABEL-QA), repetition counting in the Mo-RepCount definitions
(OBO, OBZ, normalised MAE, RMSE), judged QA in the Video-ChatGPT protocol (share of "yes", mean 0–5 score),
and caption similarity as the mean cosine of sentence embeddings. Empty inputs give None values, never NaN,
so the results stay valid JSON.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .judges import Judgement
from .normalize import matches
from .similarity import row_cosine

CAPTION_TASK = "caption"  # free text, scored by similarity or a judge, never by exact match


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


def accuracy_by_task(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Exact-match accuracy (`normalize.matches`) overall and per task.

    rows: {"task", "prediction", "reference"} each; rows of task "caption" are left out.
    Returns {"overall": accuracy or None, "n": rows scored, "per_task": {task: {"accuracy", "n"}}}, tasks sorted.
    """
    hits: dict[str, list[bool]] = {}
    for row in rows:
        if row["task"] != CAPTION_TASK:
            hits.setdefault(row["task"], []).append(matches(row["prediction"], row["reference"]))
    per_task = {task: {"accuracy": _mean(np.array(h, float)), "n": len(h)} for task, h in sorted(hits.items())}
    every = np.array([hit for h in hits.values() for hit in h], float)
    return {"overall": _mean(every), "n": int(every.size), "per_task": per_task}


def counting_metrics(pred_counts: Sequence[int | None], true_counts: Sequence[int]) -> dict[str, Any]:
    """Repetition-counting metrics as in RepCount / Mo-RepCount, with d = pred − true:

    obo  = share with |d| ≤ 1 (off-by-one accuracy, higher is better);
    obz  = share with d = 0 (off-by-zero, i.e. exact);
    mae  = mean(|d| / true), the *normalised* MAE RepCount reports (lower is better), so true counts must be ≥ 1;
    rmse = sqrt(mean(d²)) in repetitions.
    A prediction of None (no number could be read, see `normalize.extract_number`) counts as wrong for OBO and
    OBZ and as 0 for MAE and RMSE. Returns {"obo", "obz", "mae", "rmse", "n", "unparsed"}.
    """
    if len(pred_counts) != len(true_counts):
        raise ValueError(f"{len(pred_counts)} predicted counts for {len(true_counts)} true counts; need one each")
    true = np.asarray(true_counts, dtype=float)  # [N]
    if np.any(true < 1):
        raise ValueError(f"true counts must be ≥ 1 for the normalised MAE; found {true.min():g}")
    parsed = np.array([p is not None for p in pred_counts], bool)  # [N]
    pred = np.array([0 if p is None else p for p in pred_counts], dtype=float)  # [N]
    err = np.abs(pred - true)  # [N]
    return {
        "obo": _mean((err <= 1) & parsed), "obz": _mean((err == 0) & parsed), "mae": _mean(err / true),
        "rmse": float(np.sqrt((err ** 2).mean())) if err.size else None,
        "n": int(true.size), "unparsed": int((~parsed).sum()),
    }


def judged_metrics(judgements: Iterable[Judgement]) -> dict[str, Any]:
    """Video-ChatGPT-style judged QA: {"accuracy": share of pred == "yes", "score": mean 0–5 score, "n"}."""
    judgements = list(judgements)
    yes = np.array([j.pred == "yes" for j in judgements], float)  # [N]
    scores = np.array([j.score for j in judgements], float)  # [N]
    return {"accuracy": _mean(yes), "score": _mean(scores), "n": len(judgements)}


def caption_similarity(predictions: Sequence[str], references: Sequence[str],
                       embed: Callable[[list[str]], np.ndarray]) -> dict[str, Any]:
    """Mean cosine similarity between each prediction and its reference caption under `embed`
    (list of N texts → [N, D]), e.g. `embeddings.MiniLMEmbedder`. Returns {"mean_cosine", "n"}."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references; need one each")
    if not predictions:
        return {"mean_cosine": None, "n": 0}
    cos = row_cosine(np.asarray(embed(list(predictions))), np.asarray(embed(list(references))))  # [N]
    return {"mean_cosine": float(cos.mean()), "n": len(predictions)}
