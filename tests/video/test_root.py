"""Root motion from video (video/root.py): image landmarks made by projecting known 3D joints through a known
PinholeCamera (what a perfect BlazePose would report) give back the pelvis trajectory; bad input fails clearly.
Shapes: T frames, J=22 joints, N=33 landmarks."""

import numpy as np
import pytest

from llamo.errors import ConfigError, DataError, MotionError
from llamo.motion import concatenate, load_motion
from llamo.motion.formats.blazepose import NUM_LANDMARKS
from llamo.motion.formats.deepmimic import pybullet_motion_dir
from llamo.motion.skeleton import JOINT_INDEX
from llamo.video.camera import PinholeCamera, look_at
from llamo.video.estimator import motion_from_track
from llamo.video.root import PoseTrack, default_focal, recover_root, segment_height, smooth

FPS = 20.0
WIDTH, HEIGHT, FOCAL = 384, 288, 1.2  # focal in image widths, CameraSpec's unit
# BlazePose landmark → canonical joint (face points copy the head, hand points the wrists; heels and toes below).
LANDMARK_JOINTS = {**{i: "head" for i in range(11)}, **{i: "l_wrist" for i in (15, 17, 19, 21)},
                   **{i: "r_wrist" for i in (16, 18, 20, 22)}, 11: "l_shoulder", 12: "r_shoulder", 13: "l_elbow",
                   14: "r_elbow", 23: "l_hip", 24: "r_hip", 25: "l_knee", 26: "r_knee", 27: "l_ankle", 28: "r_ankle"}


def clip(name: str, loops: int = 1) -> np.ndarray:
    """pybullet's DeepMimic clip `name` (feet that stand still, as a real walk's do), looped: [T, 22, 3]."""
    motion = load_motion(pybullet_motion_dir() / f"humanoid3d_{name}.txt")
    return np.asarray(concatenate([motion] * loops).joints, np.float64)


def landmarks_3d(joints: np.ndarray) -> np.ndarray:
    """World points [T, 33, 3] of BlazePose's landmarks on canonical joints [T, 22, 3]; heel and toe sit on the
    sole (a planted DeepMimic ankle is 5.5 cm up, the ball of its foot 2 cm)."""
    points = np.zeros((len(joints), NUM_LANDMARKS, 3))
    for landmark, name in LANDMARK_JOINTS.items():
        points[:, landmark] = joints[:, JOINT_INDEX[name]]
    for heel, toe, side in ((29, 31, "l"), (30, 32, "r")):
        ankle, foot = joints[:, JOINT_INDEX[f"{side}_ankle"]], joints[:, JOINT_INDEX[f"{side}_foot"]]
        points[:, heel] = ankle - (0.0, 0.05, 0.0)
        points[:, toe] = foot + 0.5 * (foot - ankle) * (1.0, 0.0, 1.0) - (0.0, 0.02, 0.0)
    return points


def perfect_track(joints: np.ndarray, cam: PinholeCamera) -> PoseTrack:
    """What a perfect BlazePose reports for joints [T, 22, 3] seen by the still camera `cam`: world landmarks
    hip-centred in the camera's axes (x right, y down, z away), image landmarks as fractions of the frame."""
    points = landmarks_3d(joints)  # [T, 33, 3]
    hips = points[:, [23, 24]].mean(1, keepdims=True)  # [T, 1, 3]
    pixels, _ = cam.project(points)  # [T, 33, 2]
    visibility = np.full((*points.shape[:2], 1), 0.9)
    world = np.concatenate([(points - hips) @ cam.R.T, visibility], -1)  # [T, 33, 4]
    image = np.concatenate([pixels / (cam.width, cam.height), np.zeros_like(visibility), visibility], -1)
    return PoseTrack(world.astype(np.float32), image.astype(np.float32), cam.width, cam.height)


def camera_facing(joints: np.ndarray, azimuth_deg: float, distance: float, height: float) -> PinholeCamera:
    """A level camera `distance` m from the clip's middle (horizontally), `height` m up, at `azimuth_deg` about
    the vertical from +z, looking at the middle at hip height."""
    middle = joints[:, 0].mean(0) * (1.0, 0.0, 1.0) + (0.0, 0.9, 0.0)
    az = np.radians(azimuth_deg)
    eye = middle + distance * np.array([np.sin(az), 0.0, np.cos(az)]) + (0.0, height - 0.9, 0.0)
    return look_at(eye, middle, FOCAL * WIDTH, WIDTH, HEIGHT)


def ground_truth(joints: np.ndarray, cam: PinholeCamera) -> np.ndarray:
    """The hip midpoint [T, 3] in the camera's ground frame: x right, y up from the floor (y = 0), z back."""
    right = cam.R[0]
    basis = np.stack([right, (0.0, 1.0, 0.0), np.cross(right, (0.0, 1.0, 0.0))])  # [3, 3] rows
    hips = landmarks_3d(joints)[:, [23, 24]].mean(1)  # [T, 3]
    return (hips - cam.eyes[0] * (1.0, 0.0, 1.0)) @ basis.T


@pytest.fixture(scope="module")
def walk() -> np.ndarray:
    return clip("walk", loops=3)  # 3.6 s, 3.5 m forward (+z)


@pytest.fixture(scope="module")
def jump() -> np.ndarray:
    return clip("jump")  # 1.8 s: a crouch, a jump up and a little forward, a landing


@pytest.mark.parametrize("azimuth, height", [(30, 1.4), (90, 1.0), (200, 2.4)])
def test_a_walk_seen_by_a_still_camera_comes_back_within_a_few_cm(walk, azimuth, height):
    cam = camera_facing(walk, azimuth, 6.0, height)
    root = recover_root(perfect_track(walk, cam), FPS, FOCAL)
    truth = ground_truth(walk, cam)  # [T, 3]
    error = np.linalg.norm(root.pelvis - truth, axis=-1)  # [T] absolute: the floor and the camera are found too
    assert np.median(error) < 0.03 and error.max() < 0.06, (np.median(error), error.max())
    # Contacts at one depth (the side view) leave the pitch to its prior: the camera height is looser there.
    assert abs(root.camera_height - height) < (0.1 if azimuth == 90 else 0.03) and root.focal == FOCAL * WIDTH
    travel, recovered = truth[-1] - truth[0], root.pelvis[-1] - root.pelvis[0]
    assert np.linalg.norm(travel[[0, 2]]) > 3.0  # the test means something: the pelvis travels
    cos = travel[[0, 2]] @ recovered[[0, 2]] / np.linalg.norm(travel[[0, 2]]) / np.linalg.norm(recovered[[0, 2]])
    assert np.degrees(np.arccos(min(cos, 1.0))) < 1.0
    np.testing.assert_allclose(root.in_body_heights, root.pelvis / root.body_height)
    assert abs(root.body_height - segment_height(walk)) < 0.01  # the world landmarks' own size


def test_a_jump_rises_and_lands(jump):
    cam = camera_facing(jump, 90, 4.0, 1.2)
    root = recover_root(perfect_track(jump, cam), FPS, FOCAL)
    truth = ground_truth(jump, cam)
    assert np.abs(root.pelvis - truth).max() < 0.04
    rise, recovered_rise = np.ptp(truth[:, 1]), np.ptp(root.pelvis[:, 1])
    assert rise > 0.3 and abs(recovered_rise - rise) < 0.02  # crouch to apex
    assert abs(np.argmax(root.pelvis[:, 1]) - np.argmax(truth[:, 1])) <= 1


def test_the_estimator_carries_the_upright_pose_along_the_trajectory(walk):
    cam = camera_facing(walk, 30, 6.0, 1.4)
    motion = motion_from_track(perfect_track(walk, cam), FPS, FOCAL)
    truth = ground_truth(walk, cam)
    pelvis = motion.joints[:, JOINT_INDEX["pelvis"]]  # BlazePose's pelvis: the hip midpoint
    assert motion.fps == FPS and motion.num_frames == len(walk)
    assert np.median(np.linalg.norm(pelvis - truth, axis=-1)) < 0.03
    head_above_pelvis = motion.joints[:, JOINT_INDEX["head"], 1] - pelvis[:, 1]  # upright: y is up
    assert np.all(head_above_pelvis > 0.4)
    feet = motion.joints[:, [JOINT_INDEX[n] for n in ("l_foot", "r_foot")], 1]  # [T, 2]
    assert abs(np.min(feet)) < 0.05  # standing on the fitted floor, y = 0


def test_a_track_without_image_landmarks_stays_in_place(walk):
    track = perfect_track(walk, camera_facing(walk, 30, 6.0, 1.4))
    world_only = PoseTrack(track.world, np.full_like(track.image, np.nan), WIDTH, HEIGHT)
    pelvis = motion_from_track(world_only, FPS).joints[:, 0]
    assert np.ptp(pelvis[:, [0, 2]], axis=0).max() < 0.01


def test_frames_without_a_pose_are_bridged(walk):
    cam = camera_facing(walk, 30, 6.0, 1.4)
    track = perfect_track(walk, cam)
    world, image = track.world.copy(), track.image.copy()
    world[20:24] = image[20:24] = np.nan  # 0.2 s without a detection
    root = recover_root(PoseTrack(world, image, WIDTH, HEIGHT), FPS, FOCAL)
    assert np.isfinite(root.pelvis).all()
    assert np.linalg.norm(root.pelvis - ground_truth(walk, cam), axis=-1)[20:24].max() < 0.06


def test_the_default_focal_length_is_the_image_diagonal(walk):
    assert default_focal(300, 400) == 500.0
    cam = camera_facing(walk, 90, 6.0, 1.4)  # the walk crosses the view: a wrong focal length only scales depth
    root = recover_root(perfect_track(walk, cam), FPS)
    assert root.focal == 480.0
    sideways = root.pelvis[:, 0] - root.pelvis[0, 0], ground_truth(walk, cam)[:, 0] - ground_truth(walk, cam)[0, 0]
    assert np.abs(sideways[0] - sideways[1]).max() < 0.05


def test_smoothing_keeps_a_steady_walk_and_fills_gaps():
    line = np.linspace(0.0, 3.0, 40)  # [T]
    valid = np.ones(40, dtype=bool)
    valid[[0, 1, 15, 16, 17, 39]] = False
    np.testing.assert_allclose(smooth(np.where(valid, line, 99.0), valid, 4.0)[2:39], line[2:39], atol=1e-9)
    held = smooth(np.where(valid, line, 99.0), valid, 4.0)
    assert held[0] == held[1] == held[2] and held[39] == held[38]  # no extrapolation past the ends


def test_degenerate_input_fails_clearly(walk):
    empty = PoseTrack(np.zeros((0, 33, 4)), np.zeros((0, 33, 4)), WIDTH, HEIGHT)
    with pytest.raises(MotionError, match=r"shape \(0, 33, 4\); expected \(T >= 1, 33, 4\)"):
        recover_root(empty, FPS)
    nan = np.full((10, 33, 4), np.nan)
    with pytest.raises(MotionError, match="none of the 10 frames has finite landmarks"):
        recover_root(PoseTrack(nan, nan, WIDTH, HEIGHT), FPS)
    with pytest.raises(DataError, match="no person found in clip.mp4"):
        motion_from_track(PoseTrack(nan, nan, WIDTH, HEIGHT), FPS, source="clip.mp4")
    with pytest.raises(MotionError, match="image landmarks have shape \\(10, 17, 4\\)"):
        recover_root(PoseTrack(nan, np.zeros((10, 17, 4)), WIDTH, HEIGHT), FPS)
    with pytest.raises(MotionError, match="10 frames of world landmarks but 9 of image landmarks"):
        recover_root(PoseTrack(nan, nan[:9], WIDTH, HEIGHT), FPS)
    track = perfect_track(walk, camera_facing(walk, 30, 6.0, 1.4))
    inside_out = PoseTrack(-track.world, track.image, WIDTH, HEIGHT)  # mirrored through the hips
    with pytest.raises(MotionError, match=r"behind the camera in \d+ frame"):
        recover_root(inside_out, FPS, FOCAL)
    with pytest.raises(ConfigError, match="must be positive"):
        recover_root(track, FPS, focal=0.0)
    with pytest.raises(ConfigError, match="must be positive"):
        recover_root(track, 0.0)


def local_speed(joints: np.ndarray) -> float:
    """Mean frame-to-frame speed of the joints about the pelvis [T, 22, 3] → metres per frame."""
    local = joints - joints[:, :1]
    return float(np.linalg.norm(np.diff(local, axis=0), axis=-1).mean())


def test_the_estimators_jitter_is_damped_in_time(walk):
    track = perfect_track(walk, camera_facing(walk, 30, 6.0, 1.4))
    noise = np.random.default_rng(0).normal(0.0, 0.015, track.world[..., :3].shape)  # BlazePose-like jitter
    jittery = PoseTrack(np.concatenate([track.world[..., :3] + noise, track.world[..., 3:]], -1), track.image,
                        WIDTH, HEIGHT)
    clean = local_speed(motion_from_track(track, FPS, FOCAL).joints)
    raw = local_speed(motion_from_track(jittery, FPS, FOCAL).joints)
    assert raw / clean < 1.25  # unsmoothed (POSE_SMOOTH_S = 0): 1.87x as fast
