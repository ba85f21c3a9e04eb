"""Skeleton rendering: frame shapes, a visible and moving figure, marks, gif/mp4 round trips, atomic writes."""

import av
import numpy as np
import pytest
from PIL import Image

from llamo.errors import MotionError
from llamo.motion import render
from llamo.motion.motion import Motion
from llamo.motion.render import render_frames, render_motion, save_animation
from llamo.motion.skeleton import JOINT_INDEX, NUM_JOINTS

REST_POSE = {  # a standing adult facing +z, SMPL's left on +x, metres
    "pelvis": (0, 0.95, 0), "l_hip": (0.1, 0.9, 0), "r_hip": (-0.1, 0.9, 0), "spine1": (0, 1.05, 0),
    "l_knee": (0.1, 0.5, 0), "r_knee": (-0.1, 0.5, 0), "spine2": (0, 1.2, 0), "l_ankle": (0.1, 0.08, 0),
    "r_ankle": (-0.1, 0.08, 0), "spine3": (0, 1.3, 0), "l_foot": (0.1, 0.02, 0.12), "r_foot": (-0.1, 0.02, 0.12),
    "neck": (0, 1.5, 0), "l_collar": (0.08, 1.45, 0), "r_collar": (-0.08, 1.45, 0), "head": (0, 1.62, 0.02),
    "l_shoulder": (0.18, 1.42, 0), "r_shoulder": (-0.18, 1.42, 0), "l_elbow": (0.2, 1.15, 0),
    "r_elbow": (-0.2, 1.15, 0), "l_wrist": (0.2, 0.9, 0.05), "r_wrist": (-0.2, 0.9, 0.05),
}


def walking_figure(num_frames: int = 8, step: float = 0.1) -> np.ndarray:
    """The rest pose walking `step` m per frame along +z, legs and arms swinging in opposition: [T, 22, 3]."""
    rest = np.zeros((NUM_JOINTS, 3))
    for name, xyz in REST_POSE.items():
        rest[JOINT_INDEX[name]] = xyz
    side = np.sign(rest[:, 0])  # [J]: +1 left, -1 right, 0 spine
    legs = np.clip(0.9 - rest[:, 1], 0, None)  # [J]: how far below the hips, so the feet swing most
    arms = np.clip(1.42 - rest[:, 1], 0, None) * (rest[:, 1] > 0.85) * (np.abs(rest[:, 0]) > 0.15)
    phase = np.sin(np.linspace(0, 2 * np.pi, num_frames))[:, None]  # [T, 1]
    joints = np.repeat(rest[None], num_frames, 0)  # [T, J, 3]
    joints[..., 2] += 0.6 * phase * side * (legs - arms)
    joints[..., 2] += step * np.arange(num_frames)[:, None]
    return joints.astype(np.float32)


def limb_pixels(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks [S, S] of the blue-ish (left limb) and orange-ish (right limb) pixels of one frame."""
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return b > r + 80, (r > b + 80) & (g < 170)


def test_frames_have_the_requested_shape_and_dtype():
    frames = render_frames(walking_figure(5), size=64)
    assert frames.shape == (5, 64, 64, 3) and frames.dtype == np.uint8


def test_both_sides_are_drawn_in_their_own_colours_and_the_figure_moves():
    frames = render_frames(walking_figure(8, step=0.15), size=96, timeline=False)
    left, right = limb_pixels(frames[0])
    assert left.sum() > 20 and right.sum() > 20
    centroids = [np.argwhere(np.logical_or(*limb_pixels(f))).mean(0) for f in (frames[0], frames[-1])]
    assert np.linalg.norm(centroids[1] - centroids[0]) > 5  # 1 m of translation moves the figure on screen


def test_a_standing_figure_stays_put_under_the_fixed_camera():
    still = np.repeat(walking_figure(1), 4, 0)
    frames = render_frames(still, size=64, timeline=False)
    assert (frames == frames[0]).all()


def test_marks_change_only_the_marked_frames():
    joints = walking_figure(6)
    plain = render_frames(joints, size=64, timeline=False)
    marked = render_frames(joints, size=64, marks=[2, 4], timeline=False)
    changed = [t for t in range(6) if (plain[t] != marked[t]).any()]
    assert changed == [2, 4]


def test_the_timeline_playhead_advances_and_shows_marks():
    joints = np.repeat(walking_figure(1), 5, 0)
    plain, marked = render_frames(joints, size=64), render_frames(joints, size=64, marks=[3])
    assert (plain[0] != plain[4]).any()  # the pose is still, so only the playhead differs
    assert (plain[0] != marked[0]).any()  # an unmarked frame still shows the tick


def test_bad_inputs_raise_motion_error():
    with pytest.raises(MotionError, match=r"expected \(T, 22, 3\)"):
        render_frames(np.zeros((4, 21, 3)))
    with pytest.raises(MotionError, match="NaN"):
        render_frames(np.full((4, 22, 3), np.nan))
    with pytest.raises(MotionError, match="outside"):
        render_frames(walking_figure(4), size=64, marks=[4])
    with pytest.raises(MotionError, match="uint8"):
        save_animation(np.zeros((2, 8, 8, 3), dtype=np.float32), "x.gif")


def test_gif_round_trip(tmp_path):
    path = save_animation(render_frames(walking_figure(6), size=64), tmp_path / "clip.gif", fps=10)
    with Image.open(path) as gif:
        assert gif.n_frames == 6 and gif.info["duration"] == 100 and gif.size == (64, 64)
    assert [p.name for p in tmp_path.iterdir()] == ["clip.gif"]  # no temp file left behind


def test_mp4_round_trip_pads_odd_sizes(tmp_path):
    path = save_animation(render_frames(walking_figure(7), size=65), tmp_path / "clip.mp4")
    with av.open(str(path)) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(decoded) == 7 and decoded[0].shape == (66, 66, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_unknown_suffix_names_the_accepted_ones(tmp_path):
    with pytest.raises(MotionError, match=r"\.gif, \.mp4"):
        save_animation(np.zeros((2, 8, 8, 3), dtype=np.uint8), tmp_path / "clip.avi")
    assert not any(tmp_path.iterdir())


def test_a_crash_while_encoding_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "clip.gif"
    path.write_bytes(b"old")

    def crash(frames, tmp, fps):
        tmp.write_bytes(b"half")
        raise RuntimeError("encoder died")

    monkeypatch.setattr(render, "_write_gif", crash)
    with pytest.raises(RuntimeError):
        save_animation(np.zeros((2, 8, 8, 3), dtype=np.uint8), path)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["clip.gif"]


def test_render_motion_uses_the_motion_fps(tmp_path):
    path = render_motion(Motion(walking_figure(4), fps=20.0), tmp_path / "clip.gif", size=48, marks=[1])
    with Image.open(path) as gif:
        assert gif.n_frames == 4 and gif.info["duration"] == 50
