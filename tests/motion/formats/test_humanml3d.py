import numpy as np
import pytest

from llamo import Motion, MotionError
from llamo.motion.formats.humanml3d import (CONTACTS, LOCAL_VEL, RIC, ROT6D, humanml3d_frame, joints_to_vecs,
                                            read_humanml3d, vecs_to_joints)
from tests.conftest import walking_joints


def published_recover_from_ric(data: np.ndarray, joints_num: int = 22) -> np.ndarray:
    """HumanML3D's recover_root_rot_pos + recover_from_ric, transcribed from torch to numpy with its quaternions."""
    def qinv(q):
        return q * np.array([1.0, -1.0, -1.0, -1.0])

    def qrot(q, v):
        qvec = q[..., 1:]
        uv = np.cross(qvec, v)
        uuv = np.cross(qvec, uv)
        return v + 2 * (q[..., :1] * uv + uuv)

    rot_vel = data[..., 0]
    r_rot_ang = np.zeros_like(rot_vel)
    r_rot_ang[1:] = rot_vel[:-1]
    r_rot_ang = np.cumsum(r_rot_ang)
    r_rot_quat = np.zeros(data.shape[:-1] + (4,))
    r_rot_quat[..., 0] = np.cos(r_rot_ang)
    r_rot_quat[..., 2] = np.sin(r_rot_ang)
    r_pos = np.zeros(data.shape[:-1] + (3,))
    r_pos[1:, [0, 2]] = data[:-1, 1:3]
    r_pos = np.cumsum(qrot(qinv(r_rot_quat), r_pos), axis=0)
    r_pos[:, 1] = data[:, 3]
    positions = data[:, 4:(joints_num - 1) * 3 + 4].reshape(len(data), -1, 3)
    positions = qrot(np.repeat(qinv(r_rot_quat)[:, None], joints_num - 1, 1), positions)
    positions[..., 0] += r_pos[:, None, 0]
    positions[..., 2] += r_pos[:, None, 2]
    return np.concatenate([r_pos[:, None], positions], axis=1)


def test_recovery_matches_published_code_on_arbitrary_vectors():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(50, 263)) * 0.3
    np.testing.assert_allclose(vecs_to_joints(vecs), published_recover_from_ric(vecs), atol=1e-5)


@pytest.mark.parametrize("turn_rate", [0.0, 0.8, -2.5])
def test_round_trip_joints_263_joints(turn_rate):
    motion = Motion(walking_joints(120, turn_rate=turn_rate) + np.array([2.0, 0.3, -1.0]))
    vecs = joints_to_vecs(motion)
    assert vecs.shape == (119, 263) and vecs.dtype == np.float32
    recovered = vecs_to_joints(vecs)
    assert np.abs(recovered - humanml3d_frame(motion)[:-1]).max() < 1e-4


def test_vector_parts_layout():
    vecs = joints_to_vecs(Motion(walking_joints(40)))
    assert (RIC.start, ROT6D.start, LOCAL_VEL.start, CONTACTS.start, CONTACTS.stop) == (4, 67, 193, 259, 263)
    assert not vecs[:, ROT6D].any()  # documented: left zero
    assert set(np.unique(vecs[:, CONTACTS])) <= {0.0, 1.0}
    assert vecs[:, 3].min() > 0.5  # root height of a standing figure


def test_read_humanml3d_dispatches_by_shape(walk_joints):
    assert read_humanml3d(walk_joints).num_frames == 60
    assert read_humanml3d(joints_to_vecs(Motion(walk_joints))).num_frames == 59
    bad = joints_to_vecs(Motion(walk_joints))
    bad[3, 10] = np.nan
    with pytest.raises(MotionError, match="NaN"):
        read_humanml3d(bad)
    with pytest.raises(MotionError, match="263"):
        vecs_to_joints(np.zeros((10, 251)))
