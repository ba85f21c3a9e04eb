"""BlazePose's 33 world landmarks (MediaPipe Pose; the Motion Estimator's output) → the 22 canonical joints.

World landmarks are metres, origin between the hips, image-style axes (x right, y down, z away from the
camera); they turn into y-up with a 180° rotation about x, and the clip is lifted so its lowest foot point
touches y = 0. SMPL joints BlazePose lacks (pelvis, spine, neck, collars) are interpolated (docs/decisions.md).
"""

import numpy as np

from ...errors import MotionError
from ..motion import CANONICAL_FPS, Motion
from ..skeleton import JOINT_INDEX, NUM_JOINTS
from ..transforms import resample, to_y_up

NUM_LANDMARKS = 33
# BlazePose landmark indices used here.
L_EAR, R_EAR, L_SHOULDER, R_SHOULDER, L_ELBOW, R_ELBOW, L_WRIST, R_WRIST = 7, 8, 11, 12, 13, 14, 15, 16
L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE, L_HEEL, R_HEEL, L_TOE, R_TOE = 23, 24, 25, 26, 27, 28, 29, 30, 31, 32


def landmarks_to_joints(lm: np.ndarray) -> np.ndarray:
    """Canonical joints [T, 22, 3] from y-up landmarks [T, 33, 3]."""
    def lerp(a, b, w):
        return (1.0 - w) * a + w * b

    pelvis = lerp(lm[:, L_HIP], lm[:, R_HIP], 0.5)
    shoulder_mid = lerp(lm[:, L_SHOULDER], lm[:, R_SHOULDER], 0.5)
    ear_mid = lerp(lm[:, L_EAR], lm[:, R_EAR], 0.5)
    spine3 = lerp(pelvis, shoulder_mid, 0.75)
    points = {
        "pelvis": pelvis, "spine1": lerp(pelvis, shoulder_mid, 0.25), "spine2": lerp(pelvis, shoulder_mid, 0.5),
        "spine3": spine3, "neck": lerp(shoulder_mid, ear_mid, 0.35), "head": ear_mid,
    }
    for s, hip, knee, ankle, heel, toe, shoulder, elbow, wrist in (
        ("l", L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_TOE, L_SHOULDER, L_ELBOW, L_WRIST),
        ("r", R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_TOE, R_SHOULDER, R_ELBOW, R_WRIST),
    ):
        points.update({
            f"{s}_hip": lm[:, hip], f"{s}_knee": lm[:, knee], f"{s}_ankle": lm[:, ankle],
            f"{s}_foot": lerp(lm[:, heel], lm[:, toe], 0.75), f"{s}_collar": lerp(spine3, lm[:, shoulder], 0.45),
            f"{s}_shoulder": lm[:, shoulder], f"{s}_elbow": lm[:, elbow], f"{s}_wrist": lm[:, wrist],
        })
    joints = np.zeros((len(lm), NUM_JOINTS, 3))
    for name, p in points.items():
        joints[:, JOINT_INDEX[name]] = p
    return joints


def read_blazepose(landmarks: np.ndarray, fps: float, source: str = "BlazePose landmarks") -> Motion:
    """World landmarks [T, 33, 3] or [T, 33, 4+] (extra columns such as visibility are ignored) at `fps`
    → canonical Motion at 20 fps."""
    landmarks = np.asarray(landmarks)
    if landmarks.ndim != 3 or landmarks.shape[1] != NUM_LANDMARKS or landmarks.shape[2] < 3:
        raise MotionError(f"{source}: shape {landmarks.shape}; expected (T, {NUM_LANDMARKS}, 3 or 4) world landmarks")
    joints = landmarks_to_joints(to_y_up(landmarks[..., :3].astype(np.float64), "-y"))
    joints[..., 1] -= joints[:, [JOINT_INDEX[n] for n in ("l_ankle", "r_ankle", "l_foot", "r_foot")], 1].min()
    return resample(Motion(joints, fps, source_fps=fps), CANONICAL_FPS)
