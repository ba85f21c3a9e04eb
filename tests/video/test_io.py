"""Video decoding: frame count and fps of a rendered clip, uniform sampling, square resizing, bad files."""

from fractions import Fraction

import av
import numpy as np
import pytest

from llamo.errors import ConfigError, DataError
from llamo.motion.motion import Motion
from llamo.motion.render import render_motion, save_animation
from llamo.video import read_video, sample_indices
from tests.conftest import walking_joints


@pytest.fixture(scope="module")
def walk_mp4(tmp_path_factory) -> str:
    """A 60-frame, 20 fps, 64 × 64 skeleton video of a walking figure."""
    path = tmp_path_factory.mktemp("video") / "walk.mp4"
    return str(render_motion(Motion(walking_joints(60), 20.0), path, size=64))


def test_sample_indices_spread_uniformly_over_the_clip():
    assert sample_indices(10, 4).tolist() == [0, 3, 6, 9]
    assert sample_indices(100, 1).tolist() == [0]
    idx = sample_indices(101, 7)
    assert idx[0] == 0 and idx[-1] == 100 and (np.diff(idx) > 0).all() and len(idx) == 7


def test_sample_indices_returns_every_frame_of_a_short_clip():
    assert sample_indices(5, 10).tolist() == [0, 1, 2, 3, 4]
    assert sample_indices(6, 6).tolist() == list(range(6))


def test_sample_indices_rejects_zero_frames():
    with pytest.raises(ConfigError, match="at least 1"):
        sample_indices(10, 0)


def test_read_video_returns_every_frame_and_the_fps(walk_mp4):
    frames, fps = read_video(walk_mp4)
    assert frames.shape == (60, 64, 64, 3) and frames.dtype == np.uint8
    assert fps == pytest.approx(20.0)
    assert (frames[0] != frames[30]).any()  # the figure moves


def test_read_video_samples_the_frames_sample_indices_names(walk_mp4):
    every, _ = read_video(walk_mp4)
    frames, fps = read_video(walk_mp4, num_frames=8)
    assert frames.shape == (8, 64, 64, 3) and fps == pytest.approx(20.0)
    np.testing.assert_array_equal(frames, every[sample_indices(60, 8)])
    assert len(read_video(walk_mp4, num_frames=500)[0]) == 60


def test_read_video_resizes_to_a_square(walk_mp4):
    frames, _ = read_video(walk_mp4, num_frames=4, size=32)
    assert frames.shape == (4, 32, 32, 3) and frames.dtype == np.uint8


def test_read_video_center_crops_a_wide_video(tmp_path):
    frames = np.zeros((3, 48, 96, 3), np.uint8)  # red | green | blue bands; the central 48 columns are green
    frames[:, :, :24, 0], frames[:, :, 24:72, 1], frames[:, :, 72:, 2] = 255, 255, 255
    path = save_animation(frames, tmp_path / "wide.mp4", fps=10)
    out, fps = read_video(path, size=16)
    assert out.shape == (3, 16, 16, 3) and fps == pytest.approx(10.0)
    assert out[..., 1].min() > 200 and out[..., [0, 2]].max() < 60


def _audio_only(path):
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 800), np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)


def _no_frames(path):
    with av.open(str(path), "w", format="avi") as container:
        stream = container.add_stream("mpeg4", rate=Fraction(20))
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        container.start_encoding()


BAD_FILES = {
    "missing.mp4": (None, "no such file"),
    "empty.mp4": (lambda p: p.write_bytes(b""), "empty"),
    "text.mp4": (lambda p: p.write_text("not a video\n" * 50), "cannot be decoded"),
    "array.mp4": (lambda p: np.save(p.open("wb"), np.zeros((20, 22, 3))), "cannot be decoded"),
    "audio.wav": (_audio_only, "no video stream"),
    "blank.avi": (_no_frames, "no frames"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_read_video_names_the_file_and_what_is_accepted(tmp_path, name):
    make, reason = BAD_FILES[name]
    path = tmp_path / name
    if make is not None:
        make(path)
    with pytest.raises(DataError, match=reason) as err:
        read_video(path, num_frames=4)
    assert name in str(err.value) and "expected a video file" in str(err.value)
