"""Evaluation metrics as pure functions of predictions and references (STYLE.md principle 15).

Exact-match accuracy per question type (BABEL-QA), repetition counting in the Mo-RepCount definitions
(OBO, OBZ, normalised MAE, RMSE), judged QA in the Video-ChatGPT protocol (share of "yes", mean 0–5 score),
caption similarity as the mean cosine of sentence embeddings, and temporal grounding ("when": "from 2.1 s to
3.4 s") as temporal IoU. Empty inputs give None values, never NaN, so the results stay valid JSON.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .judges import Judgement
from .normalize import matches
from .similarity import row_cosine

CAPTION_TASK = "caption"  # free text, scored by similarity or a judge, never by exact match
FREE_TEXT_TASKS = (CAPTION_TASK, "describe")  # scored like captions
SPAN_TASK = "when"  # a time span, scored by temporal IoU, never by exact match
IOU_THRESHOLDS = (0.3, 0.5, 0.7)


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


def accuracy_by_task(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Exact-match accuracy (`normalize.matches`) overall and per task.

    rows: {"task", "prediction", "reference"} each; free-text rows (FREE_TEXT_TASKS) and spans (SPAN_TASK) are
    left out.
    Returns {"overall": accuracy or None, "n": rows scored, "per_task": {task: {"accuracy", "n"}}}, tasks sorted.
    """
    hits: dict[str, list[bool]] = {}
    for row in rows:
        if row["task"] not in (*FREE_TEXT_TASKS, SPAN_TASK):
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


def parse_span(text: str) -> tuple[float, float] | None:
    """The first two numbers of `text` as a (start, end) span in seconds, e.g. "from 2.1 s to 3.4 s" → (2.1, 3.4);
    None when there are fewer than two numbers or the span is empty or reversed."""
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)[:2]]
    if len(numbers) < 2 or numbers[1] <= numbers[0]:
        return None
    return numbers[0], numbers[1]


def temporal_iou(pred: tuple[float, float], true: tuple[float, float]) -> float:
    """Intersection over union of two time spans (start, end), 0 when they do not overlap."""
    inter = max(0.0, min(pred[1], true[1]) - max(pred[0], true[0]))
    union = max(pred[1], true[1]) - min(pred[0], true[0])
    return inter / union if union > 0 else 0.0


def frames_in_span(frames: Sequence[Sequence[int]], lengths: Sequence[int], references: Sequence[str],
                   fps: float = 20.0) -> dict[str, Any]:
    """Where the connector looked for a "when" question: the mean share of its chosen frames (frame indices of the
    motion, at `fps`) inside the true span, against the mean share of the motion the span covers (what frames
    spread evenly, or picked blindly, would give). Returns {"in_span", "span_share", "n"}."""
    inside, share = [], []
    for picked, length, reference in zip(frames, lengths, references, strict=True):
        span = parse_span(reference)
        if span is None or not picked or length < 1:
            continue
        seconds = np.asarray(picked, float) / fps  # [K']
        inside.append(float(((seconds >= span[0]) & (seconds <= span[1])).mean()))
        share.append(min(1.0, (span[1] - span[0]) / (length / fps)))
    return {"in_span": _mean(np.array(inside)), "span_share": _mean(np.array(share)), "n": len(inside)}


def grounding_metrics(predictions: Sequence[str], references: Sequence[str]) -> dict[str, Any]:
    """Temporal grounding: mean IoU of predicted and true spans (`parse_span`; an unreadable prediction scores 0)
    and recall at IoU ≥ 0.3 / 0.5 / 0.7. Returns {"mean_iou", "r@0.3", "r@0.5", "r@0.7", "n", "unparsed"}."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references; need one each")
    spans = [parse_span(p) for p in predictions]
    truth = [parse_span(r) for r in references]
    if any(t is None for t in truth):
        raise ValueError(f"unreadable reference spans: {[r for r, t in zip(references, truth) if t is None][:3]}")
    iou = np.array([0.0 if p is None else temporal_iou(p, t) for p, t in zip(spans, truth)])  # [N]
    return {"mean_iou": _mean(iou), **{f"r@{k}": _mean((iou >= k).astype(float)) for k in IOU_THRESHOLDS},
            "n": int(iou.size), "unparsed": sum(p is None for p in spans)}
