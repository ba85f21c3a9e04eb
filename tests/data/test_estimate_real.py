"""`llamo data estimate` with BlazePose for real (the `pose` extra): pybullet's walk (1.3 s, looped to 2.5 s) as
the one test motion of a folder, rendered, estimated, and written as test_video.json.

Measured on this folder (seed 0): a person on 50 of 50 frames, a median pose error of 0.053 body heights and a
median root error of 0.077 (pelvis-relative joints after the best turn about the vertical, and the pelvis path
from the first frame; video/estimate_error.py). The median pose error is mostly where BlazePose puts joints
(wider hips, a higher neck), so a walk's own mean pose scores 0.015 and the pose tolerance only catches garbage;
the root path tells: the estimate walking in place scores 0.75, mirrored 0.33, 0.5 s late 0.32.
"""

import numpy as np
import pytest

from llamo.data.estimate import EstimateConfig, estimate_folder
from llamo.data.schema import load_records, save_records
from llamo.motion import concatenate, load_motion
from llamo.motion.formats.deepmimic import pybullet_motion_dir
from llamo.motion.io import save_motion
from llamo.video.estimate_error import estimate_error
from tests.data.test_estimate import record
from tests.video.test_estimator_real import mediapipe_or_skip

pytestmark = pytest.mark.slow

POSE_TOLERANCE = 0.1  # body heights, median over joints and frames
ROOT_TOLERANCE = 0.15  # body heights, median over frames


@pytest.fixture(scope="module")
def estimated(tmp_path_factory):
    mediapipe_or_skip()
    folder = tmp_path_factory.mktemp("estimate_real")
    walk = load_motion(pybullet_motion_dir() / "humanoid3d_walk.txt")
    save_motion(concatenate([walk, walk]), folder / "motions" / "test_walk.npy")
    save_records([record("walk_q0", "motions/test_walk.npy", "walk")], folder / "test.json")
    summary = estimate_folder(EstimateConfig(data=folder), report=lambda line: None)
    return folder, summary


def test_blazepose_finds_the_person_and_the_record_points_at_the_estimate(estimated):
    folder, summary = estimated
    assert summary["motions"]["estimated"] == 1 and summary["frames_with_person"] >= 0.9, summary
    (video_record,) = load_records(folder / "test_video.json")
    assert video_record.video == "estimated/motions/test_walk.mp4"
    assert np.load(folder / video_record.motion).shape == np.load(folder / "motions" / "test_walk.npy").shape


def test_the_estimated_joints_follow_the_rendered_motion(estimated):
    folder, summary = estimated
    truth = np.load(folder / "motions" / "test_walk.npy")
    joints = np.load(folder / "estimated" / "motions" / "test_walk.npy")  # [T, 22, 3]
    error = estimate_error(joints, truth)
    assert error.pose < POSE_TOLERANCE and error.root < ROOT_TOLERANCE, error
    assert summary["error_body_heights"]["test"]["pose_median"] == pytest.approx(error.pose, abs=1e-4)
    controls = {"in place": estimate_error(joints - joints[:, :1], truth).root,
                "mirrored": estimate_error(joints * (-1, 1, 1), truth).root,
                "0.5 s late": estimate_error(joints[:-10], truth[10:]).root}
    assert all(root > ROOT_TOLERANCE for root in controls.values()), controls  # the check can tell
