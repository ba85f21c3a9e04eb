"""The `llamo` command: a table of subcommands, each a thin shell over one Python API function.
Their functions live in data.py (datasets, motion files), training.py (train, eval, compare) and use.py (ask, chat,
serve, export).

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
import gc
import sys

from ..errors import LlamoError
from .data import (add_build_args, add_convert_args, add_estimate_args, add_render_args, add_synth_args, data_build,
                   data_convert, data_estimate, data_synth, render)
from .training import (add_compare_args, add_eval_args, add_rescore_args, add_train_args, compare_runs, evaluate,
                       rescore, train)
from .use import add_ask_args, add_chat_args, add_export_args, add_serve_args, ask, chat, export, serve

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


def run() -> None:
    """The console command (`llamo`, `python -m llamo`): main(), then exit without the interpreter's last garbage
    collection, which walks every object torch and transformers created (1.3-1.6 s after `llamo ask`,
    docs/results/video_cpu.md). Frozen objects are skipped; every file was closed by main()."""
    status = main()
    gc.freeze()
    raise SystemExit(status)
