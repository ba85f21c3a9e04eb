"""`llamo train`, `llamo eval`, `llamo score` and `llamo compare`: training and measuring models."""

import argparse
import json
from pathlib import Path

from ..errors import LlamoError


def train(args: argparse.Namespace) -> None:
    """Train a model. --data DIR: every stage the connector needs, in order, then evaluation on the folder's test
    files (resumable; run it again to continue). --config: one stage, a packaged config by name (encoder, align,
    instruct, baselines/<kind>/<stage>, cpu/<stage>) or a YAML path. key=value overrides (dotted keys, e.g.
    model.connector.num_tokens=32) apply to every stage."""
    from ..train.config import load_config
    from ..train.loop import train as run_training

    if args.config:
        print(f"saved {run_training(load_config(args.config, args.overrides))}")
        return
    from ..assistant import DEFAULT_MODEL
    from ..train.pipeline import Recipe, plan, run_pipeline

    start = DEFAULT_MODEL if args.start_from == "default" else args.start_from
    pipeline = plan(args.data, args.out, args.connector, start, Recipe(budget=args.budget), args.seed,
                    args.overrides)
    for cfg in pipeline.stages:
        print(f"{cfg.stage}: {cfg.steps} steps on {', '.join(cfg.data)} -> {cfg.out}")
    model = run_pipeline(pipeline, evaluate=evaluate_one, limit=args.eval_limit)
    print(f"saved {model}")


def evaluate_one(model: Path, data: str, out: Path, limit: int | None = None) -> None:
    """The pipeline's closing evaluation of one test file (greedy, offline judge; `limit`: its first N records)."""
    from ..eval.evaluate import evaluate as run_eval

    metrics = run_eval(str(model), [data], str(out), limit=limit)
    print(f"{data}: overall exact match {metrics['accuracy']['overall']} (report: {out / 'report.md'})")


def add_train_args(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, action="append", help="folder; repeat to add: *train*.json trains")
    source.add_argument("--config", help="one stage: packaged config name or YAML path")
    p.add_argument("--out", type=Path, default=None, help="with --data: run folder (default: runs/<folder name>)")
    p.add_argument("--connector", default="cross_talker", help="with --data: cross_talker | uniform | all_frames | "
                   "vq_tokens | motion_text | text_only")
    p.add_argument("--from", dest="start_from", default=None, help="with --data: 'default' (the shipped model) or "
                   "a model folder to continue from (instruction tuning only)")
    p.add_argument("--budget", type=float, default=1.0, help="with --data: scales every stage's steps")
    p.add_argument("--seed", type=int, default=0, help="with --data: the seed of every stage")
    p.add_argument("--eval-limit", type=int, default=None, help="with --data: evaluate only the first N records "
                   "of each test file at the end (0: no evaluation; default: every record)")
    p.add_argument("overrides", nargs="*", help="key=value overrides, e.g. steps=100 out=runs/try (with --data, "
                   "the pipeline sets data, out, init_from, seed and steps itself; task_repeat.TASK=N goes to the "
                   "stages that read questions)")


def evaluate(args: argparse.Namespace) -> None:
    """Answer every record of --data (files, or folders: their test files) with --model (default: the shipped
    model), greedy and seeded, then score: accuracy per task, counting OBO/OBZ/MAE/RMSE, judged QA, caption
    similarity, per file and overall; writes predictions.jsonl, metrics.json, report.md, a plot."""
    from ..eval.evaluate import evaluate as run_eval
    from ..eval.judges import OfflineJudge, OpenAIJudge

    judge = OpenAIJudge(args.judge_url, args.judge_model) if args.judge_url else OfflineJudge()
    embed = None
    if args.captions:
        from ..eval.embeddings import MiniLMEmbedder

        embed = MiniLMEmbedder()
    metrics = run_eval(args.model, args.data, args.out, judge=judge, batch_size=args.batch_size, limit=args.limit,
                       embed=embed)
    print((Path(args.out) / "report.md").read_text())
    print(f"overall exact match: {metrics['accuracy']['overall']}")


def rescore(args: argparse.Namespace) -> None:
    """Score an evaluation folder's predictions.jsonl again (no generation), rewriting metrics.json and report.md."""
    from ..eval.evaluate import read_predictions, score
    from ..eval.judges import OfflineJudge
    from ..eval.kinds import card_vocabulary
    from ..eval.report import write_report

    folder = Path(args.run)
    old = json.loads((folder / "metrics.json").read_text()) if (folder / "metrics.json").is_file() else {}
    metrics = score(read_predictions(folder / "predictions.jsonl"), OfflineJudge(),
                    vocabulary=card_vocabulary(old.get("data", [])))
    metrics.update({k: old[k] for k in ("model", "data") if k in old})
    write_report(folder, metrics, folder.name)
    print(f"overall exact match: {metrics['accuracy']['overall']}")


def compare_runs(args: argparse.Namespace) -> None:
    """Compare models. Evaluation folders (with metrics.json): side by side as a Markdown table. --data DIR: train
    every connector x seed with the same stage budgets, evaluate instruction-tuning snapshots (25/50/75/100 %) on
    each test file, and write per split a table of mean ± std over seeds (accuracy, prompt tokens, prefill time,
    training time) and an accuracy-against-steps plot; resumable (run it again to continue)."""
    if args.data is None:
        if not args.items:
            raise LlamoError("give evaluation folders to put side by side, or --data DIR to train and compare")
        from ..eval.report import compare

        table = compare([Path(r) for r in args.items])
        print(table)
        if args.out:
            Path(args.out).write_text(table)
        return
    from ..train.compare import CompareConfig, run_compare
    from ..train.pipeline import Recipe

    report = run_compare(CompareConfig(
        data=str(args.data), out=args.out, connectors=[c for c in args.connectors.split(",") if c.strip()],
        seeds=parse_ints(args.seeds, "--seeds"), recipe=Recipe(budget=args.budget), limit=args.limit,
        overrides=args.items))
    for table in sorted(report.glob("*.md")):
        print(table.read_text())
    print(f"report: {report}")


def parse_ints(text: str, name: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise LlamoError(f"{name} {text!r}; accepted: whole numbers separated by commas, e.g. 0,1") from None


def add_eval_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, help="model folder (default: the shipped LLaMo model)")
    p.add_argument("--data", required=True, nargs="+", help="record .json files and/or dataset folders; a folder "
                   "stands for its .json files whose name contains 'test' (e.g. qa_test.json, captions_test.json)")
    p.add_argument("--out", required=True, help="folder for predictions and report")
    p.add_argument("--judge-url", default=None, help="OpenAI-compatible endpoint (default: the offline judge)")
    p.add_argument("--judge-model", default="gpt-4o-mini")
    p.add_argument("--captions", action="store_true", help="score captions by all-MiniLM similarity")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--limit", type=int, default=None, help="only the first N records of each file")


def add_rescore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("run", help="evaluation folder holding predictions.jsonl")


def add_compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("items", nargs="*", help="evaluation folders; with --data: key=value overrides for every stage")
    p.add_argument("--out", default=None, help="also write the table to this file; with --data: the comparison "
                   "folder (default: runs/compare/<folder name>)")
    p.add_argument("--data", type=Path, default=None, help="dataset folder: train and compare connectors on it")
    p.add_argument("--connectors", default="cross_talker,uniform,all_frames,vq_tokens,motion_text,text_only",
                   help="with --data: comma-separated connectors")
    p.add_argument("--seeds", default="0,1", help="with --data: comma-separated seeds")
    p.add_argument("--budget", type=float, default=1.0, help="with --data: scales every stage's steps")
    p.add_argument("--limit", type=int, default=None, help="with --data: evaluate the first N records of each file")
