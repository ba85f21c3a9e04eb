"""`llamo eval`: generate, then score. Scoring is a pure function of predictions.jsonl, so runs can be re-scored
and compared without generating again.

    llamo eval --model runs/cross_talker/instruct/model --data data/mocapqa/qa_test.json --out runs/eval/cross_talker
"""

import json
from pathlib import Path

from .judges import Judge, OfflineJudge
from .metrics import CAPTION_TASK, accuracy_by_task, caption_similarity, counting_metrics, judged_metrics
from .normalize import extract_number
from .report import write_report

COUNT_TASK = "count"


def read_predictions(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def score(rows: list[dict], judge: Judge | None = None, embed=None) -> dict:
    """Metrics of prediction rows: exact match by task, counting (for task 'count'), caption similarity (with
    `embed`), and judged QA (with `judge`) over the non-count rows."""
    metrics: dict = {"accuracy": accuracy_by_task(rows)}
    counts = [r for r in rows if r["task"] == COUNT_TASK]
    if counts:
        metrics["counting"] = counting_metrics([extract_number(r["prediction"]) for r in counts],
                                               [int(extract_number(r["reference"]) or 0) for r in counts])
    captions = [r for r in rows if r["task"] == CAPTION_TASK]
    if captions and embed is not None:
        metrics["caption"] = caption_similarity([r["prediction"] for r in captions],
                                                [r["reference"] for r in captions], embed)
    if judge is not None:
        metrics["judged"] = judged_metrics(judge.judge(r["question"], r["reference"], r["prediction"])
                                           for r in rows if r["task"] != COUNT_TASK)
    return metrics


def evaluate(model_dir: str, data: list[str], out: str, judge: Judge | None = None, batch_size: int = 16,
             limit: int | None = None, embed=None) -> dict:
    """Generate predictions for `data` with the model in `model_dir`, score them and write the report into `out`."""
    from ..model.llamo import LlamoModel
    from .generate import generate_predictions

    out_dir = Path(out)
    model = LlamoModel.from_pretrained(model_dir)
    predictions = generate_predictions(model, data, out_dir / "predictions.jsonl", batch_size=batch_size,
                                       limit=limit)
    metrics = score(read_predictions(predictions), judge or OfflineJudge(), embed)
    metrics["model"], metrics["data"] = str(model_dir), [str(d) for d in data]
    write_report(out_dir, metrics, out_dir.name)
    return metrics
