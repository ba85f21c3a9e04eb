"""Reports: metrics.json, report.md and per_task.png for one run; compare() across runs."""

import json

import pytest
from PIL import Image

from llamo.errors import ConfigError
from llamo.eval.report import compare, write_report

METRICS = {
    "accuracy": {"overall": 0.5, "n": 4, "per_task": {"action": {"accuracy": 0.75, "n": 2},
                                                      "direction": {"accuracy": 0.25, "n": 2}}},
    "counting": {"obo": 0.5, "obz": 0.25, "mae": 0.4, "rmse": 1.2, "n": 4, "unparsed": 1},
    "judged": {"accuracy": 0.6, "score": 3.1, "n": 5},
}


def test_write_report(tmp_path):
    written = write_report(tmp_path / "run", METRICS, "tiny")
    assert sorted(p.name for p in written) == ["metrics.json", "per_task.png", "report.md"]
    text = (tmp_path / "run" / "metrics.json").read_text()
    assert json.loads(text) == METRICS and text == json.dumps(METRICS, sort_keys=True, indent=1) + "\n"
    md = (tmp_path / "run" / "report.md").read_text()
    assert "| task | n | accuracy |" in md and "| action | 2 | 0.750 |" in md and "| **overall** | 4 | 0.500 |" in md
    assert "## Repetition counting" in md and "| 4 | 1 | 0.500 | 0.250 | 0.400 | 1.200 |" in md
    assert "## Judged QA" in md and "| 5 | 0.600 | 3.100 |" in md
    with Image.open(tmp_path / "run" / "per_task.png") as image:
        image.verify()
        assert image.format == "PNG"


def test_write_report_sections_only_when_present(tmp_path):
    written = write_report(tmp_path, {"judged": {"accuracy": None, "score": None, "n": 0}}, "judged only")
    assert sorted(p.name for p in written) == ["metrics.json", "report.md"]
    md = (tmp_path / "report.md").read_text()
    assert "## Judged QA" in md and "| 0 | – | – |" in md and "accuracy |" not in md.split("## Judged QA")[0]


def test_report_of_several_files_opens_with_one_table(tmp_path):
    count_only = {"accuracy": {"overall": None, "n": 0, "per_task": {}}, "counting": METRICS["counting"]}
    metrics = {**METRICS, "per_file": {"data/qa_test.json": METRICS, "data/count_test.json": count_only}}
    write_report(tmp_path, metrics, "two files")
    md = (tmp_path / "report.md").read_text()
    assert md.index("## By file") < md.index("## Exact-match accuracy")
    table = md.split("## By file")[1].split("##")[0]
    assert "| metric | qa_test.json | count_test.json | all files |" in table
    assert "| n (exact match) | 4 | 0 | 4 |" in table and "| action | 0.750 | – | 0.750 |" in table
    assert "| count OBO | 0.500 | 0.500 | 0.500 |" in table


def test_files_with_the_same_name_are_told_apart_by_path(tmp_path):
    write_report(tmp_path, {**METRICS, "per_file": {"a/test.json": METRICS, "b/test.json": METRICS}}, "x")
    assert "| metric | a/test.json | b/test.json | all files |" in (tmp_path / "report.md").read_text()


def test_compare(tmp_path):
    write_report(tmp_path / "cross_talker", METRICS, "a")
    other = {"accuracy": {"overall": 0.4, "n": 3, "per_task": {"action": {"accuracy": 0.4, "n": 3}}}}
    write_report(tmp_path / "text_only", other, "b")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    table = compare([tmp_path / "cross_talker", tmp_path / "text_only"])
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # writes nothing
    lines = table.splitlines()
    assert lines[0] == "| metric | cross_talker | text_only |"
    assert "| action | 0.750 | 0.400 |" in lines and "| direction | 0.250 | – |" in lines
    assert "| **overall** | 0.500 | 0.400 |" in lines
    assert "| count OBO | 0.500 | – |" in lines and "| judged score | 3.100 | – |" in lines


def test_compare_missing_metrics(tmp_path):
    with pytest.raises(ConfigError, match="no metrics.json"):
        compare([tmp_path])
