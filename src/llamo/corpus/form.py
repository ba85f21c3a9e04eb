"""Form: the fine detail of how an action is done, measured on the joints, asked only where the margin is clear.

Each measure takes joints [T, 22, 3] (y-up metres) and an action's frames, and returns the answer or None when
the motion sits between the margins:
- slowest: which repetition is the slowest (an ordinal), when it lasts ≥ 12% longer than every other one;
- parallel (squats): hips below the knees at the deepest point ("yes": ≥ 3 cm below; "no": ≥ 5 cm above);
- stride (forward walks): mean step length over leg length ("long": ≥ 0.72; "short": ≤ 0.58);
- kick: the kicking ankle above the hips at its highest ("yes": ≥ 5 cm above; "no": ≥ 8 cm below).
"""

import numpy as np

from ..motion.skeleton import JOINT_INDEX as J
from .vocab import ORDINALS

SLOWEST_MARGIN = 1.12
PARALLEL_M = (-0.03, 0.05)  # hips minus knees: "yes" at or below the first, "no" at or above the second
STRIDE_RATIO = (0.58, 0.72)  # step / leg: "short" at or below, "long" at or above
KICK_M = (-0.08, 0.05)  # ankle minus hip: "no" at or below, "yes" at or above


def slowest(spans: tuple[tuple[int, int], ...]) -> str | None:
    """The ordinal of the clearly slowest repetition among ≥ 2, from their [start, end) frames."""
    if len(spans) < 2:
        return None
    lengths = np.array([end - start for start, end in spans], float)
    order = np.argsort(lengths)[::-1]
    return ORDINALS[int(order[0])] if lengths[order[0]] >= SLOWEST_MARGIN * lengths[order[1]] else None


def below_parallel(joints: np.ndarray, start: int, end: int) -> str | None:
    hips = joints[start:end, [J["l_hip"], J["r_hip"]], 1].mean(1)  # [T]
    knees = joints[start:end, [J["l_knee"], J["r_knee"]], 1].mean(1)  # [T]
    gap = float(hips[hips.argmin()] - knees[hips.argmin()])
    return "yes" if gap <= PARALLEL_M[0] else "no" if gap >= PARALLEL_M[1] else None


def leg_length(joints: np.ndarray) -> float:
    return float(np.linalg.norm(joints[0, J["l_knee"]] - joints[0, J["l_hip"]])
                 + np.linalg.norm(joints[0, J["l_ankle"]] - joints[0, J["l_knee"]]))


def stride(joints: np.ndarray, start: int, end: int, steps: int) -> str | None:
    travel = np.linalg.norm((joints[end - 1, 0] - joints[start, 0])[[0, 2]])
    ratio = travel / steps / leg_length(joints)
    return "short" if ratio <= STRIDE_RATIO[0] else "long" if ratio >= STRIDE_RATIO[1] else None


def kick_height(joints: np.ndarray, start: int, end: int, side: str) -> str | None:
    side_key = "l" if side == "left" else "r"
    lift = joints[start:end, J[f"{side_key}_ankle"], 1] - joints[start:end, J[f"{side_key}_hip"], 1]  # [T]
    top = float(lift.max())
    return "yes" if top >= KICK_M[1] else "no" if top <= KICK_M[0] else None


def measure_form(joints: np.ndarray, action: str, spans: tuple[tuple[int, int], ...], side: str | None,
                 direction: str | None) -> dict[str, str]:
    """Every form answer an action's repetitions show clearly: {kind: answer}."""
    start, end = spans[0][0], spans[-1][1]
    measured = {"form_slowest": slowest(spans)}
    if action == "squat":
        measured["form_parallel"] = below_parallel(joints, start, end)
    if action == "walk" and direction == "forward":
        measured["form_stride"] = stride(joints, start, end, len(spans))
    if action == "kick" and side in ("left", "right"):
        measured["form_kick"] = kick_height(joints, start, end, side)
    return {kind: answer for kind, answer in measured.items() if answer}
