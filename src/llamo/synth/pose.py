"""`PoseTrack`: the parameters of a synthetic motion, frame by frame, before forward kinematics.

Actions write these parameters and composition blends them; kinematics.py turns them into joints. Keeping
motion in this form means blends and noise can never stretch a bone. Conventions (the canonical frame, docs/
data_format.md): yaw 0 faces +z, +yaw turns towards the person's left (+x). Angle triples are (pitch, roll,
twist): pitch + bends forward, roll + leans to the person's left, twist + turns to the left. Side index 0 is
left, 1 is right.
"""

from dataclasses import dataclass, fields, replace

import numpy as np

from ..motion.skeleton import JOINT_INDEX
from ..motion.transforms import y_rotation
from .body import Body

J = JOINT_INDEX
SIDES = ("left", "right")
SIDE_SIGN = np.array([1.0, -1.0])  # the person's left is +x in their own frame


@dataclass(frozen=True)
class PoseTrack:
    """Per-frame pose parameters of T frames (float64).

    root [T, 3]: pelvis position (world). yaw [T]: heading. pelvis [T, 3]: pelvis angles relative to the heading.
    spine [T, 3]: chest relative to pelvis, spread over the three spine joints. neck [T, 3]: head relative to chest.
    feet [T, 2, 3]: ankle positions (world); the knee follows by two-link IK. feet_yaw [T, 2]: each foot's
    heading. feet_pitch [T, 2]: + points the toes down. arms [T, 2, 2, 3]: upper-arm and forearm directions
    (unit vectors, chest frame) of the left and right arm.
    """

    root: np.ndarray
    yaw: np.ndarray
    pelvis: np.ndarray
    spine: np.ndarray
    neck: np.ndarray
    feet: np.ndarray
    feet_yaw: np.ndarray
    feet_pitch: np.ndarray
    arms: np.ndarray

    @property
    def frames(self) -> int:
        return int(self.root.shape[0])

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def slice(self, start: int, stop: int) -> "PoseTrack":
        return PoseTrack(**{k: v[start:stop] for k, v in self.arrays().items()})

    def copy(self) -> "PoseTrack":
        return PoseTrack(**{k: v.copy() for k, v in self.arrays().items()})

    def moved(self, offset: np.ndarray, turn: float) -> "PoseTrack":
        """Rigidly turned by `turn` radians about the vertical axis through the origin, then shifted by `offset`
        [3] (world positions and every heading change; body-relative angles stay)."""
        rot = y_rotation(turn)
        return replace(self, root=self.root @ rot.T + offset, feet=self.feet @ rot.T + offset,
                       yaw=self.yaw + turn, feet_yaw=self.feet_yaw + turn)


def concat(tracks: list[PoseTrack]) -> PoseTrack:
    """Tracks joined end to start, frame counts adding up."""
    keys = tracks[0].arrays()
    return PoseTrack(**{k: np.concatenate([t.arrays()[k] for t in tracks]) for k in keys})


def rest_arms(body: Body) -> np.ndarray:
    """Upper-arm and forearm directions [2, 2, 3] of the rest pose (arms hanging, slightly bent)."""
    dirs = np.array([[body.offsets[J[f"{s}_elbow"]], body.offsets[J[f"{s}_wrist"]]] for s in ("l", "r")])
    return dirs / np.linalg.norm(dirs, axis=-1, keepdims=True)


def rest_feet(body: Body) -> np.ndarray:
    """Ankle positions [2, 3] (left, right) of the rest pose, pelvis above the origin."""
    rest = body.rest()
    return rest[[J["l_ankle"], J["r_ankle"]]]


def standing(body: Body, frames: int) -> PoseTrack:
    """The rest pose held for `frames` frames at the origin, facing +z."""
    zeros3 = np.zeros((frames, 3))
    return PoseTrack(
        root=np.tile([0.0, body.pelvis_height, 0.0], (frames, 1)), yaw=np.zeros(frames), pelvis=zeros3.copy(),
        spine=zeros3.copy(), neck=zeros3.copy(), feet=np.tile(rest_feet(body), (frames, 1, 1)),
        feet_yaw=np.zeros((frames, 2)), feet_pitch=np.zeros((frames, 2)),
        arms=np.tile(rest_arms(body), (frames, 1, 1, 1)),
    )


def blend(a: PoseTrack, b: PoseTrack, weight: np.ndarray) -> PoseTrack:
    """Per-frame mix of two equally long tracks: weight [T] 0 → a, 1 → b; arm directions renormalised."""
    out = {}
    for key, va in a.arrays().items():
        w = weight.reshape((-1,) + (1,) * (va.ndim - 1))
        out[key] = (1.0 - w) * va + w * b.arrays()[key]
    arms = out["arms"]
    out["arms"] = arms / np.maximum(np.linalg.norm(arms, axis=-1, keepdims=True), 1e-6)
    return PoseTrack(**out)
