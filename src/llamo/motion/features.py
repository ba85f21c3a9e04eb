"""Encoder input features from joints, and the `Normalizer` that scales them.

One root-heading-canonicalised decomposition (HumanML3D's, DESIGN "Canonical motion") serves both the
encoder features here and the 263-d HumanML3D vector in formats/humanml3d.py. Per frame t:
root height (1) | yaw velocity (1) | planar root velocity in the facing frame (2) | root-relative joint
positions in the facing frame, joints 1..21 (63) | joint velocities in the facing frame (66) |
foot contacts l_ankle, l_foot, r_ankle, r_foot (4)  →  F = 137.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MotionError
from .motion import Motion
from .skeleton import LEFT_FOOT_JOINTS, NUM_JOINTS, RIGHT_FOOT_JOINTS
from .transforms import canonicalize, forward_direction, y_rotation

FEATURE_DIM = 1 + 1 + 2 + (NUM_JOINTS - 1) * 3 + NUM_JOINTS * 3 + 4
HEADING_SMOOTHING_SIGMA = 20.0  # frames; HumanML3D smooths the facing direction with this Gaussian
FOOT_CONTACT_THRESHOLD = 0.002  # squared metres per frame; HumanML3D's feet_thre


def gaussian_smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """1-D Gaussian filter along axis 0 with edge ('nearest') padding, like scipy's gaussian_filter1d."""
    radius = int(4.0 * sigma + 0.5)
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.concatenate([np.repeat(x[:1], radius, 0), x, np.repeat(x[-1:], radius, 0)])
    return np.stack([np.convolve(padded[:, i], kernel, mode="valid") for i in range(x.shape[1])], axis=1)


@dataclass(frozen=True)
class FacingParts:
    """The decomposition of canonicalised joints [T, J, 3]; rows are frames 0..T-2 (velocities need t+1).

    root_y [T-1, 1], rot_vel [T-1, 1] (half the yaw change, HumanML3D's convention), lin_vel [T-1, 2],
    ric [T-1, 63], local_vel [T-1, 66], contacts [T-1, 4].
    """

    root_y: np.ndarray
    rot_vel: np.ndarray
    lin_vel: np.ndarray
    ric: np.ndarray
    local_vel: np.ndarray
    contacts: np.ndarray


def foot_contacts(joints: np.ndarray) -> np.ndarray:
    """1.0 where a foot joint moves less than the threshold to the next frame: [T-1, 4] from [T, J, 3]."""
    feet = list(LEFT_FOOT_JOINTS + RIGHT_FOOT_JOINTS)
    step = ((joints[1:, feet] - joints[:-1, feet]) ** 2).sum(-1)  # [T-1, 4]
    return (step < FOOT_CONTACT_THRESHOLD).astype(np.float64)


def smoothed_yaw(joints: np.ndarray) -> np.ndarray:
    """Unwrapped facing angle [T] of joints [T, J, 3], smoothed over time as HumanML3D does."""
    forward = gaussian_smooth(forward_direction(joints), HEADING_SMOOTHING_SIGMA)
    return np.unwrap(np.arctan2(forward[:, 0], forward[:, 2]))


def facing_parts(joints: np.ndarray) -> FacingParts:
    """Decompose canonicalised joints [T, J, 3] (see `canonicalize`) into facing-frame parts."""
    yaw = smoothed_yaw(joints)  # [T]
    to_facing = y_rotation(-yaw)  # [T, 3, 3]: world → facing frame
    root = joints[:, 0]
    lin_vel = np.einsum("tij,tj->ti", to_facing[1:], root[1:] - root[:-1])[:, [0, 2]]
    local = joints[:, 1:] - root[:, None] * np.array([1.0, 0.0, 1.0])  # y stays absolute, as in HumanML3D
    ric = np.einsum("tij,tkj->tki", to_facing, local)
    local_vel = np.einsum("tij,tkj->tki", to_facing[:-1], joints[1:] - joints[:-1])
    return FacingParts(
        root_y=root[:-1, 1:2],
        rot_vel=-np.diff(yaw)[:, None] / 2.0,
        lin_vel=lin_vel,
        ric=ric[:-1].reshape(len(joints) - 1, -1),
        local_vel=local_vel.reshape(len(joints) - 1, -1),
        contacts=foot_contacts(joints),
    )


def motion_features(motion: Motion) -> np.ndarray:
    """Encoder features float32 [T, F=137] of a motion (the last frame repeats the pose, so its velocities are 0)."""
    joints = np.asarray(canonicalize(motion).joints, np.float64)
    p = facing_parts(np.concatenate([joints, joints[-1:]]))
    return np.concatenate([p.root_y, p.rot_vel, p.lin_vel, p.ric, p.local_vel, p.contacts], axis=1).astype(
        np.float32
    )


@dataclass(frozen=True)
class Normalizer:
    """Per-feature mean and std [F]; `normalize` maps features [..., F] to zero mean, unit variance."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, features: list[np.ndarray], min_std: float = 1e-2) -> "Normalizer":
        """Statistics over every frame of every [T_i, F] array; std is floored so constant features stay finite."""
        stacked = np.concatenate(features, axis=0).astype(np.float64)
        return cls(stacked.mean(0).astype(np.float32), np.maximum(stacked.std(0), min_std).astype(np.float32))

    def normalize(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean) / self.std).astype(np.float32)

    def denormalize(self, features: np.ndarray) -> np.ndarray:
        return (features * self.std + self.mean).astype(np.float32)

    def save(self, path: str | Path) -> None:
        """Write JSON {feature_dim, mean, std}; exact, since Python writes floats with round-trip precision."""
        payload = {"feature_dim": int(self.mean.shape[0]), "mean": self.mean.tolist(), "std": self.std.tolist()}
        Path(path).write_text(json.dumps(payload))

    @classmethod
    def load(cls, path: str | Path) -> "Normalizer":
        try:
            payload = json.loads(Path(path).read_text())
            mean, std = np.asarray(payload["mean"], np.float32), np.asarray(payload["std"], np.float32)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise MotionError(f"{path}: not a normaliser file ({err}); expected JSON with 'mean' and 'std'") from err
        if mean.shape != std.shape or mean.ndim != 1 or (std <= 0).any():
            raise MotionError(f"{path}: mean {mean.shape} and std {std.shape} must be equal-length vectors, std > 0")
        return cls(mean, std)
