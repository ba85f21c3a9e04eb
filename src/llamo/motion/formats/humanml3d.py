"""HumanML3D: `new_joints` (T, 22, 3) and `new_joint_vecs` (T, 263), at 20 fps.

The 263-d vector (Guo et al., CVPR 2022) per frame: rot_vel (1) | planar root velocity (2) | root height (1) |
ric joint positions (63) | joint rotations, continuous 6-D (126) | joint velocities (66) | foot contacts (4).
`vecs_to_joints` is the published `recover_from_ric`. `joints_to_vecs` writes every part except the 6-D
rotations, which need HumanML3D's inverse kinematics and are left zero (docs/decisions.md); nothing in
llamo reads them. HumanML3D's bone-length retargeting (`uniform_skeleton`) is not applied.
"""

import numpy as np

from ...errors import MotionError
from ..features import facing_parts, smoothed_yaw
from ..motion import Motion
from ..skeleton import NUM_JOINTS
from ..transforms import canonicalize, y_rotation

VEC_DIM = 263
HUMANML3D_FPS = 20.0  # the rate HumanML3D's own pipeline resamples every motion to
RIC = slice(4, 4 + (NUM_JOINTS - 1) * 3)
ROT6D = slice(RIC.stop, RIC.stop + (NUM_JOINTS - 1) * 6)
LOCAL_VEL = slice(ROT6D.stop, ROT6D.stop + NUM_JOINTS * 3)
CONTACTS = slice(LOCAL_VEL.stop, VEC_DIM)


def vecs_to_joints(vecs: np.ndarray) -> np.ndarray:
    """Recover joints [T, 22, 3] from HumanML3D vectors [T, 263] (root + ric parts only, as published)."""
    vecs = np.asarray(vecs, np.float64)
    if vecs.ndim != 2 or vecs.shape[1] != VEC_DIM:
        raise MotionError(f"HumanML3D vectors have shape {vecs.shape}; expected (T, {VEC_DIM})")
    # Half-angle yaw, integrated: frame t is rotated by the sum of rot_vel over frames before t.
    half_yaw = np.concatenate([[0.0], np.cumsum(vecs[:-1, 0])])  # [T]
    to_world = y_rotation(-2.0 * half_yaw)  # [T, 3, 3], the inverse of the facing rotation
    step = np.zeros((len(vecs), 3))
    step[1:, [0, 2]] = vecs[:-1, 1:3]
    root = np.cumsum(np.einsum("tij,tj->ti", to_world, step), axis=0)  # [T, 3]
    root[:, 1] = vecs[:, 3]
    ric = vecs[:, RIC].reshape(len(vecs), NUM_JOINTS - 1, 3)
    body = np.einsum("tij,tkj->tki", to_world, ric) + root[:, None] * np.array([1.0, 0.0, 1.0])
    return np.concatenate([root[:, None], body], axis=1).astype(np.float32)


def humanml3d_frame(motion: Motion) -> np.ndarray:
    """Joints [T, 22, 3] placed as the 263-d vector describes them: on the floor, root xz at the origin at
    frame 0, and the smoothed facing direction at frame 0 along +z."""
    joints = np.asarray(canonicalize(motion).joints, np.float64)
    return joints @ y_rotation(-smoothed_yaw(joints)[0]).T


def joints_to_vecs(motion: Motion) -> np.ndarray:
    """HumanML3D vectors float32 [T-1, 263] of a motion (6-D rotations left zero)."""
    p = facing_parts(humanml3d_frame(motion))
    vecs = np.zeros((len(p.root_y), VEC_DIM))
    vecs[:, 0:1], vecs[:, 1:3], vecs[:, 3:4] = p.rot_vel, p.lin_vel, p.root_y
    vecs[:, RIC], vecs[:, LOCAL_VEL], vecs[:, CONTACTS] = p.ric, p.local_vel, p.contacts
    return vecs.astype(np.float32)


def read_humanml3d(array: np.ndarray, source: str = "HumanML3D") -> Motion:
    """A `new_joints` (T, 22, 3) or `new_joint_vecs` (T, 263) array → Motion at 20 fps, HumanML3D's own rate."""
    array = np.asarray(array)
    if array.ndim == 2 and array.shape[1] == VEC_DIM:
        if not np.isfinite(array).all():
            raise MotionError(f"{source}: HumanML3D vectors contain NaN/Inf")
        return Motion(vecs_to_joints(array), source_fps=HUMANML3D_FPS)
    return Motion(array, source_fps=HUMANML3D_FPS)
