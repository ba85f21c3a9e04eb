"""Joining motion pieces in joint space, and moving real recordings onto a synthetic body, without stretching bones.

A pose is written as its pelvis position and the unit direction of every bone; `bones_to_joints` rebuilds it with
one body's bone lengths. Real clips are retargeted this way (the directions of the recording, the lengths of the
sequence's body), and a join blends two poses in the facing frame, direction by direction, while the heading
turns, so every in-between frame keeps the body's bone lengths. Legend: T frames, J=22 joints.

Join kinds: "blend" (an eased 0.3-0.6 s cross-over), "pause" (the last pose held, then a blend), "turn" (the next
piece starts facing 20-45° away and the blend turns the body there).
"""

import numpy as np

from ..motion.skeleton import PARENTS
from ..motion.transforms import heading, y_rotation
from ..synth.body import Body
from ..synth.timing import frames_for, smoothstep

JOIN_KINDS = ("blend", "pause", "turn")
LEFT_RIGHT_FOOT = (10, 11)


def bone_directions(joints: np.ndarray) -> np.ndarray:
    """Unit direction of the bone into each joint [T, J, 3] (row 0, the pelvis, is zero)."""
    parents = np.array(PARENTS[1:])
    bones = joints[:, 1:] - joints[:, parents]  # [T, J-1, 3]
    dirs = bones / np.maximum(np.linalg.norm(bones, axis=-1, keepdims=True), 1e-9)
    return np.concatenate([np.zeros_like(joints[:, :1]), dirs], 1)


def bones_to_joints(root: np.ndarray, dirs: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Joints [T, J, 3] from pelvis positions [T, 3], bone directions [T, J, 3] and bone lengths [J]."""
    out = np.zeros(dirs.shape)
    out[:, 0] = root
    for j in range(1, dirs.shape[1]):  # PARENTS are in topological order
        out[:, j] = out[:, PARENTS[j]] + lengths[j] * dirs[:, j]
    return out


def body_lengths(body: Body) -> np.ndarray:
    """Bone lengths [J] of a synthetic body."""
    return np.linalg.norm(body.offsets, axis=-1)


def retarget(joints: np.ndarray, body: Body) -> np.ndarray:
    """A real recording [T, J, 3] (canonical skeleton) performed by `body`: its bone directions, the body's
    lengths, the pelvis path scaled by the ratio of leg lengths, the feet put on the floor."""
    lengths = body_lengths(body)
    source_leg = np.median(np.linalg.norm(joints[:, 4] - joints[:, 1], axis=-1)
                           + np.linalg.norm(joints[:, 7] - joints[:, 4], axis=-1))
    root = joints[:, 0] * (body.leg / source_leg)
    out = bones_to_joints(root, bone_directions(joints), lengths)
    lift = body.toe_height - out[:, LEFT_RIGHT_FOOT, 1].min()
    return out + np.array([0.0, max(lift, -out[..., 1].min()), 0.0])


def placed(piece: np.ndarray, anchor: np.ndarray, turn: float) -> np.ndarray:
    """`piece` [T, J, 3] moved rigidly so its first pelvis stands under anchor's [J, 3] and faces `turn` radians
    from the anchor's heading."""
    rot = y_rotation(heading(anchor) + turn - heading(piece[0]))
    ground = np.array([1.0, 0.0, 1.0])
    return (piece - piece[0, 0] * ground) @ rot.T + anchor[0] * ground


def local_pose(pose: np.ndarray) -> tuple[np.ndarray, float]:
    """A pose [J, 3] relative to its pelvis ground point, turned to face +z; and its heading."""
    yaw = float(heading(pose))
    return (pose - pose[0] * np.array([1.0, 0.0, 1.0])) @ y_rotation(-yaw).T, yaw


def between(last: np.ndarray, first: np.ndarray, frames: int, lengths: np.ndarray) -> np.ndarray:
    """`frames` eased in-between poses [frames, J, 3] from `last` to `first` (both [J, 3], the same ground point):
    bone directions blended in the facing frame while the heading turns the short way round."""
    (a, yaw_a), (b, yaw_b) = local_pose(last), local_pose(first)
    w = smoothstep(np.arange(1, frames + 1) / (frames + 1))[:, None, None]  # [F, 1, 1]
    dirs = (1 - w) * bone_directions(a[None]) + w * bone_directions(b[None])  # [F, J, 3]
    dirs /= np.maximum(np.linalg.norm(dirs, axis=-1, keepdims=True), 1e-9)
    root = (1 - w[:, 0]) * a[0] + w[:, 0] * b[0]  # [F, 3]
    local = bones_to_joints(root, dirs, lengths)
    turn = (yaw_b - yaw_a + np.pi) % (2 * np.pi) - np.pi
    yaws = yaw_a + turn * w[:, 0, 0]  # [F]
    return np.einsum("fij,fkj->fki", y_rotation(yaws), local) + last[0] * np.array([1.0, 0.0, 1.0])


def join(a: np.ndarray, b: np.ndarray, kind: str, amount: float, seconds: float, lengths: np.ndarray) -> np.ndarray:
    """a [Ta, J, 3] then b placed where a ends, joined by `kind` (JOIN_KINDS): amount is the pause in seconds or the
    turn in radians. Returns [Ta + F + Tb, J, 3]; b starts at frame Ta + F, F = held frames + blend frames."""
    nxt = placed(b, a[-1], amount if kind == "turn" else 0.0)
    held = np.repeat(a[-1:], frames_for(amount) if kind == "pause" else 0, 0)
    return np.concatenate([a, held, between(a[-1], nxt[0], frames_for(seconds), lengths), nxt])
