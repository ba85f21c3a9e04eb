"""The motion_text connector's prompt: a motion written out as compact structured text, one line per time window.

The encoder-free baseline (issue 15): no motion encoder; the processor puts this text at `<motion>`. Per window
(`window` seconds, 1 s by default): root displacement forward and left and heading change (+ = left) in the facing
frame at the window's start; mean pelvis height; peak trunk lean and peak flexion of knees, hips, elbows and
shoulders; which feet are on the ground each quarter second. Lengths in decimetres and angles in tens of degrees, as
integers (SmolLM2 spends a token per digit); running totals are rounded and then differenced, so rounding does not
pile up over lines. SmolLM2 tokens, header and net line included, on MoCapQA motions cut to length (mean, range):
5 s 241 (233-255), 10 s 404 (389-424), 30 s 1,080 (1,046-1,109), i.e. about 33 a second plus 85.
"""

from itertools import pairwise

import numpy as np

from ..motion.features import foot_contacts, gaussian_smooth
from ..motion.motion import Motion
from ..motion.skeleton import JOINT_INDEX, LEFT_FOOT_JOINTS, RIGHT_FOOT_JOINTS
from ..motion.transforms import canonicalize, forward_direction, heading, y_rotation

J = JOINT_INDEX
GROUND_HEIGHT = 0.12  # metres: a slow foot joint this close to the floor stands on it (a still, raised foot does not)
HEADING_SMOOTHING_S = 0.25  # seconds; removes gait sway from the heading without averaging a spin away
FEET_SYMBOLS = {(True, True): "B", (True, False): "L", (False, True): "R", (False, False): "-"}


def segment_angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Degrees [T] between vectors u, v [T, 3]."""
    cos = (u * v).sum(-1) / np.maximum(np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1), 1e-8)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def limb_angles(joints: np.ndarray, side: str, down: np.ndarray) -> tuple[np.ndarray, ...]:
    """Knee, hip, elbow and shoulder flexion [T] each of one side ("l_" or "r_") of joints [T, 22, 3]; down [T, 3]
    is the trunk's down axis."""
    def at(name: str) -> np.ndarray:
        return joints[:, J[side + name]]

    thigh, arm = at("knee") - at("hip"), at("elbow") - at("shoulder")
    return (segment_angle(thigh, at("ankle") - at("knee")), segment_angle(thigh, down),
            segment_angle(arm, at("wrist") - at("elbow")), segment_angle(arm, down))


def joint_angles(joints: np.ndarray) -> np.ndarray:
    """Flexion [T, 8] in degrees of joints [T, 22, 3], columns knee L R, hip L R, elbow L R, shoulder L R. Knees and
    elbows: 0 when straight; hips and shoulders: the thigh's and upper arm's angle from the trunk's down axis (0 hanging
    along the body, 90 raised to the front or side, 180 overhead)."""
    down = joints[:, J["pelvis"]] - joints[:, J["neck"]]  # [T, 3]
    left, right = limb_angles(joints, "l_", down), limb_angles(joints, "r_", down)
    return np.stack([angle for pair in zip(left, right, strict=True) for angle in pair], 1)


def trunk_lean(joints: np.ndarray) -> np.ndarray:
    """Signed trunk pitch [T] in degrees: 0 upright, +90 lying face down (head towards the facing direction), −90 face
    up, ±180 upside down."""
    up = joints[:, J["neck"]] - joints[:, J["pelvis"]]
    return np.degrees(np.arctan2((up * forward_direction(joints)).sum(-1), up[:, 1]))


def feet_down(joints: np.ndarray) -> np.ndarray:
    """[T, 2] bool (left, right): a foot joint (ankle or toe) is slow (HumanML3D's contact rule) and near the floor."""
    slow = foot_contacts(np.concatenate([joints, joints[-1:]])) > 0  # [T, 4]: l_ankle, l_foot, r_ankle, r_foot
    low = joints[:, list(LEFT_FOOT_JOINTS + RIGHT_FOOT_JOINTS), 1] < GROUND_HEIGHT
    down = slow & low
    return np.stack([down[:, :2].any(1), down[:, 2:].any(1)], 1)


def diffused(values: np.ndarray, step: float) -> np.ndarray:
    """Per-window increments [W, ...] in units of `step`, whose running sums are the rounded running sums of
    `values` [W, ...] (so a slow drift still shows, and the lines add up to the rounded total)."""
    totals = np.round(np.cumsum(values, 0) / step).astype(int)
    return np.diff(totals, axis=0, prepend=np.zeros_like(totals[:1]))


def window_moves(joints: np.ndarray, yaw: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Root displacement (forward, left) [W, 2] in metres over each window (bounds [W + 1]), in the facing frame of
    the window's first frame."""
    start, end = bounds[:-1], bounds[1:]
    step = joints[end, J["pelvis"]] - joints[start, J["pelvis"]]  # [W, 3]
    local = np.einsum("wij,wj->wi", y_rotation(-yaw[start]), step)
    return local[:, [2, 0]]


def feet_symbols(down: np.ndarray, quarter: int) -> str:
    """One symbol per `quarter` frames of down [n, 2]: the state most of its frames show (B, L, R or -)."""
    chunks = [down[i:i + quarter].mean(0) >= 0.5 for i in range(0, len(down), quarter)]
    return "".join(FEET_SYMBOLS[bool(left), bool(right)] for left, right in chunks)


def header(duration: float, window: float) -> str:
    return (f"motion {duration:.1f} s, a line per {window:g} s, dm and 10 deg: start s|move forward left|turn +left|"
            "pelvis height|lean +forward|flexion L R knees|hips|elbows|shoulders|feet down per 0.25 s (B both, - none)")


def describe_motion(motion: Motion, window: float = 1.0) -> str:
    """The motion as text: a header line, one line per `window` seconds, and a net line (displacement in the first
    frame's facing frame, total turn). Deterministic; `Motion` has already refused NaN/Inf and < 2 frames."""
    joints = np.asarray(canonicalize(motion).joints, np.float64)  # [T, 22, 3], floor at y = 0
    frames, fps = len(joints), motion.fps
    size, quarter = max(1, round(window * fps)), max(1, round(fps / 4))
    bounds = np.append(np.arange(0, frames - 1, size), frames - 1)  # [W + 1] window edges, sharing frames
    yaw = gaussian_smooth(np.unwrap(heading(joints))[:, None], HEADING_SMOOTHING_S * fps)[:, 0]  # [T] radians
    moves = diffused(window_moves(joints, yaw, bounds), 0.1)  # [W, 2] decimetres
    turns = diffused(np.degrees(np.diff(yaw[bounds])), 10.0)  # [W] tens of degrees
    angles, lean, down = joint_angles(joints), trunk_lean(joints), feet_down(joints)
    lines = [header(motion.duration, window)]
    for w, (start, end) in enumerate(pairwise(bounds)):
        span = slice(start, end + 1 if w == len(bounds) - 2 else end)  # the last window keeps the last frame
        peak = np.round(angles[span].max(0) / 10).astype(int)  # [8]
        tilt = int(np.round(lean[span][np.abs(lean[span]).argmax()] / 10))
        pairs = "|".join(f"{peak[i]} {peak[i + 1]}" for i in range(0, 8, 2))
        height = round(float(joints[span, J["pelvis"], 1].mean()) * 10)
        lines.append(f"{start / fps:g}|{moves[w, 0]} {moves[w, 1]}|{turns[w]}|{height}|"
                     f"{abs(tilt) if abs(tilt) == 18 else tilt}|{pairs}|{feet_symbols(down[span], quarter)}")
    net = y_rotation(-yaw[0]) @ (joints[-1, J["pelvis"]] - joints[0, J["pelvis"]])
    lines.append(f"net|{round(net[2] * 10)} {round(net[0] * 10)}|{int(turns.sum())}")
    return "\n".join(lines)
