"""BlazePose on fewer frames per second: what a video question saves in pose time and what it costs in accuracy.

    python experiments/pose_rate.py data/mocapqa --rates 20 15 10 --limit 100
    llamo eval --model MODEL --data data/mocapqa/video_r15.json --out runs/pose_rate/r15   # per rate

For the first --limit test videos of qa_test_video.json (`llamo data estimate`'s output), runs the Motion
Estimator with BlazePose on at most R frames per second of each video, per rate R; writes the motions under
<folder>/estimated_r<R>/motions/ and video_r<R>.json (the same questions about those motions; a name without
'test' or 'train', so no folder rule takes it for a split), and
prints the estimation seconds (decode, pose, root) per video second at each rate. One worker; the videos are read
once per rate.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from llamo.video.estimator import MotionEstimator


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", type=Path)
    p.add_argument("--rates", type=float, nargs="+", default=[20.0, 15.0, 10.0])
    p.add_argument("--limit", type=int, default=100, help="test videos")
    args = p.parse_args()
    records = json.loads((args.folder / "qa_test_video.json").read_text())
    videos = list(dict.fromkeys(r["video"] for r in records))[: args.limit]
    for rate in args.rates:
        name = f"estimated_r{rate:g}"
        (args.folder / name / "motions").mkdir(parents=True, exist_ok=True)
        estimator, seconds, duration = MotionEstimator(pose_fps=rate), 0.0, 0.0
        motions = {}
        for video in videos:
            start = time.perf_counter()
            motion = estimator.estimate(args.folder / video)
            seconds += time.perf_counter() - start
            duration += motion.num_frames / motion.fps
            motions[video] = f"{name}/motions/{Path(video).stem}.npy"
            np.save(args.folder / motions[video], np.asarray(motion.joints, np.float32))
        kept = [{**r, "motion": motions[r["video"]]} for r in records if r["video"] in motions]
        out = args.folder / f"video_r{rate:g}.json"
        out.write_text(json.dumps(kept, indent=1))
        print(f"rate {rate:g}: {len(videos)} videos, {duration:.0f} s of video, estimate {seconds:.0f} s "
              f"({seconds / duration:.3f} s per video second), {len(kept)} questions -> {out}", flush=True)


if __name__ == "__main__":
    main()
