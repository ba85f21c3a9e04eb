"""Root motion from video (video/root.py): how far the recovered pelvis trajectory is from the rendered truth.

    python benchmarks/bench_root.py          # needs mediapipe (the `pose` extra); BlazePose outputs cached in /tmp

Renders pybullet's DeepMimic walk, run, jump and cartwheel as solid bodies from three still cameras, writes each
to mp4, decodes it and runs BlazePose on it (cached under CACHE), then recovers the pelvis trajectory with the
focal length the renderer used and with the default one. Errors are the median over frames of the 3D pelvis
distance, start positions aligned, in body heights (the truth divided by its body height, the estimate by the
one read from BlazePose's world landmarks); "in place" is the hip-centred motion the estimator returned before,
which never leaves its first position. The walk's direction error is the angle between the true and recovered
horizontal displacement over the clip; the jump's rise is the pelvis' highest point above its first. The truth
is the rendered hip midpoint (BlazePose's origin), expressed in the camera's ground frame as recover_root reports.
Shapes: T frames, J=22 joints.
"""

import hashlib
import tempfile
from pathlib import Path

import numpy as np

from llamo.motion import concatenate
from llamo.motion.formats.deepmimic import pybullet_motion_dir
from llamo.motion.io import load_motion
from llamo.motion.skeleton import JOINT_INDEX, L_HIP, R_HIP
from llamo.video.body_render import CameraSpec, render_body_video
from llamo.video.estimator import motion_from_track
from llamo.video.root import PoseTrack, segment_height

CACHE = Path(tempfile.gettempdir()) / "llamo_bench_root"
SIZE = (384, 288)  # width, height: landscape, so a still camera keeps a 3 m walk in view with a person to see
CAMERAS = {
    "front-30": CameraSpec(distance=4.0, height=1.4, azimuth_deg=30, focal=1.3, track=False),
    "side": CameraSpec(distance=4.5, height=1.0, azimuth_deg=90, focal=1.1, track=False),
    "back-high": CameraSpec(distance=4.0, height=2.4, azimuth_deg=200, focal=1.5, track=False),
}
CLIPS = {"walk": 60, "run": 32, "jump": 0, "cartwheel": 0}  # frames at 20 fps the clip is looped to; 0: as is


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def clip(name: str, frames: int) -> np.ndarray:
    """Joints [T, 22, 3] of pybullet's DeepMimic clip `name`, looped (blended) to `frames` frames if given."""
    motion = load_motion(pybullet_motion_dir() / f"humanoid3d_{name}.txt")
    if frames:
        motion = concatenate([motion] * (frames // motion.num_frames + 2))
    return np.asarray(motion.joints[:frames or None], np.float64)


def cached_track(name: str, view: str, seed: int) -> dict:
    """Render clip `name` from camera `view` → mp4 → BlazePose, or the cached result: a dict of arrays with the
    truth (joints [T, 22, 3]), the camera (K, R, eye) and the track (world, image [T, 33, 4], width, height, fps)."""
    settings = repr((CLIPS[name], CAMERAS[view], SIZE, seed)).encode()
    path = CACHE / f"{name}_{view}_{hashlib.sha256(settings).hexdigest()[:12]}.npz"  # new settings, new file
    if path.exists():
        return dict(np.load(path))
    from llamo.video.estimator import MotionEstimator
    from llamo.video.io import read_video

    joints = clip(name, CLIPS[name])
    CACHE.mkdir(parents=True, exist_ok=True)
    video = CACHE / f"{path.stem}.mp4"
    render = render_body_video(joints, video, camera=CAMERAS[view], size=SIZE, seed=seed)
    frames, fps = read_video(video)
    track = MotionEstimator().track(frames)
    data = {"joints": joints, "K": render.camera.K, "R": render.camera.R, "eye": render.camera.eyes[0],
            "floor_y": render.floor_y, "world": track.world, "image": track.image, "width": track.width,
            "height": track.height, "fps": fps}
    np.savez(path, **data)
    return data


def true_pelvis(data: dict) -> np.ndarray:
    """The rendered hip midpoint [T, 3] (BlazePose's origin) in the camera's ground frame, as recover_root
    reports it: x right, y up from the floor, z towards the camera, origin on the floor under the camera."""
    right = data["R"][0]  # the renderer's cameras are level: their x axis is horizontal
    basis = np.stack([right, (0.0, 1.0, 0.0), np.cross(right, (0.0, 1.0, 0.0))])  # [3, 3] rows
    origin = data["eye"] * (1.0, 0.0, 1.0) + (0.0, float(data["floor_y"]), 0.0)
    return (data["joints"][:, [L_HIP, R_HIP]].mean(1) - origin) @ basis.T


def scores(truth: np.ndarray, estimate: np.ndarray, start: int) -> tuple[float, float, float]:
    """Median 3D error over frames, horizontal direction error over the clip (degrees) and the pelvis' highest
    rise above the start, of a trajectory estimate [T, 3] against the truth [T, 3] (same units), both aligned
    at frame `start` (the first with a pose)."""
    truth, estimate = truth - truth[start], estimate - estimate[start]
    error = float(np.median(np.linalg.norm(estimate - truth, axis=-1)))
    (tx, _, tz), (ex, _, ez) = truth[-1], estimate[-1]
    angle = float(np.degrees(np.arctan2(tx * ez - tz * ex, tx * ex + tz * ez)))
    return error, abs(angle), float(estimate[:, 1].max())


def evaluate(name: str, view: str, seed: int) -> list[str]:
    """One table row: clip, camera, frames with a pose, the in-place error, then for the estimator's pelvis with
    the renderer's focal length and with the default one: error in body heights (metres), the walk's direction
    error, the jump's rise."""
    data = cached_track(name, view, seed)
    track = PoseTrack(data["world"], data["image"], int(data["width"]), int(data["height"]))
    detected = np.isfinite(track.world).all(axis=(1, 2))  # [T]
    start, metres = int(np.argmax(detected)), true_pelvis(data)  # [T, 3]
    truth = metres / segment_height(data["joints"])  # [T, 3] body heights
    errors, angles, rises = [], [], [f"{scores(truth, truth, start)[2]:.3f}"]
    for focal in (float(data["K"][0, 0]) / track.width, None):
        joints = motion_from_track(track, float(data["fps"]), focal).joints.astype(np.float64)  # [T, 22, 3]
        pelvis = joints[:, JOINT_INDEX["pelvis"]]  # [T, 3] the hip midpoint, in the camera's ground frame
        error, angle, rise = scores(truth, pelvis / segment_height(joints), start)
        errors.append(f"{error:.3f} ({scores(metres, pelvis, start)[0]:.2f} m)")
        angles.append(f"{angle:.1f}")
        rises.append(f"{rise:.3f}")
    in_place = scores(truth, np.zeros_like(truth), start)[0]
    return [name, view, f"{detected.mean():.2f}", f"{in_place:.3f}", *errors,
            " / ".join(angles) if name == "walk" else "", " / ".join(rises) if name == "jump" else ""]


def main() -> None:
    rows = [evaluate(name, view, 10 * i + j) for i, name in enumerate(CLIPS) for j, view in enumerate(CAMERAS)]
    headers = ["clip", "camera", "pose found", "in place (bh)", "recovered, true focal (bh)",
               "recovered, default focal (bh)", "walk direction error (°): true / default focal",
               "jump rise (bh): truth / true focal / default focal"]
    print(markdown_table(headers, rows))
    before, *after = (np.median([float(r[k].split()[0]) for r in rows]) for k in (3, 4, 5))
    print(f"median over {len(rows)} clip × camera pairs: in place {before:.3f} body heights; recovered "
          f"{after[0]:.3f} (true focal), {after[1]:.3f} (default focal)")


if __name__ == "__main__":
    main()
