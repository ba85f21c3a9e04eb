"""Labels measured on the augmented motion itself, so answers stay true after mirroring, reversal and rotation.

All functions take joints [T, 22, 3] (y-up metres) and return a short canonical answer, or None when the
motion does not show the property clearly enough to ask about it.
"""

import numpy as np

from ..motion.features import smoothed_yaw
from ..motion.skeleton import JOINT_INDEX
from ..motion.transforms import heading, y_rotation

TURN_MIN_RAD = 0.5  # total yaw change that counts as a turn
TRAVEL_MIN_M = 0.5  # displacement that counts as travelling
LIMB_MARGIN_M = 0.1  # how much more one side must move to name it
J = JOINT_INDEX


def facing_local(joints: np.ndarray) -> np.ndarray:
    """Joints [T, 22, 3] relative to the root's ground point, in each frame's (smoothed) facing frame."""
    local = joints - joints[:, :1] * np.array([1.0, 0.0, 1.0])
    return np.einsum("tij,tkj->tki", y_rotation(-smoothed_yaw(joints)), local)


def turn_direction(joints: np.ndarray) -> str | None:
    """'left' or 'right' by the sign of the total facing change (+ turns towards the person's left).
    Unsmoothed, because smoothing over a fast spin averages the facing direction away."""
    yaw = np.unwrap(heading(joints))
    change = yaw[-1] - yaw[0]
    return None if abs(change) < TURN_MIN_RAD else ("left" if change > 0 else "right")


def travel_direction(joints: np.ndarray) -> str | None:
    """'forward', 'backward', 'left' or 'right': root displacement in the starting facing frame."""
    start = y_rotation(-smoothed_yaw(joints)[0])
    lateral, _, forward = start @ (joints[-1, 0] - joints[0, 0])
    if np.hypot(lateral, forward) < TRAVEL_MIN_M:
        return None
    if abs(forward) >= 2 * abs(lateral):
        return "forward" if forward > 0 else "backward"
    if abs(lateral) >= 2 * abs(forward):
        return "left" if lateral > 0 else "right"
    return None


def active_side(joints: np.ndarray, limb: str) -> str | None:
    """Which leg kicks (ankle raised highest above the pelvis) or which hand punches (wrist furthest forward)."""
    if limb == "leg":
        height = joints[:, [J["l_ankle"], J["r_ankle"]], 1] - joints[:, :1, 1]  # [T, 2]
        left, right = height.max(axis=0)
    else:
        reach = facing_local(joints)[:, [J["l_wrist"], J["r_wrist"]], 2]  # [T, 2]
        left, right = reach.max(axis=0)
    if abs(left - right) < LIMB_MARGIN_M:
        return None
    return "left" if left > right else "right"


def goes_upside_down(joints: np.ndarray) -> str | None:
    """'yes' if the head passes clearly below the pelvis, 'no' if it stays clearly above, else None."""
    head_above = joints[:, J["head"], 1] - joints[:, J["pelvis"], 1]  # [T]
    if head_above.min() < -0.2:
        return "yes"
    return "no" if head_above.min() > 0.15 else None
