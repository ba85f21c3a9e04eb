"""BVH (Biovision hierarchy) motion capture → canonical `Motion`: parser, forward kinematics, units.

Shapes: T frames, C channels per frame row, N BVH nodes (End Sites included), J=22 canonical joints.
Joints are mapped by the skeleton's structure (`skeleton_map.py`), so any naming family reads: CMU/cgspeed,
Mixamo, MotionBuilder, 3ds Max Biped, Biovision, SMPL, Unreal, or none at all.
Position channels replace the OFFSET components they name, as Blender's importer and Holden's BVH.py do.
Units come from the rest-pose height (`UNIT_RANGES`) unless `scale` is given.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..motion import CANONICAL_FPS, Motion, check_joints
from ..skeleton import JOINT_INDEX
from ..transforms import resample, to_y_up
from .skeleton_map import JointTree, map_skeleton, to_canonical

AXES = {"X": 0, "Y": 1, "Z": 2}
CHANNEL_NAMES = tuple(f"{axis}{kind}" for kind in ("position", "rotation") for axis in AXES)
# Rest-pose height (head joint above the lowest foot joint) in file units → metres per unit. CMU's ASF unit is
# 1/0.45 inch (`length 0.45`, 0.056444 m), kept by the cgspeed conversion: subject 01 measures 23 units.
UNIT_RANGES = ((1.0, 2.5, 1.0, "metres"), (15.0, 38.0, 0.0254 / 0.45, "CMU ASF units"),
               (39.0, 99.0, 0.0254, "inches"), (100.0, 250.0, 0.01, "centimetres"))


@dataclass
class BvhJoint:
    """One HIERARCHY node. offset: [3]; channels: e.g. ("Xposition", "Zrotation"); column: first channel's index."""

    name: str
    parent: int  # -1 for a ROOT
    end_site: bool = False
    offset: np.ndarray = field(default_factory=lambda: np.zeros(3))
    channels: tuple[str, ...] = ()
    column: int = 0


def _read_text(path: str | Path, source: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MotionError(f"{source}: not UTF-8 text ({exc.reason}); a BVH file is plain text") from exc
    except OSError as exc:
        raise MotionError(f"{source}: cannot read the file ({exc.strerror or exc})") from exc


def _apply_hierarchy_line(words: list[str], joints: list[BvhJoint], open_joints: list[int]) -> None:
    """Update `joints` and the stack of joints whose { } block is open with one HIERARCHY line."""
    key = words[0].upper()
    if key in ("ROOT", "JOINT", "END"):
        parent = -1 if key == "ROOT" else open_joints[-1]
        name = f"{joints[parent].name} End Site" if key == "END" else " ".join(words[1:])
        joints.append(BvhJoint(name, parent, end_site=key == "END"))
    elif key == "{":
        if not joints:
            raise ValueError("'{' before any ROOT")
        open_joints.append(len(joints) - 1)
    elif key == "}":
        open_joints.pop()
    elif key == "OFFSET":
        if len(words) != 4:
            raise ValueError(f"OFFSET needs 3 numbers, got {len(words) - 1}")
        joints[open_joints[-1]].offset = np.array([float(w) for w in words[1:]])
    elif key == "CHANNELS":
        channels = tuple(w[0].upper() + w[1:].lower() for w in words[2:])
        if int(words[1]) != len(channels) or not set(channels) <= set(CHANNEL_NAMES):
            raise ValueError(f"CHANNELS says {words[1]}, lists {list(channels)}; known: {list(CHANNEL_NAMES)}")
        joints[open_joints[-1]].channels = channels
    else:
        raise ValueError(f"unknown keyword {words[0]!r}")


def _parse_hierarchy(numbered_lines: list[tuple[int, str]], source: str) -> list[BvhJoint]:
    joints: list[BvhJoint] = []
    open_joints: list[int] = []
    for number, line in numbered_lines:
        try:
            if line.split():
                _apply_hierarchy_line(line.split(), joints, open_joints)
        except (IndexError, ValueError) as exc:
            reason = exc if isinstance(exc, ValueError) else "a value is missing, or it stands outside any { }"
            raise MotionError(f"{source}: line {number} {line.strip()!r} breaks the HIERARCHY ({reason}); accepted: "
                              "ROOT/JOINT <name>, End Site, {, }, OFFSET x y z, CHANNELS n <names>") from exc
    if not joints or open_joints:
        raise MotionError(f"{source}: the HIERARCHY has {len(joints)} joints and {len(open_joints)} unclosed '{{'")
    column = 0
    for joint in joints:  # frame rows list channels in the order the joints are declared
        joint.column, column = column, column + len(joint.channels)
    return joints


def _header_value(line: str, key: str, source: str) -> float:
    label, _, value = line.partition(":")
    try:
        if " ".join(label.split()).lower() != key.lower():
            raise ValueError(key)
        return float(value)
    except ValueError as exc:
        raise MotionError(f"{source}: MOTION line {line.strip()!r}; expected '{key}: <number>'") from exc


def _parse_motion(lines: list[str], num_channels: int, source: str) -> tuple[np.ndarray, float]:
    """Frame rows [T, C] and the frame time in seconds from the lines after MOTION."""
    lines = [line for line in lines if line.strip()]
    if len(lines) < 2:
        raise MotionError(f"{source}: MOTION needs a 'Frames: <n>' and a 'Frame Time: <seconds>' line")
    num_frames, frame_time = _header_value(lines[0], "Frames", source), _header_value(lines[1], "Frame Time", source)
    if not (np.isfinite(frame_time) and frame_time > 0):
        raise MotionError(f"{source}: Frame Time is {frame_time}; expected seconds per frame > 0")
    rows = [line.split() for line in lines[2:]]
    if num_frames < 1 or not rows:
        raise MotionError(f"{source}: the MOTION section has no frames (Frames: {num_frames:g}, {len(rows)} rows)")
    for i, row in enumerate(rows):
        if len(row) != num_channels:
            raise MotionError(f"{source}: frame {i} has {len(row)} values; the HIERARCHY declares {num_channels} "
                              "channels (a truncated or corrupted file?)")
    if len(rows) != num_frames:
        raise MotionError(f"{source}: 'Frames: {num_frames:g}' but {len(rows)} frame rows; the two must agree")
    try:
        return np.array(rows, dtype=np.float64), frame_time
    except ValueError as exc:
        raise MotionError(f"{source}: non-numeric value in MOTION ({exc}); frame rows hold numbers only") from exc


def parse_bvh(text: str, source: str = "BVH") -> tuple[list[BvhJoint], np.ndarray, float]:
    """Parse BVH text → (joints [N], frame rows [T, C], frame time in seconds)."""
    lines = text.splitlines()
    keys = [line.strip().upper() for line in lines]
    if "HIERARCHY" not in keys or "MOTION" not in keys or keys.index("MOTION") < keys.index("HIERARCHY"):
        raise MotionError(f"{source}: not a BVH file; expected a HIERARCHY section followed by a MOTION section")
    start, end = keys.index("HIERARCHY"), keys.index("MOTION")
    joints = _parse_hierarchy(list(enumerate(lines, 1))[start + 1:end], source)
    frames, frame_time = _parse_motion(lines[end + 1:], sum(len(j.channels) for j in joints), source)
    return joints, frames, frame_time


def axis_rotation(axis: int, radians: np.ndarray) -> np.ndarray:
    """Right-handed rotations about x, y or z (axis 0, 1, 2): [T, 3, 3] for angles [T]."""
    c, s = np.cos(radians), np.sin(radians)
    i, j = (axis + 1) % 3, (axis + 2) % 3
    m = np.zeros(radians.shape + (3, 3))
    m[..., axis, axis] = 1.0
    m[..., i, i], m[..., j, j], m[..., i, j], m[..., j, i] = c, c, -s, s
    return m


def _local_transform(joint: BvhJoint, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local rotation [T, 3, 3] (Euler degrees composed in the listed order) and translation [T, 3]."""
    rotation = np.broadcast_to(np.eye(3), (len(frames), 3, 3))
    translation = np.tile(joint.offset, (len(frames), 1))  # [T, 3]
    for k, channel in enumerate(joint.channels):
        values, axis = frames[:, joint.column + k], AXES[channel[0]]
        if channel.endswith("rotation"):
            rotation = rotation @ axis_rotation(axis, np.deg2rad(values))
        else:
            translation[:, axis] = values
    return rotation, translation


def forward_kinematics(joints: list[BvhJoint], frames: np.ndarray) -> np.ndarray:
    """Global positions [T, N, 3] of every node for frame rows [T, C]; parents come before children."""
    positions = np.zeros((len(frames), len(joints), 3))  # [T, N, 3]
    rotations = np.zeros((len(frames), len(joints), 3, 3))  # [T, N, 3, 3]
    for i, joint in enumerate(joints):
        rotation, translation = _local_transform(joint, frames)
        if joint.parent < 0:
            positions[:, i], rotations[:, i] = translation, rotation
            continue
        parent_rotation = rotations[:, joint.parent]
        positions[:, i] = positions[:, joint.parent] + np.einsum("tij,tj->ti", parent_rotation, translation)
        rotations[:, i] = parent_rotation @ rotation
    return positions


def rest_frame(joints: list[BvhJoint], num_channels: int) -> np.ndarray:
    """The zero-rotation pose as one frame row [1, C]; position channels hold the OFFSETs they replace."""
    frame = np.zeros((1, num_channels))
    for joint in joints:
        for k, channel in enumerate(joint.channels):
            if channel.endswith("position"):
                frame[0, joint.column + k] = joint.offset[AXES[channel[0]]]
    return frame


def joint_tree(joints: list[BvhJoint]) -> JointTree:
    """The HIERARCHY as a `JointTree` (End Sites are end points, not joints)."""
    return JointTree(tuple(j.name for j in joints), tuple(j.parent for j in joints),
                     tuple(not j.end_site for j in joints))


def detect_scale(rest: np.ndarray, source: str = "BVH") -> float:
    """Metres per file unit from a y-up canonical rest pose [22, 3], by its height (`UNIT_RANGES`)."""
    feet = [JOINT_INDEX[n] for n in ("l_ankle", "r_ankle", "l_foot", "r_foot")]
    height = float(rest[JOINT_INDEX["head"], 1] - rest[feet, 1].min())
    for low, high, metres_per_unit, _ in UNIT_RANGES:
        if low <= height <= high:
            return metres_per_unit
    accepted = ", ".join(f"{name} [{low:g}, {high:g}]" for low, high, _, name in UNIT_RANGES)
    raise MotionError(f"{source}: the rest pose's head stands {height:.4g} units above its lowest foot joint, "
                      f"which fits none of {accepted}; pass scale=<metres per unit> (e.g. 0.001 for millimetres) "
                      "or check up=")


def check_duration(num_frames: int, fps: float, source: str) -> None:
    """MotionError unless `num_frames` at `fps` last long enough for 2 canonical frames."""
    if (num_frames - 1) / fps * CANONICAL_FPS + 1e-6 < 1.0:
        raise MotionError(f"{source}: the clip lasts {(num_frames - 1) / fps:.3g} s; "
                          f"at least {1 / CANONICAL_FPS:g} s is needed for 2 frames at {CANONICAL_FPS:g} fps")


def _frame_rate(frame_time: float, num_frames: int, source: str) -> float:
    """Frames per second, snapped to a whole number when the file merely rounded its Frame Time (CMU: 0.008333):
    left unsnapped, resampling would drop the clip's last 20 fps frame."""
    fps = 1.0 / frame_time
    fps = float(round(fps)) if abs(fps - round(fps)) < 1e-3 * fps else fps
    check_duration(num_frames, fps, source)
    return fps


def read_bvh(path: str | Path, scale: float | None = None, up: str = "y") -> Motion:
    """Read a BVH file → Motion (joints [T, 22, 3], y-up, metres, 20 fps; source_fps from its Frame Time).
    scale: metres per file unit (detected from the rest-pose height when None); up: the file's up axis, as
    `transforms.to_y_up` takes it."""
    source = str(path)
    joints, frames, frame_time = parse_bvh(_read_text(path, source), source)
    fps = _frame_rate(frame_time, len(frames), source)
    rest = to_y_up(forward_kinematics(joints, rest_frame(joints, frames.shape[1]))[0], up)  # [N, 3]
    mapping = map_skeleton(joint_tree(joints), rest, source)
    canonical = to_y_up(to_canonical(forward_kinematics(joints, frames), mapping), up)  # [T, 22, 3]
    if scale is None:
        scale = detect_scale(to_canonical(rest[None], mapping)[0], source)
    elif not (np.isfinite(scale) and scale > 0):
        raise MotionError(f"{source}: scale={scale!r}; expected metres per file unit > 0 (e.g. 0.01 for centimetres)")
    return resample(Motion(check_joints(canonical * scale, source), fps, source_fps=fps))
