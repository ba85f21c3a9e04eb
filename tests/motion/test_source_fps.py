"""`Motion.source_fps`: the source file's own frame rate, set by every reader and kept by every transform, while
the joints themselves stay at 20 fps."""

import json

import numpy as np
import pytest

from llamo import Motion, MotionError
from llamo.motion.formats.babel import read_babel
from llamo.motion.formats.blazepose import read_blazepose
from llamo.motion.formats.deepmimic import pybullet_motion_dir, read_deepmimic
from llamo.motion.formats.humanml3d import joints_to_vecs, read_humanml3d
from llamo.motion.io import load_motion
from llamo.motion.transforms import change_speed, concatenate, mirror, resample, rotate
from tests.conftest import walking_joints


def test_optional_and_checked(walk_joints):
    assert Motion(walk_joints).source_fps is None and Motion(walk_joints, 20.0).fps == 20.0
    assert Motion(walk_joints, 20.0, 120.0).source_fps == 120.0
    for bad in (0, -30, float("nan"), float("inf")):
        with pytest.raises(MotionError, match=r"source_fps must be a positive number or None \(unknown\)"):
            Motion(walk_joints, 20.0, bad)


def test_transforms_keep_it(walk_joints):
    motion = Motion(walking_joints(61, fps=30), 30.0, 30.0)
    for moved in (resample(motion), change_speed(motion, 1.5), rotate(motion, 0.4), mirror(motion),
                  motion.with_joints(motion.joints + 1.0)):
        assert moved.source_fps == 30.0
    other = Motion(walk_joints, 20.0, 120.0)
    assert concatenate([resample(motion), resample(motion)]).source_fps == 30.0
    assert concatenate([resample(motion), other]).source_fps is None  # two sources, no one rate


def test_array_readers(tmp_path, walk_joints):
    np.save(tmp_path / "joints.npy", walking_joints(61, fps=30))
    assert load_motion(tmp_path / "joints.npy", fps=30).source_fps == 30
    np.save(tmp_path / "canonical.npy", walk_joints)
    assert load_motion(tmp_path / "canonical.npy").source_fps is None  # a canonical .npy carries no rate
    amass = walking_joints(61, fps=30)[..., [0, 2, 1]] * np.array([-1.0, 1.0, 1.0])
    assert read_babel(amass).source_fps == 30.0 and read_babel(amass, fps=60.0).source_fps == 60.0
    landmarks = np.random.default_rng(0).normal(0.0, 0.3, (31, 33, 3))
    assert read_blazepose(landmarks, 25.0).source_fps == 25.0
    assert read_humanml3d(joints_to_vecs(Motion(walk_joints))).source_fps == 20.0


def test_deepmimic_clip_rate(tmp_path):
    clip = pybullet_motion_dir() / "humanoid3d_walk.txt"
    duration = json.loads(clip.read_text())["Frames"][0][0]
    motion = read_deepmimic(clip)
    assert motion.fps == 20 and motion.source_fps == pytest.approx(1.0 / duration)
