"""A stand-in for mediapipe's Pose (fast, and it knows the truth), so video uploads can be served in tests:
it "detects" the kick example played at STANDIN_FPS, one pose per decoded frame, whatever the pixels show.
`kick_video` renders that same clip at STANDIN_FPS, so the estimated skeleton moves with the video.

    python -m tests.serve.pose_standin serve --port 8001     # `llamo serve` with the stand-in installed
"""

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from llamo.motion import load_motion
from llamo.motion.formats.blazepose import NUM_LANDMARKS
from llamo.motion.render import render_frames, save_animation
from llamo.motion.skeleton import JOINT_INDEX
from llamo.motion.transforms import resample, to_y_up

EXAMPLES = Path(__file__).parents[2] / "examples"
STANDIN_FPS = 30.0
# BlazePose landmark → the canonical joint it copies (the rest, face and hands, copy the head or the wrists).
LANDMARK_JOINTS = {7: "head", 8: "head", 11: "l_shoulder", 12: "r_shoulder", 13: "l_elbow", 14: "r_elbow",
                   15: "l_wrist", 16: "r_wrist", 17: "l_wrist", 18: "r_wrist", 19: "l_wrist", 20: "r_wrist",
                   21: "l_wrist", 22: "r_wrist", 23: "l_hip", 24: "r_hip", 25: "l_knee", 26: "r_knee",
                   27: "l_ankle", 28: "r_ankle", 29: "l_ankle", 30: "r_ankle"}


def kick_joints(fps: float = STANDIN_FPS) -> np.ndarray:
    """The kick example at `fps`: joints [T, 22, 3], y-up metres (46 frames at 30 fps)."""
    return resample(load_motion(EXAMPLES / "kick.npy"), fps).joints


def joints_to_landmarks(joints: np.ndarray) -> np.ndarray:
    """Canonical joints [T, 22, 3] → BlazePose-style world landmarks [T, 33, 4] (image axes: y down)."""
    lm = np.zeros((len(joints), NUM_LANDMARKS, 3))  # [T, 33, 3]
    lm[:] = joints[:, None, JOINT_INDEX["head"]]
    for landmark, name in LANDMARK_JOINTS.items():
        lm[:, landmark] = joints[:, JOINT_INDEX[name]]
    for toe, side in ((31, "l"), (32, "r")):  # the reader puts the foot 3/4 of the way from heel (= ankle) to toe
        ankle, foot = joints[:, JOINT_INDEX[f"{side}_ankle"]], joints[:, JOINT_INDEX[f"{side}_foot"]]
        lm[:, toe] = (foot - 0.25 * ankle) / 0.75
    visibility = np.full((*lm.shape[:2], 1), 0.9)
    return np.concatenate([to_y_up(lm, "-y"), visibility], axis=-1)  # "-y" is its own inverse: (x, -y, -z)


def standin_mediapipe(joints: np.ndarray | None = None) -> SimpleNamespace:
    """A module object for sys.modules["mediapipe"]: Pose.process returns frame i's pose of `joints` (the kick
    at STANDIN_FPS by default), holding the last pose past the end."""
    landmarks = joints_to_landmarks(kick_joints() if joints is None else joints)  # [T, 33, 4]

    class Pose:
        def __init__(self, **options):
            self.frame = -1

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def process(self, image):
            self.frame += 1
            points = landmarks[min(self.frame, len(landmarks) - 1)]
            found = [SimpleNamespace(x=x, y=y, z=z, visibility=v) for x, y, z, v in points]
            return SimpleNamespace(pose_world_landmarks=SimpleNamespace(landmark=found))

    return SimpleNamespace(solutions=SimpleNamespace(pose=SimpleNamespace(Pose=Pose)))


def kick_video(path: Path, fps: float = STANDIN_FPS, size: int = 160) -> Path:
    """Render the kick at `fps` to an H.264 .mp4 with PyAV (46 frames at 30 fps): what the stand-in 'sees'."""
    return save_animation(render_frames(kick_joints(fps), size=size, timeline=False), path, fps)


def main(argv: list[str]) -> int:
    sys.modules["mediapipe"] = standin_mediapipe()
    from llamo.cli import main as llamo_main

    return llamo_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

