"""Video decoding with PyAV: a file → uint8 RGB frames [N, H, W, 3] and its fps, optionally N uniformly sampled
frames, each center-cropped to a square and resized to S × S.

Shapes: T frames in the file, N frames returned, H, W frame height and width, S = `size` (pixels).
"""

from pathlib import Path

import av
import numpy as np
from PIL import Image

from ..errors import ConfigError, DataError

ACCEPTED = "a video file FFmpeg can decode (.mp4, .mov, .avi, .mkv, .webm, .gif, ...) with a video stream"


def sample_indices(total: int, num: int) -> np.ndarray:
    """`num` frame indices [num] spread uniformly over 0..total-1 (first and last included), or all `total`
    indices when the clip has no more than `num` frames. Rounded, strictly increasing."""
    if num < 1:
        raise ConfigError(f"num_frames must be at least 1, got {num}")
    if total <= num:
        return np.arange(total)
    # Neighbours are more than 1 apart before rounding, so the rounded indices never repeat.
    return np.round(np.linspace(0, total - 1, num)).astype(np.int64)


def _square(image: Image.Image, size: int) -> np.ndarray:
    """Center-crop to a square, then resize bilinearly: uint8 [size, size, 3]."""
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side))
    return np.asarray(square.resize((size, size), Image.Resampling.BILINEAR))


def _video_stream(container: av.container.InputContainer, path: Path) -> av.VideoStream:
    """The container's first video stream, or a DataError."""
    if not container.streams.video:
        raise DataError(f"{path}: has no video stream (audio or data only); expected {ACCEPTED}")
    return container.streams.video[0]


def _stream_rate(stream: av.VideoStream) -> float:
    """The stream's frames per second as decoding numbers them (0.0 when the file states none)."""
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return float(rate) if rate else 0.0


def probe_video(path: str | Path) -> tuple[float, int]:
    """(fps, frame count) of the first video stream, from its header and packets (no decoding)."""
    path = Path(path)
    with av.open(str(path)) as container:
        stream = _video_stream(container, path)
        return _stream_rate(stream), sum(1 for packet in container.demux(stream) if packet.size > 0)


def _decode(path: Path, keep: set[int] | None, size: int | None) -> tuple[list[np.ndarray], float]:
    """Frames [H, W, 3] at the indices in `keep` (all when None), and the stream's fps."""
    frames = []
    with av.open(str(path)) as container:
        stream = _video_stream(container, path)
        for i, frame in enumerate(container.decode(stream)):
            if keep is None or i in keep:
                image = frame.to_image()  # PIL RGB
                frames.append(np.asarray(image) if size is None else _square(image, size))
    return frames, _stream_rate(stream)


def read_video(path: str | Path, num_frames: int | None = None, size: int | None = None) -> tuple[np.ndarray, float]:
    """Decode `path` → (frames uint8 [N, H, W, 3] RGB, the source fps).

    num_frames: return N = num_frames frames sampled uniformly over the clip (all frames if it has fewer).
    size: center-crop each frame to a square and resize it to size × size.
    """
    path = Path(path)
    if size is not None and size < 1:
        raise ConfigError(f"size must be a positive number of pixels, got {size}")
    if not path.is_file():
        raise DataError(f"{path}: no such file; expected {ACCEPTED}")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty; expected {ACCEPTED}")
    try:
        keep = None if num_frames is None else set(sample_indices(probe_video(path)[1], num_frames).tolist())
        frames, fps = _decode(path, keep, size)
    except av.FFmpegError as err:
        raise DataError(f"{path}: cannot be decoded as a video ({err}); expected {ACCEPTED}") from err
    if not frames:
        raise DataError(f"{path}: the video stream holds no frames; expected {ACCEPTED}")
    return np.stack(frames), fps
