"""The `llamo` command: a table of subcommands, each a thin shell over one Python API function.

    llamo data build --out data/mocapqa --seed 0
    llamo data build --corpus open --out data/open --seed 0
    llamo data convert walk.bvh --out walk.npy
    llamo data estimate --data data/mocapqa --workers 2
    llamo render data/mocapqa/motions/test_00000.npy --out test.gif --mark 3,10
    llamo train --config instruct steps=200
    llamo eval --model runs/cross_talker/instruct/model --data data/mocapqa/qa_test.json --out runs/eval/ct
    llamo compare runs/eval/ct runs/eval/all_frames
    llamo compare --data data/seven --out runs/compare --connectors cross_talker,all_frames --seeds 0,1
    llamo ask examples/kick.npy "Which leg does the person kick with?" --show-frames --render kick.gif
    llamo chat examples/cartwheel.npy
    llamo serve --port 8000
    llamo export runs/default/instruct/model --out src/llamo/assistant/default
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .errors import LlamoError


def data_build(args: argparse.Namespace) -> None:
    """Build a corpus into --out, deterministic by --seed: MoCapQA (motion QA from the motion capture inside
    pybullet; the default) or, with --corpus open, the open-world corpus (synthetic and real motion, six splits)."""
    start = time.perf_counter()
    if args.corpus == "open":
        from .corpus import CorpusConfig, build_corpus

        out = build_corpus(CorpusConfig(out=args.out, seed=args.seed, scale=args.scale, workers=args.workers,
                                        force=args.force))
    elif args.scale != 1.0:
        raise LlamoError("--scale applies to --corpus open only; MoCapQA has fixed split sizes")
    else:
        from .data.build import BuildConfig, build_dataset

        out = build_dataset(BuildConfig(out=args.out, seed=args.seed, workers=args.workers, force=args.force))
    print((out / "card.md").read_text())
    print(f"built {out} in {time.perf_counter() - start:.1f} s")


def data_synth(args: argparse.Namespace) -> None:
    """Build a QA folder (train.json, test.json, motions/) from the procedural motion synthesiser, by --seed."""
    from .synth.writer import SynthConfig, build_synth

    start = time.perf_counter()
    out = build_synth(SynthConfig(out=args.out, preset=args.preset, train=args.train, test=args.test,
                                  seed=args.seed, force=args.force))
    print((out / "card.md").read_text())
    print(f"built {out} in {time.perf_counter() - start:.1f} s")


def data_estimate(args: argparse.Namespace) -> None:
    """Render a QA folder's test motions and a --share of its training motions as solid-body videos, run the
    Motion Estimator over them (pose extra; cached, resumable) and write F_video.json / F_estimated.json with the
    same questions on the estimated motions, and estimate.json (skips, seconds per video, errors)."""
    from .data.estimate import EstimateConfig, estimate_folder
    from .video.render_estimate import EstimatorSettings

    summary = estimate_folder(EstimateConfig(
        data=args.data, share=args.share, seed=args.seed, workers=args.workers, size=args.size,
        min_detected=args.min_detected, settings=EstimatorSettings(args.model_complexity, focal=args.focal)))
    print(json.dumps({k: summary[k] for k in ("motions", "files", "seconds_per_video", "frames_with_person",
                                              "error_body_heights")}, indent=1))


def data_convert(args: argparse.Namespace) -> None:
    """Convert any motion file (HumanML3D/BABEL/BlazePose .npy, BVH, ASF/AMC, DeepMimic) to canonical .npy."""
    from .motion.io import load_motion, save_motion

    motion = load_motion(args.motion, fps=args.fps, format=args.format, skeleton=args.skeleton)
    save_motion(motion, args.out)
    print(f"{args.out}: {motion.num_frames} frames at 20 fps ({motion.duration:.2f} s)")


def render(args: argparse.Namespace) -> None:
    """Draw a motion's skeleton to an animated .gif or .mp4, optionally marking frames (e.g. the ones a model chose)."""
    from .motion.io import load_motion
    from .motion.render import render_motion

    motion = load_motion(args.motion, fps=args.fps, format=args.format, skeleton=args.skeleton)
    marks = [int(m) for m in args.mark.split(",") if m.strip()] if args.mark else []
    bad = [m for m in marks if not 0 <= m < motion.num_frames]
    if bad:
        raise LlamoError(f"--mark frames {bad} are outside 0..{motion.num_frames - 1}")
    render_motion(motion, args.out, size=args.size, marks=marks)
    print(f"{args.out}: {motion.num_frames} frames")


def ask(args: argparse.Namespace) -> None:
    """Answer one question about a motion file or a video (video needs the `pose` extra: mediapipe)."""
    from .assistant import Assistant

    assistant, subject = Assistant.load_for(args.motion, args.fps, args.model, args.max_new_tokens)
    answer = assistant.ask(subject, args.question)
    print(answer.text)
    if args.show_frames:  # a video's own frame numbers, else the motion's
        print("frames: " + ", ".join(f"{f} ({t:.2f} s)" for f, t in zip(answer.frames, answer.times)))
    if args.render:
        from .motion.render import render_motion

        render_motion(answer.motion, args.render, marks=answer.motion_frames)  # the canonical motion's own frames
        print(f"{args.render}: {answer.motion.num_frames} frames, {len(answer.motion_frames)} marked")


def chat(args: argparse.Namespace) -> None:
    """Talk about a motion turn by turn, answers streamed as they are written (empty line or Ctrl-D ends)."""
    from .assistant import Assistant

    assistant, subject = Assistant.load_for(args.motion, args.fps, args.model, args.max_new_tokens)
    conversation = assistant.chat(subject)
    print(f"{args.motion}: {conversation.subject.motion.num_frames} frames. Ask about the motion.")
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            break
        if not question:
            break
        print("llamo> ", end="", flush=True)
        for piece in conversation.stream(question):
            print(piece, end="", flush=True)
        print()


def export(args: argparse.Namespace) -> None:
    """Copy a trained model folder into the smallest form that loads: fp16 weights, no tokenizer files."""
    from .model.persistence import compact_copy

    out = compact_copy(args.model, args.out)
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"{out}: {size / 2**20:.1f} MiB")


def serve(args: argparse.Namespace) -> None:
    """Serve the JSON API and the web page: upload a motion or video, watch it, ask, see the chosen frames."""
    from .serve import ServeConfig, run_server

    run_server(ServeConfig(model=args.model, host=args.host, port=args.port, queue_size=args.queue_size,
                           max_upload_mb=args.max_upload_mb, upload_dir=args.upload_dir))


def train(args: argparse.Namespace) -> None:
    """Train a model. --data DIR: every stage the connector needs, in order, then evaluation on the folder's test
    files (resumable; run it again to continue). --config: one stage, a packaged config by name (encoder, align,
    instruct, baselines/<kind>/<stage>, cpu/<stage>) or a YAML path. key=value overrides (dotted keys, e.g.
    model.connector.num_tokens=32) apply to every stage."""
    from .train.config import load_config
    from .train.loop import train as run_training

    if args.config:
        print(f"saved {run_training(load_config(args.config, args.overrides))}")
        return
    from .train.pipeline import Recipe, plan, run_pipeline

    from .assistant import DEFAULT_MODEL

    start = DEFAULT_MODEL if args.start_from == "default" else args.start_from
    pipeline = plan(args.data, args.out, args.connector, start, Recipe(budget=args.budget), args.seed,
                    args.overrides)
    for cfg in pipeline.stages:
        print(f"{cfg.stage}: {cfg.steps} steps on {', '.join(cfg.data)} -> {cfg.out}")
    model = run_pipeline(pipeline, evaluate=evaluate_one)
    print(f"saved {model}")


def evaluate_one(model: Path, data: str, out: Path) -> None:
    """The pipeline's closing evaluation of one test file (greedy, offline judge)."""
    from .eval.evaluate import evaluate as run_eval

    metrics = run_eval(str(model), [data], str(out))
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
    p.add_argument("overrides", nargs="*", help="key=value overrides, e.g. steps=100 out=runs/try (with --data, "
                   "the pipeline sets data, out, init_from, seed and steps itself)")


def evaluate(args: argparse.Namespace) -> None:
    """Answer every record of --data (files, or folders: their test files) with --model (default: the shipped
    model), greedy and seeded, then score: accuracy per task, counting OBO/OBZ/MAE/RMSE, judged QA, caption
    similarity, per file and overall; writes predictions.jsonl, metrics.json, report.md, a plot."""
    from .eval.evaluate import evaluate as run_eval
    from .eval.judges import OfflineJudge, OpenAIJudge

    judge = OpenAIJudge(args.judge_url, args.judge_model) if args.judge_url else OfflineJudge()
    embed = None
    if args.captions:
        from .eval.embeddings import MiniLMEmbedder

        embed = MiniLMEmbedder()
    metrics = run_eval(args.model, args.data, args.out, judge=judge, batch_size=args.batch_size, limit=args.limit,
                       embed=embed)
    print((Path(args.out) / "report.md").read_text())
    print(f"overall exact match: {metrics['accuracy']['overall']}")


def rescore(args: argparse.Namespace) -> None:
    """Score an evaluation folder's predictions.jsonl again (no generation), rewriting metrics.json and report.md."""
    from .eval.evaluate import read_predictions, score
    from .eval.judges import OfflineJudge
    from .eval.report import write_report

    folder = Path(args.run)
    old = json.loads((folder / "metrics.json").read_text()) if (folder / "metrics.json").is_file() else {}
    metrics = score(read_predictions(folder / "predictions.jsonl"), OfflineJudge())
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
        from .eval.report import compare

        table = compare([Path(r) for r in args.items])
        print(table)
        if args.out:
            Path(args.out).write_text(table)
        return
    from .train.compare import CompareConfig, run_compare
    from .train.pipeline import Recipe

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


def add_motion_source(p: argparse.ArgumentParser) -> None:
    p.add_argument("motion", type=Path, help="motion file (.npy, .bvh, .amc, DeepMimic .txt)")
    p.add_argument("--fps", type=float, default=None, help="frame rate of files that do not store one (.amc: 120)")
    p.add_argument("--format", choices=["babel"], default=None, help="read .npy as BABEL/AMASS joints (z-up, 30 fps)")
    p.add_argument("--skeleton", type=Path, default=None, help="an .amc file's .asf skeleton (default: <name>.asf, "
                   "the subject's <07>.asf or the only .asf beside it)")


def add_build_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, help="dataset folder to create")
    p.add_argument("--corpus", choices=["mocapqa", "open"], default="mocapqa", help="mocapqa (default) or open: the "
                   "open-world corpus of docs/corpus.md")
    p.add_argument("--scale", type=float, default=1.0, help="--corpus open: every split's size times this")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")


def add_synth_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, help="dataset folder to create")
    p.add_argument("--preset", default="seven", help="the world to draw from: seven or gym")
    p.add_argument("--train", type=int, default=None, help="training motions (default: the preset's)")
    p.add_argument("--test", type=int, default=None, help="test motions (default: the preset's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--force", action="store_true", help="replace --out if it exists")


def add_estimate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, required=True, help="dataset folder with *train*/*test* record files")
    p.add_argument("--share", type=float, default=1.0, help="share of the training motions (every test motion is done)")
    p.add_argument("--seed", type=int, default=0, help="picks the share; draws each video's person and camera")
    p.add_argument("--workers", type=int, default=1, help="processes")
    p.add_argument("--size", type=int, default=256, help="video width and height in pixels")
    p.add_argument("--min-detected", type=float, default=0.5, help="skip a video with a person on fewer of its "
                   "frames than this share")
    p.add_argument("--model-complexity", type=int, default=1, choices=[0, 1, 2], help="BlazePose lite/full/heavy")
    p.add_argument("--focal", type=float, default=None, help="focal length given to the estimator, in image "
                   "widths (default: none, as for a user's video; the estimator assumes a 53° diagonal view)")


def add_convert_args(p: argparse.ArgumentParser) -> None:
    add_motion_source(p)
    p.add_argument("--out", type=Path, required=True, help="canonical .npy to write")


def add_render_args(p: argparse.ArgumentParser) -> None:
    add_motion_source(p)
    p.add_argument("--out", type=Path, required=True, help=".gif or .mp4 to write")
    p.add_argument("--mark", default="", help="comma-separated frame indices to highlight")
    p.add_argument("--size", type=int, default=320, help="frame width and height in pixels")


def add_model_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, help="model folder (default: the shipped LLaMo model)")
    p.add_argument("--max-new-tokens", type=int, default=48)


def add_ask_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("motion", type=Path, help="motion file (.npy, .bvh, DeepMimic .txt) or video (.mp4, ...)")
    p.add_argument("question")
    p.add_argument("--fps", type=float, default=None, help="frame rate of files that do not store one")
    p.add_argument("--show-frames", action="store_true", help="print the frames the Cross Talker chose")
    p.add_argument("--render", type=Path, default=None, help="write a .gif/.mp4 with the chosen frames marked")
    add_model_arg(p)


def add_chat_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("motion", type=Path, help="motion file or video")
    p.add_argument("--fps", type=float, default=None, help="frame rate of files that do not store one")
    add_model_arg(p)


def add_export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", type=Path, help="model folder written by training")
    p.add_argument("--out", type=Path, required=True, help="folder to write")


def add_serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, help="model folder (default: the shipped LLaMo model)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--queue-size", type=int, default=8, help="questions waiting beyond this get 'busy' (503)")
    p.add_argument("--max-upload-mb", type=float, default=50.0)
    p.add_argument("--upload-dir", type=Path, default=None, help="where uploads live (default: a temp folder)")


# (command words) → (function, argument builder). The parser is generated from this table.
COMMANDS = {
    ("data", "build"): (data_build, add_build_args),
    ("data", "synth"): (data_synth, add_synth_args),
    ("data", "convert"): (data_convert, add_convert_args),
    ("data", "estimate"): (data_estimate, add_estimate_args),
    ("render",): (render, add_render_args),
    ("train",): (train, add_train_args),
    ("eval",): (evaluate, add_eval_args),
    ("score",): (rescore, add_rescore_args),
    ("compare",): (compare_runs, add_compare_args),
    ("ask",): (ask, add_ask_args),
    ("chat",): (chat, add_chat_args),
    ("export",): (export, add_export_args),
    ("serve",): (serve, add_serve_args),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llamo", description=__doc__.splitlines()[0])
    groups = {(): parser.add_subparsers(dest="command", required=True)}  # command-word prefix → its subparsers
    for words, (fn, add_args) in COMMANDS.items():
        for depth in range(1, len(words)):
            prefix = words[:depth]
            if prefix not in groups:
                group = groups[prefix[:-1]].add_parser(prefix[-1], help=f"{prefix[-1]} commands")
                groups[prefix] = group.add_subparsers(dest=f"command_{depth}", required=True)
        sub = groups[words[:-1]].add_parser(words[-1], help=fn.__doc__.splitlines()[0], description=fn.__doc__)
        add_args(sub)
        sub.set_defaults(func=fn)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except LlamoError as err:
        print(f"llamo: error: {err}", file=sys.stderr)
        return 2
    return 0
