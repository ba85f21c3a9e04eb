"""The recovered root trajectory's error on a folder's estimated videos, against the motion left in place.

    python experiments/root_error.py data/mocapqa [--split test]

Reads the per-motion outcomes `llamo data estimate` cached (estimated/<motion>.json: root_error, pose_error, in
body heights of the true motion, video/estimate_error.py) and, for the same motions, the error the estimator had
before the root recovery (issue 14, item 2): BlazePose's world landmarks are hip-centred, so its motion never left
its first position, and its root error is the true pelvis' distance from where it started (median over frames, in
body heights). Prints medians and quartiles over the videos, and the camera-moving share (tracking shots).
"""

import argparse
import json
from pathlib import Path

import numpy as np

from llamo.motion.io import load_motion
from llamo.video.root import segment_height


def in_place_error(joints: np.ndarray) -> float:
    """Median over frames of the pelvis' distance from its first position [T, 22, 3] → body heights."""
    path = joints[:, 0] - joints[0, 0]  # [T, 3]
    return float(np.median(np.linalg.norm(path, axis=-1))) / segment_height(joints)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", type=Path)
    p.add_argument("--split", default="test", help="motions whose file name starts with this")
    args = p.parse_args()
    rows = []
    for cached in sorted((args.folder / "estimated").rglob(f"{args.split}*.json")):
        outcome = json.loads(cached.read_text())["outcome"]
        if outcome.get("reason") or outcome.get("root_error") is None:
            continue
        truth = load_motion(args.folder / cached.relative_to(args.folder / "estimated").with_suffix(".npy"))
        rows.append((in_place_error(np.asarray(truth.joints, np.float64)), outcome["root_error"],
                     outcome["pose_error"], bool(outcome.get("camera_moves"))))
    before, after, pose, moving = (np.array(column) for column in zip(*rows, strict=True))
    print(f"{len(rows)} {args.split} videos of {args.folder} (body heights; median [quartiles])")
    for name, values in (("root, in place (before)", before), ("root, recovered (after)", after), ("pose", pose)):
        q1, q2, q3 = np.percentile(values, [25, 50, 75])
        print(f"{name}: {q2:.3f} [{q1:.3f}, {q3:.3f}]")
    print(f"camera moving (a tracking shot; the recovery assumes a still camera): {moving.mean():.2f} of the videos; "
          f"recovered root, still camera {np.median(after[~moving]):.3f}, moving {np.median(after[moving]):.3f}")


if __name__ == "__main__":
    main()
