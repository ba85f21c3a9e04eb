import numpy as np
import pytest

from llamo import Motion, MotionError
from llamo.motion.skeleton import MIRROR
from llamo.motion.transforms import (canonicalize, change_speed, concatenate, heading, mirror, resample, reverse,
                                     rotate, smooth_in_time, to_y_up, y_rotation)
from tests.conftest import walking_joints


def test_resample_keeps_duration_and_interpolates_linearly():
    m = Motion(walking_joints(61, fps=30), fps=30)
    r = resample(m)
    assert r.fps == 20 and r.num_frames == 41 and r.duration == pytest.approx(m.duration)
    # frame 1 at 20 fps is t=0.05 s = 1.5 source frames
    np.testing.assert_allclose(r.joints[1], (m.joints[1] + m.joints[2]) / 2, atol=1e-6)
    np.testing.assert_allclose(r.joints[-1], m.joints[-1], atol=1e-6)


def test_change_speed_shortens_and_covers_same_path():
    m = Motion(walking_joints(81))
    fast = change_speed(m, 2.0)
    assert fast.num_frames == 41
    np.testing.assert_allclose(fast.joints[-1], m.joints[-1], atol=1e-6)
    with pytest.raises(MotionError):
        change_speed(m, 0)


def test_mirror_twice_is_identity_and_swaps_sides():
    m = Motion(walking_joints(turn_rate=0.5))
    np.testing.assert_array_equal(mirror(mirror(m)).joints, m.joints)
    once = mirror(m)
    np.testing.assert_allclose(once.joints[:, 1, 0], -m.joints[:, 2, 0])  # new l_hip = reflected old r_hip
    assert MIRROR[MIRROR[5]] == 5
    # a left turn becomes a right turn
    change = lambda j: np.unwrap(heading(j))[-1] - np.unwrap(heading(j))[0]  # noqa: E731
    assert change(m.joints) > 0.5 and change(once.joints) < -0.5


def test_rotate_adds_to_heading_and_keeps_lengths():
    m = Motion(walking_joints())
    r = rotate(m, 0.7)
    assert heading(r.joints[0]) == pytest.approx(heading(m.joints[0]) + 0.7, abs=1e-5)
    np.testing.assert_allclose(np.linalg.norm(r.joints, axis=-1), np.linalg.norm(m.joints, axis=-1), atol=1e-5)
    np.testing.assert_allclose(y_rotation(0.3) @ y_rotation(-0.3), np.eye(3), atol=1e-12)


def test_canonicalize_faces_plus_z_from_origin_on_floor():
    m = rotate(Motion(walking_joints() + np.array([3.0, 0.4, -2.0])), 2.0)
    c = canonicalize(m).joints
    assert abs(heading(c[0])) < 1e-5
    np.testing.assert_allclose(c[0, 0, [0, 2]], 0, atol=1e-5)
    assert c[..., 1].min() == pytest.approx(0, abs=1e-6)
    assert c[0, 1, 0] > c[0, 2, 0]  # left hip on +x


def test_to_y_up_conventions_are_rotations():
    z_up = np.array([[0.0, 0.0, 1.7]])  # a head 1.7 m above the floor in z-up
    np.testing.assert_allclose(to_y_up(z_up, "z"), [[0.0, 1.7, 0.0]])
    np.testing.assert_allclose(to_y_up(np.array([[0.0, -1.0, 0.0]]), "-y"), [[0.0, 1.0, 0.0]])
    from llamo.motion.transforms import UP_AXES
    for matrix in UP_AXES.values():
        assert np.linalg.det(matrix) == pytest.approx(1.0)
    with pytest.raises(MotionError, match="unknown up axis"):
        to_y_up(z_up, "x")


def test_concatenate_continues_without_jumps():
    a = Motion(walking_joints(40))
    b = rotate(Motion(walking_joints(30) + np.array([5.0, 0.0, 5.0])), 1.0)
    joined = concatenate([a, b], blend_frames=6)
    assert joined.num_frames == 40 + 30 - 6
    step = np.linalg.norm(np.diff(joined.joints[:, 0], axis=0), axis=-1)
    assert step.max() < 0.1  # ~1 m/s walk is 0.05 m per frame; no teleport to b's original place
    np.testing.assert_allclose(joined.joints[:34], a.joints[:34])


def test_concatenate_checks_inputs():
    with pytest.raises(MotionError):
        concatenate([])
    with pytest.raises(MotionError, match="frame rate"):
        concatenate([Motion(walking_joints()), Motion(walking_joints(), fps=30)])


def test_reverse_plays_backwards():
    m = Motion(walking_joints())
    np.testing.assert_array_equal(reverse(m).joints[0], m.joints[-1])


def test_smooth_in_time_keeps_lines_and_damps_noise():
    t = np.arange(40, dtype=np.float64)
    line = np.stack([t, -2 * t + 1], -1)[:, None]  # [T, 1, 2]
    assert np.allclose(smooth_in_time(line, 1.5)[5:-5], line[5:-5])  # a steady movement keeps its speed
    noise = np.random.default_rng(0).normal(size=(2000, 22, 3)).astype(np.float32)
    smoothed = smooth_in_time(noise, 1.0)
    assert smoothed.shape == noise.shape and smoothed.dtype == np.float32
    assert 0.25 < smoothed.std() / noise.std() < 0.65  # white noise: sqrt(sum w^2) = 0.53 for sigma 1
    one_frame = noise[:1]
    assert smooth_in_time(noise, 0.0) is noise and smooth_in_time(one_frame, 2.0) is one_frame
