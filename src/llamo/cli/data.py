"""`llamo data build|synth|estimate|convert` and `llamo render`: datasets and motion files."""

import argparse
import json
import os
import time
from pathlib import Path

from ..errors import LlamoError


def data_build(args: argparse.Namespace) -> None:
    """Build a corpus into --out, deterministic by --seed: MoCapQA (motion QA from the motion capture inside
    pybullet; the default) or, with --corpus open, the open-world corpus (synthetic and real motion, six splits)."""
    start = time.perf_counter()
    if args.corpus == "open":
        from ..corpus import CorpusConfig, build_corpus

        out = build_corpus(CorpusConfig(out=args.out, seed=args.seed, scale=args.scale, workers=args.workers,
                                        force=args.force))
    elif args.scale != 1.0:
        raise LlamoError("--scale applies to --corpus open only; MoCapQA has fixed split sizes")
    else:
        from ..data.build import BuildConfig, build_dataset

        out = build_dataset(BuildConfig(out=args.out, seed=args.seed, workers=args.workers, force=args.force))
    print((out / "card.md").read_text())
    print(f"built {out} in {time.perf_counter() - start:.1f} s")


def data_synth(args: argparse.Namespace) -> None:
    """Build a QA folder (train.json, test.json, motions/) from the procedural motion synthesiser, by --seed."""
    from ..synth.writer import SynthConfig, build_synth

    start = time.perf_counter()
    out = build_synth(SynthConfig(out=args.out, preset=args.preset, train=args.train, test=args.test,
                                  seed=args.seed, force=args.force))
    print((out / "card.md").read_text())
    print(f"built {out} in {time.perf_counter() - start:.1f} s")


def data_estimate(args: argparse.Namespace) -> None:
    """Render a QA folder's test motions and a --share of its training motions as solid-body videos, run the
    Motion Estimator over them (pose extra; cached, resumable) and write F_video.json / F_estimated.json with the
    same questions on the estimated motions, and estimate.json (skips, seconds per video, errors)."""
    from ..data.estimate import EstimateConfig, estimate_folder
    from ..video.render_estimate import EstimatorSettings

    summary = estimate_folder(EstimateConfig(
        data=args.data, share=args.share, seed=args.seed, workers=args.workers, size=args.size,
        min_detected=args.min_detected, settings=EstimatorSettings(args.model_complexity, focal=args.focal)))
    print(json.dumps({k: summary[k] for k in ("motions", "files", "seconds_per_video", "frames_with_person",
                                              "error_body_heights")}, indent=1))


def data_convert(args: argparse.Namespace) -> None:
    """Convert any motion file (HumanML3D/BABEL/BlazePose .npy, BVH, ASF/AMC, DeepMimic) to canonical .npy, or
    every motion file under a folder into the folder --out (motion/convert.py)."""
    from ..motion.io import load_motion, save_motion

    if args.motion.is_dir():
        return convert_folder(args)
    motion = load_motion(args.motion, fps=args.fps, format=args.format, skeleton=args.skeleton)
    save_motion(motion, args.out)
    print(f"{args.out}: {motion.num_frames} frames at 20 fps ({motion.duration:.2f} s)")


def convert_folder(args: argparse.Namespace) -> None:
    from ..motion.convert import REPORT, convert_folder

    if args.skeleton is not None:
        raise LlamoError("--skeleton names one .amc file's skeleton; in a folder each .amc finds its own .asf "
                         "(<name>.asf, the subject's <07>.asf or the only .asf beside it)")
    done = convert_folder(args.motion, args.out, fps=args.fps, format=args.format)
    for failed in done.failed:
        print(f"skipped {failed['source']}: {failed['error']}")
    print(f"{args.out}: {len(done.converted)} motions converted, {len(done.failed)} skipped (list: "
          f"{args.out / REPORT})")


def render(args: argparse.Namespace) -> None:
    """Draw a motion's skeleton to an animated .gif or .mp4, optionally marking frames (e.g. the ones a model chose)."""
    from ..motion.io import load_motion
    from ..motion.render import render_motion

    motion = load_motion(args.motion, fps=args.fps, format=args.format, skeleton=args.skeleton)
    marks = [int(m) for m in args.mark.split(",") if m.strip()] if args.mark else []
    bad = [m for m in marks if not 0 <= m < motion.num_frames]
    if bad:
        raise LlamoError(f"--mark frames {bad} are outside 0..{motion.num_frames - 1}")
    render_motion(motion, args.out, size=args.size, marks=marks)
    print(f"{args.out}: {motion.num_frames} frames")


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
    p.add_argument("--out", type=Path, required=True, help="canonical .npy to write (a folder for a folder: every "
                   "motion file under it, at the same relative path, and convert.json listing what was skipped)")


def add_render_args(p: argparse.ArgumentParser) -> None:
    add_motion_source(p)
    p.add_argument("--out", type=Path, required=True, help=".gif or .mp4 to write")
    p.add_argument("--mark", default="", help="comma-separated frame indices to highlight")
    p.add_argument("--size", type=int, default=320, help="frame width and height in pixels")
