"""Answers not of the question's kind: a word for a count, a motion for a side, no span for "when" (issue 13).

An off-kind answer is wrong before it is compared with the reference, so its count tells whether the model has
learned what each question asks for, apart from whether it reads the motion. The kind of a task is read from the
rows scored together, so the rule holds for any dataset folder:
- free-text tasks (FREE_TEXT_TASKS) are skipped: every sentence is of their kind;
- the span task (SPAN_TASK): in kind iff `parse_span` reads a span from the prediction;
- a task whose references all hold a number (count, distinct, "3 seconds"): in kind iff `extract_number` reads one;
- every other task is a closed set, its vocabulary the task's distinct references: in kind iff the prediction
  `matches` one of them, so "left" to a side question is in kind even when the side is "right" (an answer no
  row among them has, e.g. "right" where every reference is "left", counts as off kind). A dataset folder's
  card (card.json "answers": {split or file: {task: {answer: count}}}) widens the vocabulary to every answer
  the folder has (`card_vocabulary`), so a sample of a test file is judged like the whole folder.
"""

import json
from pathlib import Path

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..errors import DataError
from .metrics import FREE_TEXT_TASKS, SPAN_TASK, parse_span
from .normalize import extract_number, matches

MAX_EXAMPLES = 3


def _share(count: int, n: int) -> float | None:
    return count / n if n else None


def card_vocabulary(files: Iterable[str | Path]) -> dict[str, set[str]]:
    """{task: every answer} from the card.json beside each record file (its "answers", over all splits);
    files without a card add nothing. DataError for a card that cannot be read that way."""
    vocabulary: dict[str, set[str]] = {}
    for card in dict.fromkeys(Path(f).parent / "card.json" for f in files):
        if not card.is_file():
            continue
        try:
            groups = json.loads(card.read_text()).get("answers", {})
            pairs = [(task, set(answers)) for tasks in groups.values() for task, answers in tasks.items()]
        except (ValueError, AttributeError, TypeError) as error:
            raise DataError(f"{card}: not a readable dataset card ({error}); accepted: a card.json whose "
                            '"answers" is {split: {task: {answer: count}}}, or no card.json') from error
        for task, answers in pairs:
            vocabulary.setdefault(task, set()).update(answers)
    return vocabulary


def kind_test(task: str, references: list[str]) -> tuple[str, Callable[[str], bool]]:
    """(kind name, in_kind(prediction)) of `task` given all its references among the rows scored together
    (and its card vocabulary); kind name is "span", "number" or "closed set"."""
    if task == SPAN_TASK:
        return "span", lambda p: parse_span(p) is not None
    if all(extract_number(r) is not None for r in references):
        return "number", lambda p: extract_number(p) is not None
    vocabulary = sorted(set(references))
    return "closed set", lambda p: any(matches(p, r) for r in vocabulary)


def _task_off_kind(task: str, rows: list[Mapping[str, Any]], known: Iterable[str] = ()) -> dict[str, Any]:
    """{"kind", "off_kind", "n", "share", "examples"} of one task's rows (n ≥ 1); known: more answers of the
    task than the rows hold (a closed set's vocabulary)."""
    kind, in_kind = kind_test(task, [r["reference"] for r in rows] + sorted(known))
    off = [r["prediction"] for r in rows if not in_kind(r["prediction"])]
    return {"kind": kind, "off_kind": len(off), "n": len(rows), "share": _share(len(off), len(rows)),
            "examples": list(dict.fromkeys(off))[:MAX_EXAMPLES]}


def off_kind(rows: Iterable[Mapping[str, Any]], vocabulary: Mapping[str, Iterable[str]] | None = None
             ) -> dict[str, Any]:
    """Answers not of their question's kind, overall and per task (see the module docstring).

    rows: {"task", "prediction", "reference"} each; free-text rows (FREE_TEXT_TASKS) are left out.
    vocabulary: {task: answers} beyond the rows' references (`card_vocabulary`).
    Returns {"overall": share off kind or None, "count": off-kind answers, "n": rows checked,
    "per_task": {task: {"kind", "off_kind", "n", "share", "examples": up to 3 distinct off-kind predictions}}},
    tasks sorted. Empty input gives None shares, never NaN.
    """
    by_task: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        if row["task"] not in FREE_TEXT_TASKS:
            by_task.setdefault(row["task"], []).append(row)
    known = vocabulary or {}
    per_task = {task: _task_off_kind(task, task_rows, known.get(task, ())) for task, task_rows in
                sorted(by_task.items())}
    count, n = sum(t["off_kind"] for t in per_task.values()), sum(t["n"] for t in per_task.values())
    return {"overall": _share(count, n), "count": count, "n": n, "per_task": per_task}
