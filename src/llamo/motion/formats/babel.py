"""BABEL-QA motion: `motion_sequences/<id>/joints.npy`, AMASS SMPL joint positions at 30 fps, z-up.

The first 22 SMPL joints are the canonical ones (same order); extra SMPL-H hand joints are dropped.
"""

from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..motion import CANONICAL_FPS, Motion
from ..skeleton import NUM_JOINTS
from ..transforms import resample, to_y_up

BABEL_FPS = 30.0


def read_babel(array: np.ndarray, fps: float = BABEL_FPS, source: str = "BABEL joints") -> Motion:
    """AMASS joints [T, J >= 22, 3] (z-up, metres, `fps`) → canonical Motion at 20 fps."""
    array = np.asarray(array)
    if array.ndim != 3 or array.shape[1] < NUM_JOINTS or array.shape[2] != 3:
        raise MotionError(f"{source}: shape {array.shape}; expected (T, J >= {NUM_JOINTS}, 3) AMASS SMPL joints")
    joints = to_y_up(array[:, :NUM_JOINTS].astype(np.float64), "z")
    return resample(Motion(joints, fps, source_fps=fps), CANONICAL_FPS)


def babel_joints_path(root: str | Path, babel_id: str) -> Path:
    """Where BABEL-QA keeps one sequence: ROOT/motion_sequences/<id>/joints.npy."""
    return Path(root) / "motion_sequences" / str(babel_id) / "joints.npy"
