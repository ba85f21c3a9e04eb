"""DeepMimic humanoid clips (the motion capture shipped in `pybullet_data/data/motions`) → canonical Motion.

Each frame: duration | root position (3) | root, chest, neck, r_hip quaternions (w,x,y,z) | r_knee angle |
r_ankle, r_shoulder quaternions | r_elbow angle | l_hip quaternion | l_knee angle | l_ankle, l_shoulder
quaternions | l_elbow angle (44 values). Forward kinematics over the joint offsets of pybullet's
`humanoid/humanoid.urdf` (loaded at globalScaling 0.25, as pybullet's DeepMimic env does) gives 15 body
points; spine1/spine3/collars/feet/head are interpolated from them. DeepMimic is y-up facing +x with the
right side at +z; the result is turned to face +z (left at +x).
"""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..motion import Motion
from ..skeleton import JOINT_INDEX, NUM_JOINTS
from ..transforms import interpolate_frames, y_rotation

URDF_SCALE = 0.25
FRAME_SIZE = 44
# (joint, kind) in frame order after duration and root position; kind: "quat" (4 values) or "hinge" (1, about z).
FRAME_LAYOUT: tuple[tuple[str, str], ...] = (
    ("root", "quat"), ("chest", "quat"), ("neck", "quat"), ("right_hip", "quat"), ("right_knee", "hinge"),
    ("right_ankle", "quat"), ("right_shoulder", "quat"), ("right_elbow", "hinge"), ("left_hip", "quat"),
    ("left_knee", "hinge"), ("left_ankle", "quat"), ("left_shoulder", "quat"), ("left_elbow", "hinge"),
)
# Points fixed in a body's frame (URDF units) that stand in for SMPL joints the humanoid lacks.
HEAD_IN_NECK = (0.0, 0.7, 0.0)  # centre of the head sphere
BALL_IN_ANKLE = (0.40, -0.15, 0.0)  # ball of the foot, inside the foot box


def pybullet_motion_dir() -> Path:
    """Folder of the DeepMimic clips inside the installed pybullet package."""
    import pybullet_data

    return Path(pybullet_data.getDataPath()) / "data" / "motions"


def urdf_offsets(urdf: Path) -> dict[str, tuple[str, np.ndarray]]:
    """joint name → (parent joint name, offset [3] in metres) from a URDF's joint origins."""
    # pybullet's humanoid.urdf ends in a stray NUL byte that XML parsers reject.
    joints = ET.fromstring(urdf.read_text().replace("\x00", "")).findall("joint")
    child_to_joint = {j.find("child").get("link"): j.get("name") for j in joints}
    offsets = {}
    for j in joints:
        parent = child_to_joint.get(j.find("parent").get("link"), "root")
        xyz = np.array([float(v) for v in j.find("origin").get("xyz").split()])
        offsets[j.get("name")] = (parent, xyz * URDF_SCALE)
    return offsets


def quat_to_matrix(q: np.ndarray) -> np.ndarray:
    """Rotation matrices [..., 3, 3] from quaternions [..., 4] in (w, x, y, z) order (normalised here)."""
    w, x, y, z = np.moveaxis(q / np.linalg.norm(q, axis=-1, keepdims=True), -1, 0)
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
    ], -2)


def z_hinge(angle: np.ndarray) -> np.ndarray:
    """Rotation matrices [..., 3, 3] about +z."""
    c, s, zero, one = np.cos(angle), np.sin(angle), np.zeros_like(angle), np.ones_like(angle)
    return np.stack([np.stack([c, -s, zero], -1), np.stack([s, c, zero], -1), np.stack([zero, zero, one], -1)], -2)


def local_rotations(frames: np.ndarray) -> dict[str, np.ndarray]:
    """joint name → local rotation matrices [T, 3, 3] from frames [T, 44]."""
    rotations, col = {}, 4
    for name, kind in FRAME_LAYOUT:
        width = 4 if kind == "quat" else 1
        values = frames[:, col:col + width]
        rotations[name] = quat_to_matrix(values) if kind == "quat" else z_hinge(values[:, 0])
        col += width
    return rotations


def forward_kinematics(frames: np.ndarray, offsets: dict) -> tuple[dict, dict]:
    """Global positions [T, 3] and rotations [T, 3, 3] of every URDF joint, for frames [T, 44]."""
    local = local_rotations(frames)
    pos, rot = {"root": frames[:, 1:4]}, {"root": local["root"]}
    for name, (parent, offset) in offsets.items():  # URDF order lists parents before children
        if name == "root":
            continue
        pos[name] = pos[parent] + rot[parent] @ offset
        rot[name] = rot[parent] @ local[name] if name in local else rot[parent]
    return pos, rot


def humanoid_to_smpl(pos: dict, rot: dict) -> np.ndarray:
    """The 22 canonical joints [T, 22, 3] from the humanoid's body points (DeepMimic axes)."""
    def lerp(a, b, w):
        return (1.0 - w) * a + w * b

    spine3 = lerp(pos["chest"], pos["neck"], 0.5)
    points = {
        "pelvis": pos["root"], "spine1": lerp(pos["root"], pos["chest"], 0.5), "spine2": pos["chest"],
        "spine3": spine3, "neck": pos["neck"],
        "head": pos["neck"] + rot["neck"] @ (np.array(HEAD_IN_NECK) * URDF_SCALE),
    }
    for side, s in (("left", "l"), ("right", "r")):
        points.update({
            f"{s}_hip": pos[f"{side}_hip"], f"{s}_knee": pos[f"{side}_knee"], f"{s}_ankle": pos[f"{side}_ankle"],
            f"{s}_foot": pos[f"{side}_ankle"] + rot[f"{side}_ankle"] @ (np.array(BALL_IN_ANKLE) * URDF_SCALE),
            f"{s}_collar": lerp(spine3, pos[f"{side}_shoulder"], 0.45), f"{s}_shoulder": pos[f"{side}_shoulder"],
            f"{s}_elbow": pos[f"{side}_elbow"], f"{s}_wrist": pos[f"{side}_wrist"],
        })
    joints = np.zeros((len(pos["root"]), NUM_JOINTS, 3))
    for name, p in points.items():
        joints[:, JOINT_INDEX[name]] = p
    return joints


def parse_clip(path: Path) -> tuple[np.ndarray, bool]:
    """Frames [T, 44] and whether the clip loops ("Loop": "wrap"), or MotionError."""
    try:
        clip = json.loads(Path(path).read_text())
        frames = np.asarray(clip["Frames"], dtype=np.float64)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise MotionError(f"{path}: not a DeepMimic clip ({err}); expected JSON with a 'Frames' list") from err
    if frames.ndim != 2 or frames.shape[1] != FRAME_SIZE or len(frames) < 2:
        raise MotionError(f"{path}: frames have shape {frames.shape}; expected (T >= 2, {FRAME_SIZE}) humanoid frames")
    return frames, clip.get("Loop") == "wrap"


def read_deepmimic(path: str | Path, fps: float = 20.0) -> Motion:
    """A DeepMimic humanoid clip → canonical Motion at `fps`, facing +z at the start; source_fps: the clip's
    rate (1 / its median frame duration)."""
    import pybullet_data

    frames, _ = parse_clip(Path(path))
    offsets = urdf_offsets(Path(pybullet_data.getDataPath()) / "humanoid" / "humanoid.urdf")
    joints = humanoid_to_smpl(*forward_kinematics(frames, offsets)) @ y_rotation(-np.pi / 2).T
    times = np.concatenate([[0.0], np.cumsum(frames[:-1, 0])])
    target = np.arange(int(np.floor(times[-1] * fps + 1e-6)) + 1) / fps
    clip_fps = float(1.0 / np.median(frames[:-1, 0]))
    return Motion(interpolate_frames(joints, times, target), fps, source_fps=clip_fps)
