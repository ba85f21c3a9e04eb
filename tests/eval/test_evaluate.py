"""Scoring is a pure function of prediction rows; eval's generation writes one row per record."""

import pytest

from llamo.errors import ConfigError, DataError
from llamo.eval.evaluate import evaluate, read_predictions, record_files, score
from llamo.eval.judges import Judgement, OfflineJudge

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


class CountingJudge:
    def __init__(self):
        self.calls = 0

    def judge(self, question, reference, prediction):
        self.calls += 1
        return Judgement("yes" if prediction == reference else "no", 5.0 if prediction == reference else 0.0)


def test_rows_from_two_files_are_scored_per_file_and_together():
    rows = [{**r, "source": "a/qa_test.json" if i < 2 else "b/count_test.json"} for i, r in enumerate(ROWS[:4])]
    judge = CountingJudge()
    metrics = score(rows, judge=judge)
    assert judge.calls == 2  # the two non-count rows, judged once although they count in two places
    assert list(metrics["per_file"]) == ["a/qa_test.json", "b/count_test.json"]
    first, second = metrics["per_file"].values()
    assert first["accuracy"]["overall"] == 0.5 and "counting" not in first and first["judged"]["n"] == 2
    assert second["counting"]["n"] == 2 and second["judged"]["n"] == 0
    assert metrics["accuracy"]["n"] == 4 and metrics["judged"]["accuracy"] == 0.5


def test_rows_of_one_file_have_no_per_file_section():
    assert "per_file" not in score([{**r, "source": "x.json"} for r in ROWS])
    assert "per_file" not in score(ROWS)  # predictions written before rows named their file


def test_record_files_expand_folders_to_their_test_files(tmp_path):
    for name in ("qa_test.json", "captions_test.json", "qa_train.json"):
        (tmp_path / name).write_text("[]")
    extra = tmp_path / "mine.json"
    extra.write_text("[]")
    files = record_files([tmp_path, str(extra), tmp_path / "qa_test.json"])
    assert files == [tmp_path / "captions_test.json", tmp_path / "qa_test.json", extra]


def test_record_files_errors(tmp_path):
    (tmp_path / "qa_train.json").write_text("[]")
    with pytest.raises(DataError, match="no test record files among"):
        record_files([tmp_path])
    with pytest.raises(DataError, match="nope.json: no such file or folder; accepted: record .json files"):
        record_files([tmp_path / "nope.json"])


def test_a_negative_record_limit_is_refused_before_the_model_loads(tmp_path):
    with pytest.raises(ConfigError, match="record limit must be 0 or more .got -2."):
        evaluate(tmp_path / "no_model", [tmp_path / "nope.json"], tmp_path / "out", limit=-2)
    assert not (tmp_path / "out").exists()


def test_when_rows_are_scored_by_temporal_iou_and_describe_rows_by_similarity():
    rows = [{"id": "w", "task": "when", "question": "When?", "reference": "from 1.0 s to 3.0 s",
             "prediction": "from 2.0 s to 3.0 s"},
            {"id": "d", "task": "describe", "question": "Describe.", "reference": "The person squats twice.",
             "prediction": "The person squats."}]
    metrics = score(rows, embed=lambda texts: [[1.0, float(len(t) > 20)] for t in texts])
    assert metrics["grounding"]["mean_iou"] == pytest.approx(0.5) and metrics["grounding"]["n"] == 1
    assert metrics["caption"]["n"] == 1 and metrics["accuracy"]["n"] == 0
    assert "chosen_frames" not in metrics["grounding"]  # rows without frames (a connector that picks none)
    rows[0].update(frames=[30, 50, 90], motion_frames=100)  # 1.5 s and 2.5 s inside 1-3 s, 4.5 s outside
    chosen = score(rows)["grounding"]["chosen_frames"]
    assert chosen == {"in_span": pytest.approx(2 / 3), "span_share": pytest.approx(0.4), "n": 1}
