import numpy as np

from llamo import Motion
from llamo.data.augment import MotionSpec, realise, repeat_clip
from llamo.motion.transforms import heading
from tests.conftest import walking_joints


def test_repeat_clip_lengths():
    clip = Motion(walking_joints(21))
    assert repeat_clip(clip, 1, cyclic=False, phase=0).num_frames == 21
    assert repeat_clip(clip, 3, cyclic=False, phase=0).num_frames == 21 * 3 - 2 * 6  # two 6-frame blends
    looped = repeat_clip(clip, 2, cyclic=True, phase=0.5)
    assert looped.num_frames == 2 * 20 + 1


def test_realise_is_deterministic_and_applies_the_spec():
    clips = {"w": Motion(walking_joints(40))}
    spec = MotionSpec(id="x", split="train", parts=("w",), mirror=True, speed=2.0, heading_deg=90.0, noise_seed=7)
    a, b = realise(spec, clips, {"w": False}), realise(spec, clips, {"w": False})
    np.testing.assert_array_equal(a.joints, b.joints)
    assert a.num_frames == 20  # twice as fast
    assert abs(heading(np.asarray(a.joints[0], np.float64)) - np.pi / 2) < 0.1
    assert np.linalg.norm(a.joints[0, 0, [0, 2]]) < 0.02  # starts at the origin (up to noise)
    other = realise(MotionSpec(**{**spec.__dict__, "noise_seed": 8}), clips, {"w": False})
    assert 0 < np.abs(other.joints - a.joints).max() < 0.05
