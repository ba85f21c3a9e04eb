"""The solid-body renderer (video/body_render.py): ms per frame against the stick-figure renderer
(motion/render.py) in the same process; with --detect, how often BlazePose finds the rendered person.

    python benchmarks/bench_body_render.py                 # timing: a 5 s walk (100 frames), 256² and 320²
    python benchmarks/bench_body_render.py --detect        # needs mediapipe (the `pose` extra)

--detect renders pybullet's DeepMimic clips (walk and run looped to 5 s, the others as they are) from four
fixed cameras with a person drawn per (clip, camera), writes each to mp4, decodes it and runs BlazePose on it
twice: as the Motion Estimator does (tracking: a found pose seeds the next frame) and on each image alone (the
person detector on every frame). It prints the share of frames with a pose, and the error of the tracked joints
(after read_blazepose) against the rendered ones, both pelvis-relative, in metres: `cam` compares them in the
camera's axes (BlazePose's world landmarks are camera-aligned), `rot` after the best rotation per frame (Kabsch).
Shapes: T frames, J=22 joints.
"""

import argparse
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

from llamo.motion import concatenate
from llamo.motion.formats.deepmimic import pybullet_motion_dir, read_deepmimic
from llamo.motion.render import render_frames
from llamo.video.body_render import CameraSpec, render_body_frames, render_body_video

CAMERAS = {
    "front": CameraSpec(distance=3.5, height=1.5, azimuth_deg=0, focal=1.3),
    "side": CameraSpec(distance=4.0, height=1.2, azimuth_deg=90, focal=1.2),
    "back-high": CameraSpec(distance=4.5, height=2.2, azimuth_deg=160, focal=1.5),
    "low-wide": CameraSpec(distance=3.0, height=0.6, azimuth_deg=300, focal=0.95),
}
DETECT_CLIPS = ("walk", "run", "jump", "kick", "punch", "dance_a", "getup_faceup", "cartwheel", "backflip")


def clip(name: str, frames: int = 0) -> np.ndarray:
    """Joints [T, 22, 3] of pybullet's DeepMimic clip `name`, looped (blended) to `frames` frames if given."""
    motion = read_deepmimic(pybullet_motion_dir() / f"humanoid3d_{name}.txt")
    if frames:
        motion = concatenate([motion] * (frames // motion.num_frames + 2))
    return motion.joints[:frames or None]


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def ms_per_frame(render, joints: np.ndarray, repeats: int) -> float:
    """Best of `repeats` timings of render(joints), in ms per frame (the best: the machine is shared)."""
    render(joints[:4])  # warm-up: imports, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        render(joints)
        times.append(time.perf_counter() - start)
    return 1000 * min(times) / len(joints)


def timing(repeats: int) -> None:
    """A 5 s walk at 20 fps: the stick figure and the body at 256² and 320²."""
    walk = clip("walk", 100)  # [100, 22, 3]
    rows = []
    for size in (256, 320):
        stick = ms_per_frame(partial(render_frames, size=size), walk, repeats)
        body = ms_per_frame(partial(render_body_frames, camera=CAMERAS["front"], size=size), walk, repeats)
        rows.append([f"{size}²", f"{stick:.1f}", f"{body:.1f}", f"{body / stick:.2f}", f"{body * 100 / 1000:.2f}"])
    print(markdown_table(["size", "stick ms/frame", "body ms/frame", "body / stick", "100 frames (s)"], rows))


def camera_axes(joints: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    """World joints [T, J, 3] → pelvis-relative, rotated into the camera's axes, then y-up as read_blazepose
    turns BlazePose's (x right, y down, z away) into y-up: a 180° turn about x."""
    rel = (joints - joints[:, :1]) @ rotation.T  # [T, J, 3]
    return rel * np.array([1.0, -1.0, -1.0])


def kabsch_error(est: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Mean joint distance [T] after rotating each frame of est [T, J, 3] onto ref (both centred)."""
    u, _, vt = np.linalg.svd(np.einsum("tji,tjk->tik", est, ref))  # [T, 3, 3] cross-covariance
    d = np.sign(np.linalg.det(u @ vt))  # no reflections
    fix = np.stack([np.ones_like(d), np.ones_like(d), d], -1)[:, :, None]
    rot = u @ (fix * vt)  # [T, 3, 3]
    return np.linalg.norm(est @ rot - ref, axis=-1).mean(-1)


def per_image_rate(frames: np.ndarray) -> float:
    """Share of frames uint8 [T, H, W, 3] in which BlazePose, run on each image alone, finds a person."""
    import mediapipe

    with mediapipe.solutions.pose.Pose(static_image_mode=True) as pose:
        return float(np.mean([pose.process(f).pose_world_landmarks is not None for f in frames]))


def detect_one(estimator, joints: np.ndarray, camera: CameraSpec, seed: int, folder: Path) -> list[str]:
    """Render → mp4 → decode → BlazePose for one clip and camera:
    [frames, tracked rate, per-image rate, cam error, rot error]."""
    from llamo.motion.formats.blazepose import read_blazepose
    from llamo.video.estimator import fill_missing
    from llamo.video.io import read_video

    path = folder / f"clip{seed}.mp4"
    render = render_body_video(joints, path, camera=camera, size=256, seed=seed)
    frames, fps = read_video(path)
    landmarks = estimator.landmarks(frames)  # [T, 33, 4], NaN rows where nobody was found
    found = ~np.isnan(landmarks).any((1, 2))  # [T]
    rates = [str(len(frames)), f"{found.mean():.2f}", f"{per_image_rate(frames):.2f}"]
    if not found.any():
        return rates + ["-", "-"]
    est = read_blazepose(fill_missing(landmarks), fps).joints[: len(joints)]
    est = (est - est[:, :1])[found]  # [F, J, 3] pelvis-relative, detected frames only
    ref = camera_axes(joints, render.camera.R)[found]
    cam_err = np.linalg.norm(est - ref, axis=-1).mean()
    return rates + [f"{cam_err:.3f}", f"{kabsch_error(est, ref).mean():.3f}"]


def detection() -> None:
    """Detection rates and joint error per clip and camera; seeds give each pair its own person and scene."""
    from llamo.video.estimator import MotionEstimator

    estimator = MotionEstimator()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, name in enumerate(DETECT_CLIPS):
            joints = clip(name, 100 if name in ("walk", "run") else 0)
            for j, (view, camera) in enumerate(CAMERAS.items()):
                rows.append([name, view, *detect_one(estimator, joints, camera, 10 * i + j, Path(tmp))])
                print(" | ".join(rows[-1]), flush=True)
    headers = ["clip", "camera", "frames", "tracked", "per image", "error cam (m)", "error rot (m)"]
    print(markdown_table(headers, rows))
    tracked, single = (np.mean([float(r[k]) for r in rows]) for k in (3, 4))
    print(f"mean over {len(rows)} clip × camera pairs: tracked {tracked:.3f}, per image {single:.3f}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--detect", action="store_true", help="run BlazePose on renders (needs the pose extra)")
    args.add_argument("--repeats", type=int, default=3, help="timing repeats; the best is kept")
    opts = args.parse_args()
    detection() if opts.detect else timing(opts.repeats)


if __name__ == "__main__":
    main()
