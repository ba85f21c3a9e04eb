"""The root error of the estimator as it is now, against the error `llamo data estimate` cached when it ran.

    python experiments/root_error_now.py data/mocapqa [--split test] [--moving-only] [--limit N]
        [--write NAME --records qa_test_video.json]

Re-runs the Motion Estimator (BlazePose, root recovery, the camera's travel read from the floor) on videos the
estimate step rendered (estimated/<motion>.mp4), compares each result with its true motion (video/estimate_error.py:
median over frames, body heights), and prints the medians beside the cached ones, still and tracking (dollying)
cameras apart. With --write NAME, the new motions go to <folder>/NAME/motions/ and <folder>/video_NAME.json is --records
with those motions in place of the old ones (the others kept), to score with `llamo eval` (a name without 'test'
or 'train', so no folder rule takes it for a split).
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from llamo.motion.io import load_motion, save_motion
from llamo.video.estimate_error import estimate_error
from llamo.video.estimator import MotionEstimator


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", type=Path)
    p.add_argument("--split", default="test", help="motions whose file name starts with this")
    p.add_argument("--moving-only", action="store_true", help="only the videos whose camera dollied")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--write", default=None, help="keep the new motions under this name")
    p.add_argument("--records", default="qa_test_video.json", help="with --write: the records file to update")
    args = p.parse_args()
    written = {}
    estimator, rows, seconds = MotionEstimator(), [], 0.0
    for cached in sorted((args.folder / "estimated").rglob(f"{args.split}*.json")):
        outcome = json.loads(cached.read_text())["outcome"]
        moving = bool(outcome.get("camera_moves"))
        if outcome.get("reason") or outcome.get("root_error") is None or (args.moving_only and not moving):
            continue
        start = time.perf_counter()
        estimated = estimator.estimate(cached.with_suffix(".mp4"))
        seconds += time.perf_counter() - start
        if args.write:
            name = f"{args.write}/motions/{cached.stem}.npy"
            save_motion(estimated, args.folder / name)
            written[f"estimated/motions/{cached.stem}.mp4"] = name
        truth = load_motion(args.folder / cached.relative_to(args.folder / "estimated").with_suffix(".npy"))
        now = estimate_error(estimated.joints, truth.joints)
        rows.append((outcome["root_error"], now.root, outcome["pose_error"], now.pose, moving))
        if len(rows) == args.limit:
            break
    if args.write:
        records = json.loads((args.folder / args.records).read_text())
        updated = [{**r, "motion": written.get(r.get("video"), r["motion"])} for r in records]
        (args.folder / f"video_{args.write}.json").write_text(json.dumps(updated, indent=1))
    cached_root, root, cached_pose, pose, moving = (np.array(c) for c in zip(*rows, strict=True))
    print(f"{len(rows)} {args.split} videos of {args.folder}, {seconds / len(rows):.2f} s each (median, body heights)")
    for name, keep in (("all", np.ones_like(moving)), ("still camera", ~moving), ("tracking camera", moving)):
        if keep.any():
            print(f"{name} ({keep.sum()}): root cached {np.median(cached_root[keep]):.3f} -> now "
                  f"{np.median(root[keep]):.3f}; pose cached {np.median(cached_pose[keep]):.3f} -> now "
                  f"{np.median(pose[keep]):.3f}")


if __name__ == "__main__":
    main()
