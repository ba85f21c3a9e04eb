"""Skeleton rendering: joints → RGB frames → gif/mp4, for the dataset's videos and the demo's viewer.

Pillow draws and numpy projects (matplotlib is far too slow for the ~100k frames a dataset build renders).
One fixed pinhole camera per clip, at a 3/4 front view of the clip's bounding box, keeps translation and turning
visible against a 1 m floor grid. Left limbs are blue, right limbs orange, the spine grey; frames listed in
`marks` get a gold border and a gold tick on the timeline. Shapes: T frames, J=22 joints, S image side (pixels).
"""

import os
import uuid
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import av
import numpy as np
from PIL import Image, ImageDraw

from ..errors import MotionError
from .motion import Motion
from .skeleton import CHAINS, JOINT_INDEX, JOINT_NAMES, NUM_JOINTS

AZIMUTH_DEG, ELEVATION_DEG, FOV_DEG = 35.0, 18.0, 40.0  # camera direction from the clip's centre, from +z
MARGIN = 0.08  # fraction of the image side left free around the figure, so the head circle never clips
HEAD, HEAD_RADIUS_M = JOINT_INDEX["head"], 0.1
BACKGROUND, GRID, TRACK, PLAYED = (248, 248, 246), (205, 205, 200), (215, 215, 215), (120, 120, 120)
SPINE, HEAD_FILL, HIGHLIGHT = (70, 70, 70), (150, 150, 150), (255, 180, 0)
LEFT = ((35, 90, 205), (80, 155, 240))  # (leg, arm): arms lighter so the four limbs stay distinct
RIGHT = ((215, 70, 30), (250, 150, 40))


@dataclass(frozen=True)
class _Camera:
    """Pinhole camera. rot: [3,3] rows right/up/forward; eye: [3] m; pixel = offset + scale * (x/z, -y/z)."""

    rot: np.ndarray
    eye: np.ndarray
    scale: float
    offset: np.ndarray

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points [..., 3] → pixels [..., 2] and depths along the view axis [...] (m)."""
        cam = (points - self.eye) @ self.rot.T  # [..., 3]
        depth = cam[..., 2]
        return self.offset + self.scale * np.stack([cam[..., 0], -cam[..., 1]], -1) / depth[..., None], depth


def _fit_camera(joints: np.ndarray, size: int, bottom: float) -> tuple[_Camera, float]:
    """The clip's camera and its distance (m): every joint of every frame [T, J, 3] fits the image above `bottom`."""
    lo, hi = joints.min((0, 1)), joints.max((0, 1))
    distance = max(np.linalg.norm(hi - lo) / 2, 0.5) / np.sin(np.radians(FOV_DEG / 2))  # bounding sphere in view
    az, el = np.radians(AZIMUTH_DEG), np.radians(ELEVATION_DEG)
    back = np.array([np.sin(az) * np.cos(el), np.sin(el), np.cos(az) * np.cos(el)])
    right = np.cross(-back, (0.0, 1.0, 0.0))
    right /= np.linalg.norm(right)
    rot = np.stack([right, np.cross(right, -back), -back])  # [3, 3]
    unit = _Camera(rot, (lo + hi) / 2 + distance * back, 1.0, np.zeros(2))
    uv, _ = unit.project(joints.reshape(-1, 3))  # [T*J, 2]
    uv_lo, uv_hi = uv.min(0), uv.max(0)
    box = np.array([size, size - bottom]) - 2 * MARGIN * size
    scale = float(np.min(box / np.maximum(uv_hi - uv_lo, 1e-6)))
    offset = np.array([size, size - bottom]) / 2 - scale * (uv_lo + uv_hi) / 2
    return _Camera(rot, unit.eye, scale, offset), float(distance)


def _floor_lines(joints: np.ndarray) -> np.ndarray:
    """Segments [N, 2, 3] of a 1 m grid on y=0 covering the clip's footprint plus 1 m on every side."""
    lo = np.floor(joints[..., [0, 2]].min((0, 1))) - 1  # [2]: x, z
    hi = np.ceil(joints[..., [0, 2]].max((0, 1))) + 1
    along_z = [((x, 0, lo[1]), (x, 0, hi[1])) for x in np.arange(lo[0], hi[0] + 1)]
    along_x = [((lo[0], 0, z), (hi[0], 0, z)) for z in np.arange(lo[1], hi[1] + 1)]
    return np.array(along_z + along_x, dtype=np.float64)


def _clip_near(segments: np.ndarray, cam: _Camera, near: float) -> np.ndarray:
    """The parts of segments [N, 2, 3] at least `near` m in front of the camera: [M, 2, 3].

    Without this, grid lines passing beside or behind the camera would project to huge or flipped pixels.
    """
    depth = (segments - cam.eye) @ cam.rot[2]  # [N, 2]
    keep = depth.max(1) > near
    seg, depth = segments[keep], depth[keep]
    a, b, da, db = seg[:, 0], seg[:, 1], depth[:, :1], depth[:, 1:]
    ta = np.divide(near - da, db - da, out=np.zeros_like(da), where=da < near)
    tb = np.divide(near - db, da - db, out=np.zeros_like(db), where=db < near)
    return np.stack([a + ta * (b - a), b + tb * (a - b)], 1)


def _timeline_box(size: int) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of the timeline bar along the bottom edge."""
    pad, height = max(6, size // 20), max(3, size // 40)
    return pad, size - pad - height, size - pad, size - pad


def _background(joints: np.ndarray, cam: _Camera, near: float, size: int, timeline: bool) -> Image.Image:
    """What every frame shares: the floor grid and the empty timeline bar."""
    img = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(img)
    pixels, _ = cam.project(_clip_near(_floor_lines(joints), cam, near))  # [M, 2, 2]
    for a, b in pixels.tolist():
        draw.line([tuple(a), tuple(b)], fill=GRID, width=max(1, size // 200))
    if timeline:
        draw.rectangle(_timeline_box(size), fill=TRACK)
    return img


def _chain_colour(chain: Sequence[int]) -> tuple[int, int, int]:
    """Left limbs blue, right limbs orange (arms lighter than legs), anything else the spine grey."""
    end = JOINT_NAMES[chain[-1]]
    shades = {"l_": LEFT, "r_": RIGHT}.get(end[:2])
    return SPINE if shades is None else shades[end.endswith("wrist")]


def _draw_skeleton(draw: ImageDraw.ImageDraw, pixels: np.ndarray, depth: np.ndarray, scale: float, size: int) -> None:
    """One pose: pixels [J, 2], depth [J] (m). Chains go far to near so the nearer limbs stay on top."""
    width = max(2, round(size / 64))
    dot = max(1.0, width * 0.8)
    points = [tuple(p) for p in pixels.tolist()]
    for chain in sorted(CHAINS, key=lambda c: -depth[list(c)].mean()):
        colour = _chain_colour(chain)
        draw.line([points[j] for j in chain], fill=colour, width=width, joint="curve")
        dark = tuple(int(c * 0.6) for c in colour)
        for j in chain:
            draw.ellipse([points[j][0] - dot, points[j][1] - dot, points[j][0] + dot, points[j][1] + dot], fill=dark)
        if HEAD in chain:
            r = max(1.6 * width, scale * HEAD_RADIUS_M / depth[HEAD])  # perspective size, but never a dot
            x, y = points[HEAD]
            draw.ellipse([x - r, y - r, x + r, y + r], fill=HEAD_FILL, outline=SPINE, width=max(1, width // 2))


def _draw_timeline(draw: ImageDraw.ImageDraw, t: int, num_frames: int, marks: Sequence[int], size: int) -> None:
    """The played part of the bar up to frame t, a gold tick per mark, and the playhead on top."""
    x0, y0, x1, y1 = _timeline_box(size)
    step = (x1 - x0) / max(num_frames - 1, 1)
    reach, line = y1 - y0, max(1, size // 128)
    draw.rectangle([x0, y0, x0 + t * step, y1], fill=PLAYED)
    for m in marks:
        draw.line([(x0 + m * step, y0 - reach), (x0 + m * step, y1 + reach)], fill=HIGHLIGHT, width=line)
    x = x0 + t * step
    draw.rectangle([x - line, y0 - reach, x + line, y1 + reach], fill=SPINE)


def render_frames(
    joints: np.ndarray, size: int = 256, marks: Sequence[int] = (), timeline: bool = True
) -> np.ndarray:
    """Draw a skeleton clip, joints float [T, 22, 3] (y-up, metres), as uint8 frames [T, S, S, 3], S = `size`.

    marks: frame indices to highlight (gold border, gold tick on the timeline), e.g. the frames a model selected.
    """
    joints = np.asarray(joints, dtype=np.float64)
    if joints.ndim != 3 or joints.shape[1:] != (NUM_JOINTS, 3) or len(joints) == 0:
        raise MotionError(f"render: joints have shape {joints.shape}; expected (T, {NUM_JOINTS}, 3) with T >= 1")
    if not np.isfinite(joints).all():
        raise MotionError("render: joints hold NaN/Inf values; fill or cut those frames first")
    if size < 32:
        raise MotionError(f"render: size {size} is too small to draw a skeleton; use 32 pixels or more")
    num_frames, marked = len(joints), sorted({int(m) for m in marks})
    if marked and not 0 <= marked[0] <= marked[-1] < num_frames:
        raise MotionError(f"render: marks {marked} fall outside the clip's frames 0..{num_frames - 1}")
    highlighted = set(marked)
    bottom = size - _timeline_box(size)[1] if timeline else 0
    cam, distance = _fit_camera(joints, size, bottom)
    background = _background(joints, cam, 0.3 * distance, size, timeline)
    pixels, depth = cam.project(joints)  # [T, J, 2], [T, J]
    frames = np.empty((num_frames, size, size, 3), dtype=np.uint8)
    for t in range(num_frames):
        img = background.copy()
        draw = ImageDraw.Draw(img)
        _draw_skeleton(draw, pixels[t], depth[t], cam.scale, size)
        if timeline:
            _draw_timeline(draw, t, num_frames, marked, size)
        if t in highlighted:
            draw.rectangle([0, 0, size - 1, size - 1], outline=HIGHLIGHT, width=max(2, size // 42))
        frames[t] = np.asarray(img)
    return frames


def _write_gif(frames: np.ndarray, path: Path, fps: float) -> None:
    """frames: uint8 [T, H, W, 3]. Pillow merges identical consecutive frames, adding up their durations."""
    first, *rest = (Image.fromarray(f) for f in frames)
    first.save(path, format="GIF", save_all=True, append_images=rest, duration=round(1000 / fps), loop=0)


def _write_mp4(frames: np.ndarray, path: Path, fps: float) -> None:
    """frames: uint8 [T, H, W, 3], edge-padded to even H and W because yuv420p halves the chroma resolution."""
    height, width = frames.shape[1:3]
    frames = np.pad(frames, ((0, 0), (0, height % 2), (0, width % 2), (0, 0)), mode="edge")
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast"}
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())  # flush the encoder's delayed frames


def save_animation(frames: np.ndarray, path: str | Path, fps: float = 20.0) -> Path:
    """Write uint8 frames [T, H, W, 3] to `path` (.gif or .mp4) atomically: a crash never leaves a partial file."""
    path = Path(path)
    writers = {".gif": _write_gif, ".mp4": _write_mp4}
    if path.suffix.lower() not in writers:
        raise MotionError(f"{path}: cannot write '{path.suffix}' animations; accepted suffixes: {', '.join(writers)}")
    frames = np.asarray(frames)
    if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3 or 0 in frames.shape:
        raise MotionError(f"{path}: frames are {frames.dtype} {frames.shape}; expected uint8 (T, H, W, 3), T >= 1")
    if not (np.isfinite(fps) and fps > 0):
        raise MotionError(f"{path}: fps must be a positive number, got {fps!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")  # same folder, so os.replace is a rename
    try:
        writers[path.suffix.lower()](frames, tmp, fps)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def render_motion(motion: Motion, path: str | Path, size: int = 256, marks: Sequence[int] = ()) -> Path:
    """Render a `Motion` to a .gif or .mp4 at the motion's own fps."""
    return save_animation(render_frames(motion.joints, size, marks), path, motion.fps)
