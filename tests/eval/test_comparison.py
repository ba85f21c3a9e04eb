"""The connector comparison's report: mean ± std over seeds per split, cost columns and the curves plot."""

import json

import pytest
from PIL import Image

from llamo.eval.comparison import RunResult, spread, summarize, write_comparison


def metrics(overall: float, count: float) -> dict:
    return {"accuracy": {"overall": overall, "n": 10, "per_task": {"count": {"accuracy": count, "n": 10}}}}


def result(connector: str, seed: int, accuracies: list[float], split: str = "test") -> RunResult:
    curve = {step: metrics(a, a / 2) for step, a in zip((25, 50, 75, 100), accuracies)}
    return RunResult(connector, seed, split, curve, {"prompt_tokens": 40 + seed, "motion_tokens": 16,
                                                     "prefill_ms": 10.0 + seed},
                     {"encoder": 5.0, "align": 2.0, "instruct": 10.0 + seed})


@pytest.fixture
def results() -> list[RunResult]:
    return [result("cross_talker", 0, [0.3, 0.5, 0.6, 0.7]), result("cross_talker", 1, [0.2, 0.4, 0.6, 0.8]),
            result("all_frames", 0, [0.4, 0.6, 0.7, 0.75]), result("all_frames", 1, [0.5, 0.6, 0.7, 0.85]),
            result("cross_talker", 0, [0.1, 0.2, 0.3, 0.4], split="test_long")]


def test_spread_is_the_sample_std_with_min_and_max():
    assert spread([0.7, 0.8]) == pytest.approx({"mean": 0.75, "std": 0.0707107, "min": 0.7, "max": 0.8,
                                                "values": [0.7, 0.8]})
    assert spread([0.5])["std"] is None and spread([None, None]) is None


def test_summary_per_split_and_connector(results):
    summary = summarize(results)
    assert list(summary) == ["test", "test_long"]
    ct = summary["test"]["connectors"]["cross_talker"]
    assert ct["overall"]["mean"] == pytest.approx(0.75) and ct["per_task"]["count"]["mean"] == pytest.approx(0.375)
    assert ct["curve"]["steps"] == [25, 50, 75, 100] and ct["curve"]["mean"][0] == pytest.approx(0.25)
    assert ct["train_seconds"]["total"]["values"] == [17.0, 18.0] and ct["prefill_ms"]["mean"] == 10.5
    assert summary["test_long"]["connectors"]["cross_talker"]["overall"]["std"] is None  # one seed


def test_write_comparison_writes_table_json_and_plot(results, tmp_path):
    written = write_comparison(tmp_path, summarize(results))
    assert sorted(p.name for p in written) == sorted(f"{s}.{e}" for s in ("test", "test_long")
                                                     for e in ("json", "md", "png"))
    table = (tmp_path / "test.md").read_text()
    assert "| cross_talker | 2 | 0.750 ± 0.071 | 0.375 ± 0.035 |" in table
    assert ("| all_frames | 40.5 ± 0.7 | 16.0 ± 0.0 | 10.5 ± 0.7 | 5.0 ± 0.0 | 2.0 ± 0.0 | 10.5 ± 0.7 | 17.5 ± 0.7 |"
            in table)
    assert "| connector | step 25 | step 50 | step 75 | step 100 |" in table and "![curves](test.png)" in table
    assert json.loads((tmp_path / "test.json").read_text())["spread"].startswith("sample standard deviation")
    assert Image.open(tmp_path / "test.png").size[0] > 300
