"""Scoring is a pure function of prediction rows; eval's generation writes one row per record."""

import pytest

from llamo.eval.evaluate import read_predictions, score
from llamo.eval.judges import OfflineJudge

ROWS = [
    {"id": "1", "task": "action", "question": "What?", "reference": "kick", "prediction": "kick"},
    {"id": "2", "task": "action", "question": "What?", "reference": "walk", "prediction": "run"},
    {"id": "3", "task": "count", "question": "How many?", "reference": "3", "prediction": "three times"},
    {"id": "4", "task": "count", "question": "How many?", "reference": "4", "prediction": "2"},
    {"id": "5", "task": "body_part", "question": "Which?", "reference": "left", "prediction": "The left leg."},
]


def test_score_rows():
    metrics = score(ROWS, judge=OfflineJudge())
    acc = metrics["accuracy"]
    assert acc["overall"] == pytest.approx(3 / 5) and acc["per_task"]["action"]["accuracy"] == 0.5
    counting = metrics["counting"]
    assert counting["obz"] == 0.5 and counting["obo"] == 0.5 and counting["rmse"] == pytest.approx((4 / 2) ** 0.5)
    assert metrics["judged"]["n"] == 3


def test_read_predictions(tmp_path):
    path = tmp_path / "predictions.jsonl"
    path.write_text('{"id": "a", "task": "x"}\n\n{"id": "b", "task": "y"}\n')
    assert [r["id"] for r in read_predictions(path)] == ["a", "b"]
