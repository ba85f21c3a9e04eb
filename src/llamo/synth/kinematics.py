"""Forward kinematics of a `PoseTrack` on a `Body`: pose parameters [T, ...] → joints [T, 22, 3].

Every joint is its parent plus a rotated fixed offset, or plus a bone length times a unit direction, so bone
lengths are exactly the body's in every frame. Legs are placed by two-link IK from the hip to the ankle target
(knee towards the foot's heading); a target out of reach is met with a straight leg pointing at it.
"""

import numpy as np

from ..motion.skeleton import JOINT_INDEX, NUM_JOINTS
from ..motion.transforms import y_rotation
from .body import Body
from .pose import PoseTrack

J = JOINT_INDEX
SPINE_SHARES = (0.3, 0.35, 0.35)  # how a spine bend is spread over spine1→spine2, spine2→spine3, spine3→chest
KNEE_POLE_UP = 0.4  # the knee aims at the foot's forward direction tilted up this much (stable for raised legs)


def rot_x(angle: np.ndarray) -> np.ndarray:
    """Rotations [..., 3, 3] about +x; + tilts +y towards +z (forward)."""
    c, s = np.cos(angle), np.sin(angle)
    zero, one = np.zeros_like(c), np.ones_like(c)
    return np.stack([np.stack([one, zero, zero], -1), np.stack([zero, c, -s], -1), np.stack([zero, s, c], -1)], -2)


def rot_z(angle: np.ndarray) -> np.ndarray:
    """Rotations [..., 3, 3] about +z; + tilts +y towards -x."""
    c, s = np.cos(angle), np.sin(angle)
    zero, one = np.zeros_like(c), np.ones_like(c)
    return np.stack([np.stack([c, -s, zero], -1), np.stack([s, c, zero], -1), np.stack([zero, zero, one], -1)], -2)


def euler(angles: np.ndarray) -> np.ndarray:
    """Body rotations [..., 3, 3] from (pitch, roll, twist) [..., 3]: bend forward, lean left, turn left."""
    return y_rotation(angles[..., 2]) @ rot_x(angles[..., 0]) @ rot_z(-angles[..., 1])


def apply(rot: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """rot [..., 3, 3] applied to vec [..., 3] (broadcast)."""
    return np.einsum("...ij,...j->...i", rot, vec)


def unit(vec: np.ndarray) -> np.ndarray:
    return vec / np.maximum(np.linalg.norm(vec, axis=-1, keepdims=True), 1e-9)


def two_link(root: np.ndarray, target: np.ndarray, a: float, b: float,
             pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Middle and end joints [..., 3] of a chain root→mid (length a)→end (length b) reaching for target [..., 3],
    bending towards pole [..., 3]. The reach is clamped to what the lengths allow, so |mid-root| = a and
    |end-mid| = b always."""
    span = target - root
    dist = np.linalg.norm(span, axis=-1, keepdims=True)
    along = span / np.maximum(dist, 1e-9)
    dist = np.clip(dist, abs(a - b) + 1e-6, (a + b) * (1 - 1e-9))
    cos_root = np.clip((a * a + dist * dist - b * b) / (2 * a * dist), -1.0, 1.0)
    side = unit(pole - np.sum(pole * along, -1, keepdims=True) * along)
    mid = root + a * (cos_root * along + np.sqrt(1 - cos_root**2) * side)
    return mid, root + dist * along


def pelvis_frame(body: Body, track: PoseTrack) -> tuple[np.ndarray, np.ndarray]:
    """Pelvis rotation [T, 3, 3] and hip positions [T, 2, 3] (left, right) of a track."""
    rot = y_rotation(track.yaw) @ euler(track.pelvis)
    hips = track.root[:, None] + apply(rot[:, None], body.offsets[[J["l_hip"], J["r_hip"]]])
    return rot, hips


def _torso(body: Body, track: PoseTrack, pelvis_rot: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Write spine, neck, head, collars and shoulders into out [T, 22, 3]; return the chest rotation [T, 3, 3]."""
    out[:, J["spine1"]] = track.root + apply(pelvis_rot, body.offsets[J["spine1"]])
    rot = pelvis_rot
    for share, (parent, child) in zip(SPINE_SHARES, (("spine1", "spine2"), ("spine2", "spine3"), (None, None))):
        rot = rot @ euler(track.spine * share)
        if child is not None:
            out[:, J[child]] = out[:, J[parent]] + apply(rot, body.offsets[J[child]])
    for name, parent in (("neck", "spine3"), ("l_collar", "spine3"), ("r_collar", "spine3"),
                         ("l_shoulder", "l_collar"), ("r_shoulder", "r_collar")):
        out[:, J[name]] = out[:, J[parent]] + apply(rot, body.offsets[J[name]])
    out[:, J["head"]] = out[:, J["neck"]] + apply(rot @ euler(track.neck), body.offsets[J["head"]])
    return rot


def _arms(body: Body, track: PoseTrack, chest_rot: np.ndarray, out: np.ndarray) -> None:
    """Elbows and wrists from the arm directions (chest frame), into out [T, 22, 3]."""
    dirs = apply(chest_rot[:, None, None], track.arms)  # [T, 2, 2, 3] world
    dirs = dirs / np.maximum(np.linalg.norm(dirs, axis=-1, keepdims=True), 1e-9)
    for s, side in enumerate("lr"):
        out[:, J[f"{side}_elbow"]] = out[:, J[f"{side}_shoulder"]] + body.upper_arm * dirs[:, s, 0]
        out[:, J[f"{side}_wrist"]] = out[:, J[f"{side}_elbow"]] + body.forearm * dirs[:, s, 1]


def foot_rotation(track: PoseTrack) -> np.ndarray:
    """Each foot's rotation [T, 2, 3, 3]: its heading, then its pitch (toes down +)."""
    return y_rotation(track.feet_yaw) @ rot_x(track.feet_pitch)


def _legs(body: Body, track: PoseTrack, hips: np.ndarray, out: np.ndarray) -> None:
    """Hips, knees (two-link IK), ankles and feet into out [T, 22, 3]."""
    feet_rot = foot_rotation(track)
    forward = apply(feet_rot, np.array([0.0, 0.0, 1.0]))
    pole = forward * np.array([1.0, 0.0, 1.0]) + np.array([0.0, KNEE_POLE_UP, 0.0])
    knees, ankles = two_link(hips, track.feet, body.thigh, body.shin, pole)
    for s, side in enumerate("lr"):
        out[:, J[f"{side}_hip"]] = hips[:, s]
        out[:, J[f"{side}_knee"]] = knees[:, s]
        out[:, J[f"{side}_ankle"]] = ankles[:, s]
        out[:, J[f"{side}_foot"]] = ankles[:, s] + apply(feet_rot[:, s], body.offsets[J[f"{side}_foot"]])


def forward_kinematics(body: Body, track: PoseTrack) -> np.ndarray:
    """Joints float32 [T, 22, 3] (y-up, metres) of a track on a body."""
    out = np.zeros((track.frames, NUM_JOINTS, 3))
    out[:, J["pelvis"]] = track.root
    pelvis_rot, hips = pelvis_frame(body, track)
    chest_rot = _torso(body, track, pelvis_rot, out)
    _arms(body, track, chest_rot, out)
    _legs(body, track, hips, out)
    return out.astype(np.float32)


def chest_frame(body: Body, track: PoseTrack) -> tuple[np.ndarray, np.ndarray]:
    """Chest rotation [T, 3, 3] and shoulder positions [T, 2, 3] (left, right), as forward_kinematics finds them."""
    out = np.zeros((track.frames, NUM_JOINTS, 3))
    pelvis_rot, _ = pelvis_frame(body, track)
    rot = _torso(body, track, pelvis_rot, out)
    return rot, out[:, [J["l_shoulder"], J["r_shoulder"]]]
