import numpy as np
import pytest

from llamo import Motion, MotionError
from llamo.motion import FEATURE_DIM, Normalizer, motion_features, rotate
from llamo.motion.features import gaussian_smooth
from llamo.motion.formats.humanml3d import CONTACTS, LOCAL_VEL, RIC, joints_to_vecs
from tests.conftest import walking_joints


def test_features_shape_and_heading_invariance():
    m = Motion(walking_joints(50, turn_rate=0.6))
    f = motion_features(m)
    assert f.shape == (50, FEATURE_DIM) == (50, 137) and f.dtype == np.float32
    moved = rotate(Motion(m.joints + np.array([4.0, 0.0, -3.0])), 2.1)
    np.testing.assert_allclose(motion_features(moved), f, atol=1e-4)


def test_features_are_the_263_vector_without_rotations():
    m = Motion(walking_joints(50, turn_rate=0.6))
    f, v = motion_features(m)[:-1], joints_to_vecs(m)
    np.testing.assert_allclose(f[:, 0], v[:, 3], atol=1e-5)  # root height
    np.testing.assert_allclose(f[:, 1:4], v[:, 0:3], atol=1e-5)  # yaw and planar velocity
    np.testing.assert_allclose(f[:, 4:67], v[:, RIC], atol=1e-5)
    np.testing.assert_allclose(f[:, 67:133], v[:, LOCAL_VEL], atol=1e-5)
    np.testing.assert_allclose(f[:, 133:], v[:, CONTACTS])


def test_walking_forward_has_positive_forward_velocity():
    f = motion_features(Motion(walking_joints(40, speed=1.2)))
    assert f[5:-5, 3].mean() == pytest.approx(1.2 / 20, rel=0.05)  # metres per frame along +z of the facing frame


def test_gaussian_smooth_keeps_constants():
    x = np.ones((30, 3))
    np.testing.assert_allclose(gaussian_smooth(x, 5.0), x)


def test_normalizer_round_trip(tmp_path):
    feats = [motion_features(Motion(walking_joints(n))) for n in (30, 45)]
    norm = Normalizer.fit(feats)
    z = norm.normalize(np.concatenate(feats))
    assert np.abs(z.mean(0)).max() < 1e-4
    norm.save(tmp_path / "norm.json")
    loaded = Normalizer.load(tmp_path / "norm.json")
    np.testing.assert_array_equal(loaded.mean, norm.mean)
    np.testing.assert_array_equal(loaded.std, norm.std)
    np.testing.assert_allclose(loaded.denormalize(z), np.concatenate(feats), atol=1e-5)


@pytest.mark.parametrize("text", ["not json", '{"mean": [1, 2]}', '{"mean": [1, 2], "std": [1]}',
                                  '{"mean": [1], "std": [0]}'])
def test_normalizer_load_errors(tmp_path, text):
    path = tmp_path / "norm.json"
    path.write_text(text)
    with pytest.raises(MotionError, match="norm.json"):
        Normalizer.load(path)
