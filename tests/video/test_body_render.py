"""The solid-body renderer: frame shapes, a person-sized body where the camera says the pelvis is, appearance and
seed behaviour, the tracking camera, an mp4 that decodes back, and the ray casts it is built on."""

import numpy as np
import pytest

from llamo.errors import MotionError
from llamo.video.body_render import CameraSpec, render_body_frames, render_body_video
from llamo.video.body_shapes import Appearance
from llamo.video.io import read_video
from llamo.video.raycast import ellipsoid_hit, round_cone_hit, round_cone_normals
from tests.conftest import walking_joints

FRONT = CameraSpec(distance=3.0, height=1.3, azimuth_deg=20, focal=1.3, track=False)


@pytest.fixture(scope="module")
def walk() -> np.ndarray:
    return walking_joints(12)  # [12, 22, 3]


@pytest.fixture(scope="module")
def render(walk):
    return render_body_frames(walk, camera=FRONT, size=96, seed=3)


def test_frames_have_the_requested_shape_and_dtype(walk):
    out = render_body_frames(walk[:3], size=(80, 64), seed=0)
    assert out.frames.shape == (3, 64, 80, 3) and out.frames.dtype == np.uint8
    assert out.masks.shape == (3, 64, 80) and out.masks.dtype == bool
    assert out.camera.K[0, 2] == 40 and out.camera.K[1, 2] == 32 and out.camera.t.shape == (3, 3)


def test_the_body_covers_a_person_sized_share_of_the_image(render):
    share = render.masks.mean((1, 2))  # [T]
    assert (share > 0.02).all() and (share < 0.5).all(), share
    rows = np.flatnonzero(render.masks[0].any(1))
    cols = np.flatnonzero(render.masks[0].any(0))
    assert np.ptp(rows) > 1.8 * np.ptp(cols), "a standing person is taller than wide"


def test_the_projected_pelvis_lands_on_the_body(walk, render):
    pixels, depth = render.camera.project(walk[:, :1])  # [T, 1, 2], [T, 1]
    assert (depth > 0).all()
    for t, (x, y) in enumerate(pixels[:, 0]):
        assert render.masks[t, int(y), int(x)], f"frame {t}: the pelvis projects to ({x:.1f}, {y:.1f}), off the body"
        ys, xs = np.nonzero(render.masks[t])
        assert abs(xs.mean() - x) < 0.08 * 96 and abs(ys.mean() - y) < 0.15 * 96  # the body's centroid is near


def test_appearance_changes_the_body_colours(walk, render):
    red = Appearance(shirt=(200, 30, 30), trousers=(200, 30, 30), long_sleeves=True)
    blue = Appearance(shirt=(30, 30, 200), trousers=(30, 30, 200), long_sleeves=True)
    reds, blues = (render_body_frames(walk[:2], FRONT, look, render.scene, size=96) for look in (red, blue))
    r, b = reds.frames[reds.masks].mean(0), blues.frames[blues.masks].mean(0)  # mean body colour [3]
    assert r[0] > r[2] + 40 and b[2] > b[0] + 40, (r, b)
    assert (reds.masks == blues.masks).all(), "clothes colours do not move the body"


def test_the_same_seed_renders_the_same_clip_and_another_seed_differs(walk):
    a, b, c = (render_body_frames(walk[:2], size=64, seed=s) for s in (5, 5, 6))
    assert np.array_equal(a.frames, b.frames) and a.appearance == b.appearance
    assert not np.array_equal(a.frames, c.frames) and a.appearance != c.appearance


def test_a_given_camera_keeps_the_drawn_person(walk):
    drawn = render_body_frames(walk[:1], size=64, seed=9)
    given = render_body_frames(walk[:1], camera=FRONT, size=64, seed=9)
    assert given.appearance == drawn.appearance and given.scene == drawn.scene and given.spec == FRONT


def test_the_camera_follows_a_long_walk_and_stands_still_when_told(walk):
    long = walking_joints(60, speed=2.0)  # 6 m, farther than the camera's 3 m
    follow = render_body_frames(long, camera=CameraSpec(distance=3.0, focal=1.3), size=48, seed=0)
    still = render_body_frames(long, camera=CameraSpec(distance=3.0, focal=1.3, track=False), size=48, seed=0)
    assert np.ptp(follow.camera.eyes[:, 2]) > 4.0 and np.ptp(still.camera.eyes, axis=0).max() == 0
    assert follow.masks.mean() > 2 * still.masks.mean(), "a still camera backs off to keep 6 m in view"


def test_an_mp4_decodes_back_to_the_same_frame_count(walk, tmp_path):
    out = render_body_video(walk, tmp_path / "walk.mp4", camera=FRONT, size=64, seed=1)
    frames, fps = read_video(tmp_path / "walk.mp4")
    assert frames.shape == out.frames.shape and fps == 20.0
    assert np.abs(frames.astype(int) - out.frames).mean() < 8, "lossy, but the same picture"


def test_bad_joints_are_refused(walk):
    with pytest.raises(MotionError, match=r"expected \(T, 22, 3\)"):
        render_body_frames(walk[:, :20])
    with pytest.raises(MotionError, match="NaN"):
        render_body_frames(np.where(np.arange(22)[None, :, None] == 3, np.nan, walk))


def test_ray_casts_hit_where_the_solids_are():
    rays = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.6, 0.0, 0.8]])  # [3, 3] unit
    # A capsule across the view 5 m ahead, radius 0.5: the forward ray meets it 4.5 m out, the upward one misses.
    cone = (np.array([-1.0, 0.0, 5.0]), np.array([1.0, 0.0, 5.0]), 0.5, 0.5)
    hit = round_cone_hit(rays, *cone)
    assert hit[0] == pytest.approx(4.5) and np.isinf(hit[1])
    assert round_cone_normals(np.array([[0.0, 0.0, 4.5]]), *cone) == pytest.approx(np.array([[0.0, 0.0, -1.0]]))
    # An ellipsoid with semi-axes (1, 1, 2) at 10 m: its near pole is 8 m out.
    dist = ellipsoid_hit(rays, np.array([0.0, 0.0, 10.0]), np.eye(3), np.array([1.0, 1.0, 2.0]))
    assert dist[0] == pytest.approx(8.0) and np.isinf(dist[1:]).all()
