"""Synthetic bodies: the rest skeleton of one person of a given height and limb proportions.

A body is the rest offset of each of the 22 canonical joints from its parent (skeleton.PARENTS), facing +z with
the person's left at +x, y-up, metres. Every synthetic motion is forward kinematics of one body's fixed offsets
(kinematics.py), so bone lengths never change over time. The reference is an SMPL-like 1.70 m adult.
"""

from dataclasses import dataclass

import numpy as np

from ..motion.skeleton import JOINT_INDEX, NUM_JOINTS, PARENTS

J = JOINT_INDEX
REFERENCE_HEIGHT = 1.70  # m, floor to crown
CROWN_ABOVE_HEAD = 0.175  # m from the head joint to the crown at the reference height
TOE_HEIGHT = 0.025  # m: the foot joint (ball of the foot) above the floor when the foot is flat
HEIGHT_RANGE = (1.5, 1.95)
RATIO_SPREAD = 0.05  # std of each proportion ratio around 1 (clipped at 1.6 std)

# Offset of each joint from its parent at the reference height [22, 3]; the pelvis row is unused.
REFERENCE_OFFSETS = np.array([
    (0.0, 0.0, 0.0), (0.085, -0.07, -0.005), (-0.085, -0.07, -0.005), (0.0, 0.105, -0.025),
    (0.01, -0.385, 0.01), (-0.01, -0.385, 0.01), (0.0, 0.13, 0.01), (-0.005, -0.405, -0.035),
    (0.005, -0.405, -0.035), (0.0, 0.055, 0.015), (0.02, -0.055, 0.125), (-0.02, -0.055, 0.125),
    (0.0, 0.21, -0.025), (0.075, 0.12, -0.01), (-0.075, 0.12, -0.01), (0.0, 0.085, 0.045),
    (0.115, 0.035, -0.01), (-0.115, 0.035, -0.01), (0.025, -0.255, -0.02), (-0.025, -0.255, -0.02),
    (0.01, -0.245, 0.03), (-0.01, -0.245, 0.03),
])
# Which proportion ratio scales which joints' offsets (the rest scale with the torso).
PROPORTION_JOINTS = {
    "leg": ("l_knee", "r_knee", "l_ankle", "r_ankle"),
    "arm": ("l_elbow", "r_elbow", "l_wrist", "r_wrist"),
    "foot": ("l_foot", "r_foot"),
}
WIDTH_JOINTS = {"hip_width": ("l_hip", "r_hip"), "shoulder_width": ("l_collar", "r_collar", "l_shoulder",
                                                                     "r_shoulder")}


def scaled_offsets(ratios: dict[str, float]) -> np.ndarray:
    """Reference offsets [22, 3] with each part scaled by its ratio (1 = reference); widths scale x only."""
    offsets = REFERENCE_OFFSETS * ratios.get("torso", 1.0)
    for part, names in PROPORTION_JOINTS.items():
        for name in names:
            offsets[J[name]] = REFERENCE_OFFSETS[J[name]] * ratios.get(part, 1.0)
    for part, names in WIDTH_JOINTS.items():
        for name in names:
            offsets[J[name], 0] *= ratios.get(part, 1.0)
    return offsets


def rest_positions(offsets: np.ndarray) -> np.ndarray:
    """Joint positions [22, 3] of the rest pose with the pelvis at the origin."""
    positions = np.zeros((NUM_JOINTS, 3))
    for j in range(1, NUM_JOINTS):
        positions[j] = positions[PARENTS[j]] + offsets[j]
    return positions


@dataclass(frozen=True)
class Body:
    """One person's rest skeleton. offsets: [22, 3] from each joint's parent (facing +z, left at +x), metres;
    height: floor to crown; toe_height: the foot joint above the floor when the foot stands flat."""

    offsets: np.ndarray
    height: float = REFERENCE_HEIGHT
    toe_height: float = TOE_HEIGHT

    @classmethod
    def from_proportions(cls, height: float = REFERENCE_HEIGHT, **ratios: float) -> "Body":
        """A body `height` m tall whose parts (leg, arm, foot, torso, hip_width, shoulder_width) are scaled by
        the given ratios (1 = reference) before the whole is scaled to the height."""
        offsets = scaled_offsets(ratios)
        rest = rest_positions(offsets)
        crown = CROWN_ABOVE_HEAD * ratios.get("torso", 1.0)
        k = height / (rest[J["head"], 1] - rest[J["l_foot"], 1] + crown + TOE_HEIGHT)
        return cls(offsets * k, float(height), TOE_HEIGHT * k)

    def length(self, joint: str) -> float:
        """Length of the bone from `joint`'s parent to `joint`."""
        return float(np.linalg.norm(self.offsets[J[joint]]))

    @property
    def thigh(self) -> float:
        return self.length("l_knee")

    @property
    def shin(self) -> float:
        return self.length("l_ankle")

    @property
    def leg(self) -> float:
        """Hip-to-ankle reach with the knee straight."""
        return self.thigh + self.shin

    @property
    def upper_arm(self) -> float:
        return self.length("l_elbow")

    @property
    def forearm(self) -> float:
        return self.length("l_wrist")

    @property
    def ankle_height(self) -> float:
        """Ankle above the floor when the foot stands flat."""
        return self.toe_height - float(self.offsets[J["l_foot"], 1])

    @property
    def pelvis_height(self) -> float:
        """Pelvis above the floor in the rest pose (feet flat)."""
        return self.toe_height - float(rest_positions(self.offsets)[J["l_foot"], 1])

    def rest(self) -> np.ndarray:
        """Rest pose [22, 3] standing on the floor y=0, pelvis above the origin."""
        return rest_positions(self.offsets) + np.array([0.0, self.pelvis_height, 0.0])


def sample_body(rng: np.random.Generator) -> Body:
    """A random adult: height uniform in HEIGHT_RANGE, each proportion ratio ~ N(1, RATIO_SPREAD) clipped."""
    height = float(rng.uniform(*HEIGHT_RANGE))
    names = ("leg", "arm", "foot", "torso", "hip_width", "shoulder_width")
    spread = np.clip(rng.normal(0.0, RATIO_SPREAD, len(names)), -1.6 * RATIO_SPREAD, 1.6 * RATIO_SPREAD)
    return Body.from_proportions(height, **{n: 1.0 + float(s) for n, s in zip(names, spread, strict=True)})
