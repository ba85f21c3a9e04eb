"""The canonical skeleton: SMPL's 22 body joints in HumanML3D ("t2m") order, y-up, metres.

Constants only; every reader maps its source onto these names.
"""

JOINT_NAMES: tuple[str, ...] = (
    "pelvis", "l_hip", "r_hip", "spine1", "l_knee", "r_knee", "spine2", "l_ankle", "r_ankle", "spine3",
    "l_foot", "r_foot", "neck", "l_collar", "r_collar", "head", "l_shoulder", "r_shoulder",
    "l_elbow", "r_elbow", "l_wrist", "r_wrist",
)
NUM_JOINTS = len(JOINT_NAMES)
JOINT_INDEX: dict[str, int] = {name: i for i, name in enumerate(JOINT_NAMES)}

PARENTS: tuple[int, ...] = (-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19)

# Kinematic chains, as HumanML3D draws them: right leg, left leg, spine, right arm, left arm.
CHAINS: tuple[tuple[int, ...], ...] = (
    (0, 2, 5, 8, 11), (0, 1, 4, 7, 10), (0, 3, 6, 9, 12, 15), (9, 14, 17, 19, 21), (9, 13, 16, 18, 20),
)

# Joint i of a mirrored motion is joint MIRROR[i] of the original.
MIRROR: tuple[int, ...] = tuple(
    JOINT_INDEX[n.replace("l_", "#").replace("r_", "l_").replace("#", "r_")] for n in JOINT_NAMES
)

# Joints whose left-right vector defines the facing direction (HumanML3D's face_joint_indx).
R_HIP, L_HIP, R_SHOULDER, L_SHOULDER = 2, 1, 17, 16
LEFT_FOOT_JOINTS, RIGHT_FOOT_JOINTS = (7, 10), (8, 11)
