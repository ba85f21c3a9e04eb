"""The camera's travel read from the floor (video/camera_travel.py) on rendered tracking shots, with the landmarks
a perfect BlazePose would report (tests/video/test_root.py), so no mediapipe is needed."""

import numpy as np
import pytest

from llamo.video.body_render import render_body_frames
from llamo.video.camera import CameraSpec
from llamo.video.camera_travel import FloorView, camera_travel
from llamo.video.estimate_error import estimate_error
from llamo.video.estimator import motion_from_track
from llamo.video.root import ground_basis, recover_root
from tests.video.test_root import FPS, clip, perfect_track

SIZE = (256, 192)


def rendered(track: bool):
    walk = clip("walk", loops=3)  # 3.6 s, 3.5 m forward
    spec = CameraSpec(distance=3.0, height=1.4, azimuth_deg=60.0, focal=1.2, track=track)
    render = render_body_frames(walk, camera=spec, size=SIZE, seed=4)
    return walk, render, perfect_track(walk, render.camera)


@pytest.fixture(scope="module")
def tracking_shot():
    return rendered(track=True)


def test_floor_pixels_and_ground_points_round_trip():
    view = FloorView(ground_basis(np.radians(15.0)), 1.4, 200.0, *SIZE)
    uv = view.pixels[view.on_floor][::97]  # [M, 2]
    ground, hit = view.to_ground(uv)
    assert hit.all() and np.abs(view.to_pixels(ground) - uv).max() < 1e-6
    assert (ground[:, 1] < 0).all()  # the floor in view lies in front of the camera (ground z points back)


def test_a_dolly_is_read_from_the_floor(tracking_shot):
    walk, render, track = tracking_shot
    root = recover_root(track, FPS, 1.2)
    travel = camera_travel(render.frames, track.image, root.rotation, root.camera_height, root.focal)  # [T, 2]
    truth = render.camera.eyes - render.camera.eyes[0]  # [T, 3] world
    assert np.ptp(truth[:, [0, 2]], axis=0).max() > 1.5  # the camera really travels
    assert abs(np.linalg.norm(travel[-1]) - np.linalg.norm(truth[-1, [0, 2]])) < 0.15 * np.linalg.norm(truth[-1])


def test_a_tracking_shots_walk_travels_again(tracking_shot):
    walk, render, track = tracking_shot
    in_place = estimate_error(motion_from_track(track, FPS, 1.2).joints, walk).root
    travelled = estimate_error(motion_from_track(track, FPS, 1.2, frames=render.frames).joints, walk).root
    assert in_place > 0.5 and travelled < 0.15  # body heights, median over frames


def test_a_still_camera_reads_no_travel():
    walk, render, track = rendered(track=False)
    root = recover_root(track, FPS, 1.2)
    travel = camera_travel(render.frames, track.image, root.rotation, root.camera_height, root.focal)
    assert np.abs(travel).max() < 0.02


def test_no_floor_in_view_reads_no_travel(tracking_shot):
    walk, render, track = tracking_shot
    looking_up = ground_basis(np.radians(-40.0))  # a camera tilted up sees no floor: nothing to read
    travel = camera_travel(render.frames, track.image, looking_up, 1.4, 1.2 * SIZE[0])
    assert not travel.any()


def test_frames_without_floor_in_view_carry_the_dolly_on(tracking_shot):
    walk, render, track = tracking_shot
    root = recover_root(track, FPS, 1.2)
    image = track.image.copy()
    image[30:34, :, :2] = np.tile([[0.0, 0.0], [1.0, 1.0]], (4, 17, 1))[:, :33]  # the person fills the frame
    truth = render.camera.eyes - render.camera.eyes[0]
    travel = camera_travel(render.frames, image, root.rotation, root.camera_height, root.focal)
    assert abs(np.linalg.norm(travel[-1]) - np.linalg.norm(truth[-1, [0, 2]])) < 0.15 * np.linalg.norm(truth[-1])
    steps = np.diff(travel, axis=0)  # [T-1, 2]: the pairs 29-30 .. 33-34 repeat pair 28-29's step
    assert np.allclose(steps[29:34], steps[28])
