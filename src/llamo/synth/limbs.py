"""Limb helpers the actions share: arm directions from angles, reaching by IK, leg targets from joint angles,
rising onto the toes, and lowering the pelvis so that planted feet stay within reach (no stretched leg ever
drags a foot).

Shapes: T frames; side s in {0: left, 1: right}; chest-frame vectors follow the body (facing +z, left at +x).
"""

import numpy as np

from ..motion.skeleton import JOINT_INDEX
from ..motion.transforms import y_rotation
from .body import Body
from .kinematics import apply, chest_frame, pelvis_frame, rot_x, rot_z, two_link, unit
from .pose import SIDE_SIGN, PoseTrack, rest_arms
from .timing import smoothstep

J = JOINT_INDEX
REST_ELEVATION = 0.12  # radians: how far from hanging straight down the rest arm points
FADE_ELEVATION = 0.5  # an arm within this angle of the rest elevation blends into the rest pose
LEG_STRAIGHTNESS = 0.985  # a planted leg reaches at most this share of its length, so the knee stays soft


def limb_dir(elevation: np.ndarray, plane: np.ndarray | float, side: int) -> np.ndarray:
    """Unit directions [..., 3] in the chest frame: elevation 0 hangs down, pi/2 is horizontal, pi points up;
    plane 0 swings out to the side, pi/2 forward (for side 0 = left, 1 = right)."""
    e, f = np.broadcast_arrays(np.asarray(elevation, float), np.asarray(plane, float))
    return np.stack([SIDE_SIGN[side] * np.sin(e) * np.cos(f), -np.cos(e), np.sin(e) * np.sin(f)], -1)


def mix_dirs(a: np.ndarray, b: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Normalised per-frame blend of directions a, b [T, ..., 3] by weight [T] (0 → a, 1 → b)."""
    w = weight.reshape((-1,) + (1,) * (a.ndim - 1))
    return unit((1.0 - w) * a + w * b)


def arm_from_angles(body: Body, arm: int, upper: tuple, fore: tuple) -> np.ndarray:
    """Directions [T, 2, 3] of one arm from (elevation [T], plane) of the upper arm and of the forearm. Near the
    hanging elevation each bone fades into the rest pose, so every arm movement starts and ends at rest."""
    rest = rest_arms(body)[arm]
    bones = []
    for b, (elevation, plane) in enumerate((upper, fore)):
        elevation = np.asarray(elevation, float)
        weight = smoothstep(np.abs(elevation - REST_ELEVATION) / FADE_ELEVATION)
        bones.append(mix_dirs(np.broadcast_to(rest[b], (*elevation.shape, 3)), limb_dir(elevation, plane, arm), weight))
    return np.stack(bones, -2)


def reach_local(body: Body, target: np.ndarray, pole: np.ndarray) -> np.ndarray:
    """Upper-arm and forearm directions [T, 2, 3] that bring a wrist to target [T, 3], given relative to its
    shoulder in the chest frame, the elbow bending towards pole [3] or [T, 3] (chest frame)."""
    origin = np.zeros_like(target)
    elbow, wrist = two_link(origin, target, body.upper_arm, body.forearm, np.broadcast_to(pole, target.shape))
    return np.stack([unit(elbow), unit(wrist - elbow)], 1)


def shoulder_offset(body: Body, arm: int) -> np.ndarray:
    """The shoulder joint [3] relative to spine3, in the chest frame."""
    side = "lr"[arm]
    return body.offsets[JOINT_INDEX[f"{side}_collar"]] + body.offsets[JOINT_INDEX[f"{side}_shoulder"]]


def hands_at(body: Body, arm: int, point: np.ndarray, weight: np.ndarray, pole: tuple) -> np.ndarray:
    """Arm directions [T, 2, 3] bringing the wrist to point [T, 3] (chest frame, from spine3), blended in from
    the rest pose by weight [T]."""
    dirs = reach_local(body, point - shoulder_offset(body, arm), np.array(pole, float))
    return mix_dirs(np.repeat(rest_arms(body)[arm][None], len(weight), 0), dirs, weight)


def reach(body: Body, track: PoseTrack, side: int, target: np.ndarray, pole: np.ndarray) -> np.ndarray:
    """Like reach_local for a target [T, 3] in the world, as seen from the track's chest."""
    chest, shoulders = chest_frame(body, track)
    local = np.einsum("tji,tj->ti", chest, target - shoulders[:, side])  # world → chest frame
    return reach_local(body, local, pole)


def leg_target(body: Body, track: PoseTrack, side: int, flex: np.ndarray, knee: np.ndarray,
               abduct: np.ndarray | float = 0.0) -> np.ndarray:
    """Ankle positions [T, 3] (world) of the `side` leg with the hip flexed forward by flex, the knee bent by
    knee and the leg swung out by abduct (radians [T])."""
    pelvis_rot, hips = pelvis_frame(body, track)
    down = np.array([0.0, -1.0, 0.0])
    swing = rot_z(np.asarray(abduct, float) * SIDE_SIGN[side])  # rot_z(+a) swings a hanging leg towards +x
    thigh = apply(swing @ rot_x(-flex), down)
    shin = apply(swing @ rot_x(knee - flex), down)
    local = body.thigh * thigh + body.shin * shin
    return hips[:, side] + apply(pelvis_rot, local)


def lifted_foot(planted: np.ndarray, target: np.ndarray, neutral: np.ndarray, clear: float = 0.03) -> np.ndarray:
    """Ankle positions [T, 3]: a planted foot [3] moved by how far an angle-driven target [T, 3] is from where the
    same angles at rest would put it (neutral [T, 3]). The foot moves sideways only once it has risen `clear` m, so
    it leaves and meets the floor vertically instead of scuffing."""
    shift = target - neutral
    shift[:, [0, 2]] *= smoothstep(shift[:, 1:2] / clear)
    return planted + shift


def rise_on_toes(body: Body, track: PoseTrack, side: int, pitch: np.ndarray) -> None:
    """Lift the `side` heel by pitch [T] (radians, toes down) about the ball of the foot, which stays where the
    flat foot puts it: sets the track's foot pitch and ankle target in place."""
    toe_offset = body.offsets[J[("l_foot", "r_foot")[side]]]
    toe = track.feet[:, side] + apply(y_rotation(track.feet_yaw[:, side]), toe_offset)
    track.feet_pitch[:, side] = pitch
    track.feet[:, side] = toe - apply(y_rotation(track.feet_yaw[:, side]) @ rot_x(pitch), toe_offset)


def settle_root(body: Body, track: PoseTrack, planted: np.ndarray) -> np.ndarray:
    """Root heights [T] lowered where a planted foot (planted [T, 2] bool) would be out of a soft-kneed reach."""
    _, hips = pelvis_frame(body, track)
    drop = hips[..., 1] - track.root[:, None, 1]  # [T, 2] hip height relative to the pelvis
    horizontal = np.linalg.norm((hips - track.feet)[..., [0, 2]], axis=-1)
    reach_y = np.sqrt(np.maximum((LEG_STRAIGHTNESS * body.leg) ** 2 - horizontal**2, 0.0))
    highest = np.where(planted, track.feet[..., 1] + reach_y - drop, np.inf).min(axis=1)
    return np.minimum(track.root[:, 1], highest)
