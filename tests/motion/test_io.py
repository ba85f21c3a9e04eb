import numpy as np
import pytest

from llamo import Motion, MotionError, load_motion, save_motion
from llamo.motion.formats.deepmimic import pybullet_motion_dir
from llamo.motion.formats.humanml3d import joints_to_vecs
from tests.conftest import walking_joints
from tests.motion.formats.test_babel_blazepose import blazepose_from, to_amass_z_up


def test_save_then_load_is_exact(tmp_path, walk_joints):
    m = Motion(walk_joints)
    path = save_motion(m, tmp_path / "sub" / "walk.npy")
    np.testing.assert_array_equal(load_motion(path).joints, m.joints)
    assert [p.name for p in path.parent.iterdir()] == ["walk.npy"]  # no temp file left behind


def test_dispatch_by_suffix_and_shape(tmp_path, walk_joints):
    np.save(tmp_path / "vecs.npy", joints_to_vecs(Motion(walk_joints)))
    assert load_motion(tmp_path / "vecs.npy").num_frames == 59
    np.save(tmp_path / "joints30.npy", walking_joints(31, fps=30))
    assert load_motion(tmp_path / "joints30.npy", fps=30).num_frames == 21
    np.save(tmp_path / "pose.npy", blazepose_from(walking_joints(31, fps=30)))
    assert load_motion(tmp_path / "pose.npy", fps=30).num_frames == 21
    np.save(tmp_path / "babel.npy", to_amass_z_up(walking_joints(31, fps=30)))
    assert load_motion(tmp_path / "babel.npy", format="babel").num_frames == 21
    assert load_motion(pybullet_motion_dir() / "humanoid3d_kick.txt").joints.shape[1:] == (22, 3)


def write_bytes(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name, make, message", [
    ("x.npy", lambda p: np.save(p, np.zeros((10, 24, 3))), "is not a known motion"),
    ("x.npy", lambda p: np.save(p, np.zeros((10, 52, 3))), "is not a known motion"),
    ("x.npy", lambda p: np.save(p, np.zeros((10, 33, 3))), "pass fps"),
    ("x.npy", lambda p: np.save(p, np.array(["a", "b"])), "expected numbers"),
    ("x.npy", lambda p: np.save(p, np.array([{"a": 1}], dtype=object)), "not a readable .npy"),
    ("x.npy", lambda p: write_bytes(p, b"\x93NUMPY garbage"), "not a readable .npy"),
    ("x.npy", lambda p: write_bytes(p, b""), "empty"),
    ("x.npy", lambda p: np.savez(p.with_suffix(".npz"), a=np.zeros(3)) or p.with_suffix(".npz").rename(p),
     "zip archive"),
    ("x.npy", lambda p: np.save(p, walking_joints() * 1000), "millimetres"),
    ("x.fbx", lambda p: write_bytes(p, b"Kaydara FBX Binary"), "unknown motion file type '.fbx'"),
    ("x.txt", lambda p: write_bytes(p, b"hello"), "not a DeepMimic clip"),
    ("x.bvh", lambda p: write_bytes(p, b"\xff\xfe\x00binary"), "x.bvh"),
])
def test_bad_files_raise_motion_error(tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    with pytest.raises(MotionError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        load_motion(path)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(MotionError, match="no such motion file"):
        load_motion(tmp_path / "nope.npy")
    np.save(tmp_path / "x.npy", walking_joints())
    with pytest.raises(MotionError, match="unknown motion format 'amass'"):
        load_motion(tmp_path / "x.npy", format="amass")


def test_save_refuses_other_suffix(tmp_path, walk_joints):
    with pytest.raises(MotionError, match=r"\.npy"):
        save_motion(Motion(walk_joints), tmp_path / "x.csv")
