import re

import numpy as np
import pytest

from llamo import Motion, MotionError


def test_motion_is_float32_and_read_only(walk_joints):
    m = Motion(walk_joints)
    assert m.joints.dtype == np.float32 and m.joints.shape == (60, 22, 3)
    assert m.fps == 20 and m.duration == pytest.approx(59 / 20)
    with pytest.raises(ValueError):
        m.joints[0, 0, 0] = 1.0


@pytest.mark.parametrize("make, message", [
    (lambda j: j[:, :21], "expected (T, 22, 3)"),
    (lambda j: j[..., :2], "expected (T, 22, 3)"),
    (lambda j: j.reshape(60, -1), "expected (T, 22, 3)"),
    (lambda j: j[:1], "at least 2 frames"),
    (lambda j: j[:0], "at least 2 frames"),
    (lambda j: np.where(np.arange(60)[:, None, None] == 7, np.nan, j), "NaN/Inf values in frames [7]"),
    (lambda j: np.where(np.arange(60)[:, None, None] == 3, np.inf, j), "NaN/Inf"),
    (lambda j: j * 1000, "millimetres"),
    (lambda j: j * 100, "centimetres"),
    (lambda j: j * 0.01, "check the units"),
    (lambda j: j.astype(str), "float array"),
])
def test_bad_joints_raise_motion_error(walk_joints, make, message):
    with pytest.raises(MotionError, match=re.escape(message)):
        Motion(make(walk_joints))


@pytest.mark.parametrize("fps", [0, -5, float("nan")])
def test_bad_fps(walk_joints, fps):
    with pytest.raises(MotionError, match="fps"):
        Motion(walk_joints, fps)
