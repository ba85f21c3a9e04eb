"""Metrics: accuracy by task, RepCount counting metrics, judged QA and caption similarity."""

import numpy as np
import pytest

from llamo.eval.judges import Judgement
from llamo.eval.metrics import (
    accuracy_by_task,
    caption_similarity,
    counting_metrics,
    frames_in_span,
    grounding_metrics,
    judged_metrics,
    parse_span,
    temporal_iou,
)


def test_accuracy_by_task_excludes_captions():
    rows = [
        {"task": "action", "prediction": "kick", "reference": "kick"},
        {"task": "action", "prediction": "jump", "reference": "kick"},
        {"task": "direction", "prediction": "Left.", "reference": "left"},
        {"task": "caption", "prediction": "a person", "reference": "a person kicks"},
    ]
    out = accuracy_by_task(rows)
    assert out["overall"] == pytest.approx(2 / 3) and out["n"] == 3
    assert out["per_task"] == {"action": {"accuracy": 0.5, "n": 2}, "direction": {"accuracy": 1.0, "n": 1}}


def test_accuracy_by_task_empty():
    assert accuracy_by_task([]) == {"overall": None, "n": 0, "per_task": {}}


def test_counting_metrics_definitions():
    out = counting_metrics([3, 5, 1, None], [3, 4, 4, 1])
    # errors |d| = 0, 1, 3, 1 (None read as 0); the unparsed one is wrong for OBO/OBZ despite |d| = 1
    assert out["obo"] == pytest.approx(2 / 4)
    assert out["obz"] == pytest.approx(1 / 4)
    assert out["mae"] == pytest.approx(np.mean([0, 1 / 4, 3 / 4, 1 / 1]))
    assert out["rmse"] == pytest.approx(np.sqrt(np.mean([0, 1, 9, 1])))
    assert out["n"] == 4 and out["unparsed"] == 1


def test_counting_metrics_errors():
    with pytest.raises(ValueError, match="3 predicted counts for 2"):
        counting_metrics([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="≥ 1"):
        counting_metrics([1], [0])
    assert counting_metrics([], [])["obo"] is None


def test_judged_metrics():
    out = judged_metrics([Judgement("yes", 5.0), Judgement("no", 1.0), Judgement("yes", 3.0)])
    assert out == {"accuracy": pytest.approx(2 / 3), "score": pytest.approx(3.0), "n": 3}
    assert judged_metrics([]) == {"accuracy": None, "score": None, "n": 0}


def test_caption_similarity_with_fixed_vectors():
    table = {"a": [1.0, 0.0], "b": [0.0, 2.0], "c": [1.0, 1.0]}

    def embed(texts):
        return np.array([table[t] for t in texts])

    out = caption_similarity(["a", "c"], ["a", "b"], embed)
    assert out["mean_cosine"] == pytest.approx((1.0 + np.sqrt(0.5)) / 2) and out["n"] == 2
    assert caption_similarity([], [], embed) == {"mean_cosine": None, "n": 0}


def test_spans_and_free_text_are_not_exact_matched():
    rows = [{"task": "when", "prediction": "from 1.0 s to 2.0 s", "reference": "from 1.0 s to 2.0 s"},
            {"task": "describe", "prediction": "The person squats.", "reference": "The person squats."},
            {"task": "count", "prediction": "3", "reference": "4"}]
    assert accuracy_by_task(rows)["per_task"] == {"count": {"accuracy": 0.0, "n": 1}}


def test_parse_span_and_temporal_iou():
    assert parse_span("from 2.1 s to 3.4 s") == (2.1, 3.4)
    assert parse_span("between 2 and 3 seconds") == (2.0, 3.0)
    assert parse_span("at 2 s") is None and parse_span("from 4 s to 3 s") is None
    assert temporal_iou((0.0, 2.0), (1.0, 3.0)) == pytest.approx(1 / 3)
    assert temporal_iou((0.0, 1.0), (2.0, 3.0)) == 0.0
    assert temporal_iou((1.0, 2.0), (1.0, 2.0)) == 1.0


def test_grounding_metrics():
    out = grounding_metrics(["from 0 s to 2 s", "from 1.0 s to 2.0 s", "no idea"],
                            ["from 1 s to 3 s", "from 1.0 s to 2.0 s", "from 0.5 s to 1.5 s"])
    assert out["mean_iou"] == pytest.approx((1 / 3 + 1.0 + 0.0) / 3)
    assert out["r@0.3"] == pytest.approx(2 / 3) and out["r@0.5"] == pytest.approx(1 / 3)
    assert out["n"] == 3 and out["unparsed"] == 1
    assert grounding_metrics([], [])["mean_iou"] is None
    with pytest.raises(ValueError, match="one each"):
        grounding_metrics(["from 0 s to 1 s"], [])


def test_frames_in_span_against_the_spans_share_of_the_motion():
    """Frames 20 and 40 (1 s, 2 s) inside "from 1 s to 3 s", frame 100 (5 s) outside; the span is 2 s of 10 s."""
    out = frames_in_span([[20, 40, 100], [], [0]], [200, 200, 200],
                         ["from 1.0 s to 3.0 s", "from 0 s to 1 s", "from 0.0 s to 10.0 s"])
    assert out["n"] == 2  # a row without chosen frames is left out
    assert out["in_span"] == pytest.approx((2 / 3 + 1) / 2) and out["span_share"] == pytest.approx((0.2 + 1) / 2)
    assert frames_in_span([], [], []) == {"in_span": None, "span_share": None, "n": 0}
