"""Answers off the question's kind: numbers for counts, the task's answers for closed sets, spans for "when"."""

import json

import pytest

from llamo.errors import DataError
from llamo.eval.evaluate import score
from llamo.eval.kinds import card_vocabulary, off_kind
from llamo.eval.report import compare, write_report


def _row(task: str, reference: str, prediction: str, source: str = "x.json") -> dict:
    return {"task": task, "question": "?", "reference": reference, "prediction": prediction, "source": source}


def test_a_count_needs_a_number():
    result = off_kind([_row("count", "3", "fruits"), _row("count", "4", "three"), _row("count", "2", "3 times")])
    count = result["per_task"]["count"]
    assert count["kind"] == "number" and count["off_kind"] == 1 and count["n"] == 3
    assert count["examples"] == ["fruits"] and count["share"] == pytest.approx(1 / 3)


def test_a_task_whose_references_hold_numbers_is_numeric():
    rows = [_row("duration", "3 seconds", "about two seconds"), _row("duration", "5 seconds", "long")]
    assert off_kind(rows)["per_task"]["duration"] == {
        "kind": "number", "off_kind": 1, "n": 2, "share": 0.5, "examples": ["long"]}


def test_a_side_needs_one_of_the_sides():
    rows = [_row("side", "left", "jump"), _row("side", "right", "left"), _row("side", "left", "the right leg"),
            _row("side", "right", "jump"), _row("side", "left", "kick"), _row("side", "left", "wave"),
            _row("side", "left", "fruits")]
    side = off_kind(rows)["per_task"]["side"]
    assert side["kind"] == "closed set" and side["off_kind"] == 5 and side["n"] == 7
    assert side["examples"] == ["jump", "kick", "wave"]  # distinct, at most three


def test_the_vocabulary_is_the_references_of_the_rows_scored_together():
    assert off_kind([_row("side", "left", "right")])["count"] == 1  # no row here has "right" as its answer


def test_an_action_answered_with_a_word_outside_the_actions_is_off_kind():
    rows = [_row("action", "kick", "fruits"), _row("action", "walk", "kick"), _row("action", "jump", "walk")]
    assert off_kind(rows)["per_task"]["action"]["off_kind"] == 1


def test_when_needs_a_span_and_free_text_is_ignored():
    rows = [_row("when", "from 1.0 s to 2.0 s", "at the start"), _row("when", "from 1.0 s to 2.0 s", "from 4 to 5"),
            _row("describe", "The person squats.", "fruits"), _row("caption", "A kick.", "3")]
    result = off_kind(rows)
    assert list(result["per_task"]) == ["when"] and result["per_task"]["when"]["kind"] == "span"
    assert result["count"] == 1 and result["n"] == 2 and result["overall"] == 0.5


def test_empty_input_gives_none():
    assert off_kind([]) == {"overall": None, "count": 0, "n": 0, "per_task": {}}
    assert off_kind([_row("describe", "A squat.", "fruits")])["overall"] is None


def test_evaluate_metrics_hold_off_kind_overall_and_per_file():
    rows = [_row("count", "3", "fruits", "a.json"), _row("count", "2", "2", "a.json"),
            _row("side", "left", "right", "b.json"), _row("side", "right", "jump", "b.json")]
    metrics = score(rows)
    assert metrics["off_kind"]["count"] == 2 and metrics["off_kind"]["n"] == 4
    assert metrics["per_file"]["a.json"]["off_kind"]["per_task"]["count"]["examples"] == ["fruits"]
    assert metrics["per_file"]["b.json"]["off_kind"]["count"] == 1
    assert score([_row("count", "3", "3")])["off_kind"]["count"] == 0


def test_report_lists_off_kind_answers(tmp_path):
    rows = [_row("count", "3", "fruits", "a.json"), _row("side", "left", "right", "b.json"),
            _row("side", "right", "right", "b.json")]
    write_report(tmp_path / "bad", score(rows), "bad")
    md = (tmp_path / "bad" / "report.md").read_text()
    assert "## Answers off the question's kind" in md
    assert '| count | number | 1 | 1 | 1.000 | "fruits" |' in md and "| **overall** |  | 1 | 3 | 0.333 |  |" in md
    assert "| off-kind answers | 1 | 0 | 1 |" in md.split("## By file")[1].split("##")[0]
    write_report(tmp_path / "good", score([_row("count", "3", "3")]), "good")
    md = (tmp_path / "good" / "report.md").read_text()
    assert "## Answers off the question's kind\n\nNone of the 1 checked answers is off its question's kind.\n" in md
    assert "| off-kind answers | 1 | 0 |" in compare([tmp_path / "bad", tmp_path / "good"]).splitlines()


def test_a_folders_card_widens_a_closed_sets_vocabulary(tmp_path):
    """A sample of a test file may hold few of the folder's actions: its card says which answers exist."""
    (tmp_path / "card.json").write_text(json.dumps({"answers": {
        "test_seen": {"action": {"kick": 3, "walk": 2}}, "train": {"action": {"crawl": 5}, "count": {"3": 1}}}}))
    files = [tmp_path / "sample.json", tmp_path / "other.json", tmp_path / "elsewhere" / "x.json"]
    vocabulary = card_vocabulary(files)
    assert vocabulary == {"action": {"kick", "walk", "crawl"}, "count": {"3"}}
    rows = [_row("action", "kick", "crawl"), _row("action", "walk", "fruits"), _row("count", "3", "5")]
    assert off_kind(rows)["per_task"]["action"]["off_kind"] == 2  # the rows alone: "crawl" is no reference
    assert off_kind(rows, vocabulary)["per_task"]["action"]["off_kind"] == 1
    assert score(rows, vocabulary=vocabulary)["off_kind"]["count"] == 1


@pytest.mark.parametrize("text", ["{not json", '{"answers": ["kick"]}', '{"answers": {"test": ["kick"]}}'])
def test_an_unreadable_card_is_refused_by_name(tmp_path, text):
    (tmp_path / "card.json").write_text(text)
    with pytest.raises(DataError, match=r"card.json: not a readable dataset card .*accepted: a card.json whose"):
        card_vocabulary([tmp_path / "test.json"])
