"""`llamo eval`: generate, then score. Scoring is a pure function of predictions.jsonl, so runs can be re-scored
and compared without generating again.

    llamo eval --data data/mocapqa --out runs/eval/default      # the shipped model on the folder's test files
    llamo eval --model runs/cross_talker/instruct/model --data data/mocapqa/qa_test.json --out runs/eval/cross_talker

--data takes record files and dataset folders; a folder stands for its test files (`data.splits`: every .json
directly in it whose name contains "test"). With more than one file, the metrics add a "per_file" section: each
file's own metrics, keyed by its path, beside the metrics of all files together.
"""

import json
from pathlib import Path

from ..data.splits import split_files
from ..errors import ConfigError, DataError
from .judges import Judge, Judgement, OfflineJudge
from .kinds import card_vocabulary, off_kind
from .metrics import (
    FREE_TEXT_TASKS,
    SPAN_TASK,
    accuracy_by_task,
    caption_similarity,
    counting_metrics,
    frames_in_span,
    grounding_metrics,
    judged_metrics,
)
from .normalize import extract_number
from .report import write_report

COUNT_TASK = "count"


def read_predictions(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def record_files(data: list[str | Path]) -> list[Path]:
    """The record files `data` names: files as given, each folder replaced by its test files, duplicates once.
    DataError for a path that is neither, or a folder without test files, before any model is loaded."""
    files: list[Path] = []
    for path in map(Path, data):
        if path.is_dir():
            files += split_files(path, "test")
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(f"--data {path}: no such file or folder; accepted: record .json files and dataset "
                            "folders (a folder: its .json files whose name contains 'test')")
    return list(dict.fromkeys(files))


def _metrics(rows: list[dict], verdicts: list[Judgement | None] | None, embed, vocabulary: dict | None) -> dict:
    """The metrics of `rows`, with `verdicts[i]` the judgement of rows[i] (None for count rows, or no judge)."""
    metrics: dict = {"accuracy": accuracy_by_task(rows), "off_kind": off_kind(rows, vocabulary)}
    counts = [r for r in rows if r["task"] == COUNT_TASK]
    if counts:
        metrics["counting"] = counting_metrics([extract_number(r["prediction"]) for r in counts],
                                               [int(extract_number(r["reference"]) or 0) for r in counts])
    spans = [r for r in rows if r["task"] == SPAN_TASK]
    if spans:
        metrics["grounding"] = grounding_metrics([r["prediction"] for r in spans], [r["reference"] for r in spans])
        if all(r.get("frames") and r.get("motion_frames") for r in spans):
            metrics["grounding"]["chosen_frames"] = frames_in_span(
                [r["frames"] for r in spans], [r["motion_frames"] for r in spans], [r["reference"] for r in spans])
    captions = [r for r in rows if r["task"] in FREE_TEXT_TASKS]
    if captions and embed is not None:
        metrics["caption"] = caption_similarity([r["prediction"] for r in captions],
                                                [r["reference"] for r in captions], embed)
    if verdicts is not None:
        metrics["judged"] = judged_metrics(v for v in verdicts if v is not None)
    return metrics


def _per_file(rows: list[dict], verdicts: list[Judgement | None] | None, embed, vocabulary: dict | None
              ) -> dict[str, dict]:
    """{source: the metrics of its rows} when the rows come from more than one "source" file, else {}."""
    by_source: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_source.setdefault(str(row.get("source")), []).append(i)
    if len(by_source) < 2:
        return {}
    return {source: _metrics([rows[i] for i in keep], None if verdicts is None else [verdicts[i] for i in keep], embed,
                             vocabulary) for source, keep in by_source.items()}


def score(rows: list[dict], judge: Judge | None = None, embed=None, vocabulary: dict | None = None) -> dict:
    """Metrics of prediction rows: exact match by task, answers off their question's kind (`kinds.off_kind`),
    counting (for task 'count'), caption similarity (with `embed`), and judged QA (with `judge`) over the
    non-count rows. Rows from more than one "source" file also get "per_file": {source: that file's metrics};
    each row is judged once. vocabulary: {task: answers} a closed-set task may be answered with beyond the rows'
    references (`kinds.card_vocabulary` of the record files), for the off-kind count."""
    verdicts = None if judge is None else [
        None if r["task"] == COUNT_TASK else judge.judge(r["question"], r["reference"], r["prediction"]) for r in rows]
    metrics = _metrics(rows, verdicts, embed, vocabulary)
    per_file = _per_file(rows, verdicts, embed, vocabulary)
    if per_file:
        metrics["per_file"] = per_file
    return metrics


def check_limit(limit: int | None) -> None:
    """A record limit is None (every record) or a count ≥ 0."""
    if limit is not None and limit < 0:
        raise ConfigError(f"the record limit must be 0 or more (got {limit}); leave it out to evaluate every record")


def evaluate(model_dir: str | Path | None, data: list[str | Path], out: str | Path, judge: Judge | None = None,
             batch_size: int = 16, limit: int | None = None, embed=None) -> dict:
    """Generate predictions for the record files and dataset folders `data` (see `record_files`; `limit`: the
    first N records of each file) with the model in `model_dir` (None: the shipped default), score them and
    write the report into `out`."""
    check_limit(limit)
    files = record_files(data)  # bad paths (and cards) fail before the model's heavy imports and loading
    vocabulary = card_vocabulary(files)
    from ..assistant import DEFAULT_MODEL
    from ..model.llamo import LlamoModel
    from .generate import generate_predictions

    out_dir, model_dir = Path(out), Path(model_dir or DEFAULT_MODEL)
    model = LlamoModel.from_pretrained(model_dir)
    predictions = generate_predictions(model, files, out_dir / "predictions.jsonl", batch_size=batch_size,
                                       limit=limit)
    metrics = score(read_predictions(predictions), judge or OfflineJudge(), embed, vocabulary)
    metrics["model"], metrics["data"], metrics["limit"] = str(model_dir), [str(f) for f in files], limit
    write_report(out_dir, metrics, out_dir.name)
    return metrics
