import json

import numpy as np
import pytest

from llamo import MotionError
from llamo.motion.formats.deepmimic import pybullet_motion_dir, read_deepmimic
from llamo.motion.skeleton import JOINT_INDEX as J
from llamo.motion.transforms import canonicalize


@pytest.fixture(scope="module")
def walk():
    return read_deepmimic(pybullet_motion_dir() / "humanoid3d_walk.txt")


def test_every_shipped_humanoid_clip_converts():
    files = sorted(pybullet_motion_dir().glob("humanoid3d_*.txt")) + sorted(pybullet_motion_dir().glob("walker/*.txt"))
    assert len(files) == 20
    for f in files:
        m = read_deepmimic(f)
        assert m.fps == 20 and m.joints.shape[1:] == (22, 3) and m.num_frames >= 15, f.name


def test_walk_has_plausible_height_and_feet_on_floor(walk):
    j = walk.joints
    height = j[:, J["head"], 1].max() - j[:, [J["l_foot"], J["r_foot"]], 1].min()
    assert 1.4 <= height <= 2.0
    lowest_foot = j[:, [J["l_ankle"], J["r_ankle"], J["l_foot"], J["r_foot"]], 1].min(axis=1)  # [T]
    assert np.all(lowest_foot < 0.12) and lowest_foot.min() > -0.03  # one foot always near the floor
    assert np.all(j[:, J["head"], 1] > j[:, J["pelvis"], 1] + 0.4)


def test_left_is_left_and_walk_goes_forward(walk):
    c = canonicalize(walk).joints  # facing +z, so the person's left is +x
    for left, right in (("l_hip", "r_hip"), ("l_shoulder", "r_shoulder"), ("l_knee", "r_knee")):
        assert np.median(c[:, J[left], 0] - c[:, J[right], 0]) > 0.1
    assert c[-1, 0, 2] - c[0, 0, 2] > 1.0  # ~1.2 m forward in one cycle
    assert np.all(c[:, J["l_foot"], 2] > c[:, J["l_ankle"], 2] - 0.05)  # toes point forward


def test_bone_lengths_stay_constant(walk):
    j = walk.joints
    shin = np.linalg.norm(j[:, J["l_knee"]] - j[:, J["l_ankle"]], axis=-1)
    assert shin.std() < 2e-3  # resampling by linear interpolation shortens bones a little
    assert 0.35 < shin.mean() < 0.5


@pytest.mark.parametrize("content, message", [
    ("not json at all", "not a DeepMimic clip"),
    (json.dumps({"Loop": "wrap"}), "not a DeepMimic clip"),
    (json.dumps({"Frames": [[0.1] * 20, [0.1] * 20]}), "expected (T >= 2, 44)"),
    (json.dumps({"Frames": [[0.1] * 44]}), "expected (T >= 2, 44)"),
])
def test_bad_clips(tmp_path, content, message):
    path = tmp_path / "clip.txt"
    path.write_text(content)
    with pytest.raises(MotionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_deepmimic(path)
