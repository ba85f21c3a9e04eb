import numpy as np
import pytest

from llamo import MotionError
from llamo.motion.formats.babel import babel_joints_path, read_babel
from llamo.motion.formats.blazepose import read_blazepose
from llamo.motion.skeleton import JOINT_INDEX as J
from tests.conftest import walking_joints


def to_amass_z_up(joints_y_up: np.ndarray) -> np.ndarray:
    """Inverse of HumanML3D's AMASS conversion (x, y, z) → (-x, z, y)."""
    return np.stack([-joints_y_up[..., 0], joints_y_up[..., 2], joints_y_up[..., 1]], axis=-1)


def test_babel_reads_z_up_30fps_and_drops_hand_joints():
    y_up = walking_joints(61, fps=30)
    amass = np.concatenate([to_amass_z_up(y_up), np.zeros((61, 30, 3))], axis=1)  # SMPL-H: 52 joints
    m = read_babel(amass)
    assert m.fps == 20 and m.num_frames == 41
    np.testing.assert_allclose(m.joints[0], y_up[0], atol=1e-5)
    assert m.joints[:, J["head"], 1].min() > 1.4


def test_babel_errors_and_path():
    with pytest.raises(MotionError, match="AMASS SMPL joints"):
        read_babel(np.zeros((10, 20, 3)))
    assert babel_joints_path("root", "1234").as_posix() == "root/motion_sequences/1234/joints.npy"


def blazepose_from(joints: np.ndarray) -> np.ndarray:
    """Synthetic BlazePose world landmarks (y down, origin at the hips) from canonical joints."""
    lm = np.zeros((len(joints), 33, 3))
    pairs = {11: "l_shoulder", 12: "r_shoulder", 13: "l_elbow", 14: "r_elbow", 15: "l_wrist", 16: "r_wrist",
             23: "l_hip", 24: "r_hip", 25: "l_knee", 26: "r_knee", 27: "l_ankle", 28: "r_ankle",
             29: "l_ankle", 30: "r_ankle", 31: "l_foot", 32: "r_foot", 7: "head", 8: "head", 0: "head"}
    for k, name in pairs.items():
        lm[:, k] = joints[:, J[name]]
    lm[:, 7, 0] += 0.07
    lm[:, 8, 0] -= 0.07
    lm -= (lm[:, 23:24] + lm[:, 24:25]) / 2
    return lm * np.array([1.0, -1.0, -1.0])


def test_blazepose_to_canonical_keeps_limbs_and_sides():
    joints = walking_joints(31, fps=30)
    m = read_blazepose(np.concatenate([blazepose_from(joints), np.ones((31, 33, 1))], axis=-1), fps=30)
    assert m.fps == 20 and m.num_frames == 21
    m = read_blazepose(blazepose_from(joints), fps=20)  # no resampling, so lengths compare frame by frame
    c = m.joints
    assert c[:, J["l_shoulder"], 0].mean() > c[:, J["r_shoulder"], 0].mean()
    assert c[:, J["head"], 1].min() > c[:, J["neck"], 1].max() - 0.05 > c[:, J["pelvis"], 1].max()
    assert c[:, [J["l_ankle"], J["r_ankle"], J["l_foot"], J["r_foot"]], 1].min() == pytest.approx(0, abs=1e-5)
    knee_to_ankle = np.linalg.norm(c[:, J["l_knee"]] - c[:, J["l_ankle"]], axis=-1)
    np.testing.assert_allclose(knee_to_ankle, np.linalg.norm(joints[:, J["l_knee"]] - joints[:, J["l_ankle"]], axis=-1),
                               rtol=1e-5)


def test_blazepose_shape_error():
    with pytest.raises(MotionError, match="33"):
        read_blazepose(np.zeros((10, 25, 3)), fps=30)
