"""A video question end to end on the CPU, as `llamo ask VIDEO` runs it: the time of each part and the total.

    python benchmarks/bench_video_ask.py [--model DIR] [--seconds 5] [--fps 30] [--repeats 3]   # needs llamo[pose]

The video: pybullet's DeepMimic walk, looped to --seconds and rendered as a solid body (video/body_render.py) at
--fps, 384×288, written as mp4. Parts, each timed on its own (medians over --repeats, the first run not counted
for the answer): load (the model folder → Assistant), decode (mp4 → frames, thinned to the estimator's POSE_FPS),
pose (BlazePose over those frames, its graph built each call as `ask` does), motion (the track → a travelling,
smoothed canonical motion, the camera's travel read from the floor), answer (the question on that motion). Then
the whole question timed as one, two ways: a fresh load then `Assistant.ask(video, question)`, and as `llamo ask`
runs it (`Assistant.load_for`: the pose estimation in a thread beside the model load). The reference in the same
process: the same question on the rendered motion itself (what the video path adds).
"""

import statistics
import tempfile
import time
from pathlib import Path

from common import looped, parser, pybullet_clips

from llamo.assistant import Assistant
from llamo.motion import resample
from llamo.video.body_render import render_body_video
from llamo.video.camera import CameraSpec
from llamo.video.estimator import POSE_FPS, MotionEstimator, motion_from_track, thin_frames
from llamo.video.io import read_video

QUESTION = "What is the person doing?"
CAMERA = CameraSpec(distance=4.0, height=1.4, azimuth_deg=30.0, focal=1.3)


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def write_video(seconds: float, fps: float) -> tuple[Path, object]:
    """The walk at `fps` for `seconds`, rendered to an mp4 in a temporary folder; returns (path, motion)."""
    motion = looped(pybullet_clips(("walk",)), round(seconds * 20))
    path = Path(tempfile.mkdtemp()) / "walk.mp4"
    rendered = resample(motion, fps)
    render_body_video(rendered.joints, path, fps=fps, camera=CAMERA, size=(384, 288), seed=1)
    return path, motion


def parts(model: str | None, video: Path, complexity: int) -> dict[str, float]:
    """Seconds of each part of one video question, run one after another."""
    assistant, load = timed(lambda: Assistant.from_pretrained(model))
    (frames, fps), decode = timed(lambda: thin_frames(*read_video(video), POSE_FPS))
    track, pose = timed(lambda: MotionEstimator(model_complexity=complexity).track(frames))
    motion, to_motion = timed(lambda: motion_from_track(track, fps, frames=frames))
    assistant.ask(motion, QUESTION)  # warm-up: the first forward pays one-off costs
    _, answer = timed(lambda: assistant.ask(motion, QUESTION))
    return {"load": load, "decode": decode, "pose": pose, "motion": to_motion, "answer": answer}


def ask_as_the_cli_does(model: str | None, video: Path) -> str:
    """`llamo ask VIDEO QUESTION`: the video's pose estimation runs beside the model load."""
    assistant, subject = Assistant.load_for(str(video), path=model)
    return assistant.ask(subject, QUESTION).text


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--model-complexity", type=int, default=1,
                   help="BlazePose 0 lite / 1 full / 2 heavy, parts only; mediapipe bundles only 1 and downloads "
                   "the others on first use, so offline only 1 runs")
    args = p.parse_args()
    video, motion = write_video(args.seconds, args.fps)
    runs = [parts(args.model, video, args.model_complexity) for _ in range(args.repeats)]
    print(f"BlazePose model_complexity {args.model_complexity} in the parts; `ask` uses the estimator's default (1)")
    print(f"video: {args.seconds:g} s walk at {args.fps:g} fps, 384x288 ({video})")
    print(f"| part | seconds (median of {args.repeats}) |\n|---|---|")
    for name in runs[0]:
        print(f"| {name} | {statistics.median(r[name] for r in runs):.2f} |")
    serial, overlapped = [], []
    for _ in range(args.repeats):
        serial.append(timed(lambda: Assistant.from_pretrained(args.model).ask(str(video), QUESTION))[1])
        overlapped.append(timed(lambda: ask_as_the_cli_does(args.model, video))[1])
    assistant = Assistant.from_pretrained(args.model)
    assistant.ask(motion, QUESTION)
    reference = statistics.median(timed(lambda: assistant.ask(motion, QUESTION))[1] for _ in range(args.repeats))
    one_after_other, total = statistics.median(serial), statistics.median(overlapped)
    print(f"load, then ask on the video: {one_after_other:.2f} s; `llamo ask` (the pose beside the load, "
          f"Assistant.load_for): {total:.2f} s ({one_after_other / total:.2f}x faster)")
    print(f"end to end {total:.2f} s; the same question on the motion: {reference:.2f} s; ratio "
          f"{total / reference:.1f}x; answer: {ask_as_the_cli_does(args.model, video)!r}")

if __name__ == "__main__":
    main()
