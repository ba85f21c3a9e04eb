"""How far an estimated motion is from the motion its video was rendered from.

The Motion Estimator's output stands in the still camera's ground frame (video/root.py), so the two are compared
after the one rotation about the vertical that fits the whole clip best (closed form, least squares): that angle
is the camera's heading. Poses are compared pelvis-relative; the root path from the first frame on, turned by
the same angle. Body heights are root.segment_height of the truth. Shapes: T frames, J=22 joints.
"""

from dataclasses import dataclass

import numpy as np

from .root import segment_height


def _turn(points: np.ndarray, angle: float) -> np.ndarray:
    """Points [..., 3] turned about the vertical (y) by `angle` radians: (x, z) → (x cos + z sin, z cos - x sin)."""
    x, z = points[..., 0], points[..., 2]
    c, s = np.cos(angle), np.sin(angle)
    return np.stack([x * c + z * s, points[..., 1], z * c - x * s], -1)


def turned_onto(estimated: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, float]:
    """Pelvis-relative estimated joints [T, J, 3] turned about the vertical (y) by the one angle that brings them
    closest to the pelvis-relative truth [T, J, 3] (least squares, closed form), and that angle in degrees."""
    a, b = estimated - estimated[:, :1], truth - truth[:, :1]
    # Turning by θ maps (x, z) to (x cos θ + z sin θ, z cos θ - x sin θ); Σ b·turned = C cos θ + S sin θ.
    c = (a[..., 0] * b[..., 0] + a[..., 2] * b[..., 2]).sum()
    s = (a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2]).sum()
    angle = np.arctan2(s, c)
    return _turn(a, angle), float(np.degrees(angle))


def joint_error(estimated: np.ndarray, truth: np.ndarray) -> float:
    """Mean joint distance (m) of estimated joints [T, J, 3] turned onto the truth [T, J, 3], both pelvis-relative."""
    turned, _ = turned_onto(estimated, truth)
    return float(np.linalg.norm(turned - (truth - truth[:, :1]), axis=-1).mean())


@dataclass(frozen=True)
class EstimateError:
    """Medians over frames (and joints), in body heights of the truth."""

    pose: float  # pelvis-relative joint distance, after the best turn about the vertical
    root: float  # pelvis path from the first frame, turned by the same angle
    heading_deg: float  # that angle


def estimate_error(estimated: np.ndarray, truth: np.ndarray) -> EstimateError:
    """Compare estimated joints [T, J, 3] with the truth [T', J, 3] over their common first min(T, T') frames."""
    n = min(len(estimated), len(truth))
    estimated, truth = np.asarray(estimated[:n], np.float64), np.asarray(truth[:n], np.float64)
    turned, angle = turned_onto(estimated, truth)
    height = segment_height(truth)
    pose = np.linalg.norm(turned - (truth - truth[:, :1]), axis=-1)  # [T, J] m
    path = _turn(estimated[:, 0] - estimated[0, 0], np.radians(angle))  # [T, 3]
    root = np.linalg.norm(path - (truth[:, 0] - truth[0, 0]), axis=-1)  # [T] m
    return EstimateError(float(np.median(pose)) / height, float(np.median(root)) / height, angle)
