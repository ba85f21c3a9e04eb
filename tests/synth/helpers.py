"""Geometry the synth tests read motions with: repetition episodes, planted-foot drift, bone lengths."""

import numpy as np

from llamo.motion.skeleton import PARENTS


def bone_spread(joints: np.ndarray) -> float:
    """Largest change over time of any bone's length (m), joints [T, 22, 3]."""
    lengths = np.linalg.norm(joints[:, 1:] - joints[:, list(PARENTS[1:])], axis=-1)
    return float((lengths.max(0) - lengths.min(0)).max())


def episodes(signal: np.ndarray, high: float, low: float) -> int:
    """How many times signal [T] rises above `high` after having been below `low` (hysteresis)."""
    count, armed = 0, True
    for value in signal:
        if armed and value > high:
            count, armed = count + 1, False
        elif value < low:
            armed = True
    return count


def stance_drift(joints: np.ndarray, ankle_height: float, toe_height: float, margin: float = 0.01) -> float:
    """Largest horizontal drift (m) of a foot (ankle and toe) over each run of frames where it lies flat on the
    floor (both joints within `margin` of their standing heights)."""
    worst = 0.0
    for ankle, toe in ((7, 10), (8, 11)):
        down = (joints[:, ankle, 1] < ankle_height + margin) & (joints[:, toe, 1] < toe_height + margin)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], down.astype(int), [0]])))
        for start, stop in zip(edges[::2], edges[1::2]):
            feet = joints[start:stop][:, [ankle, toe]][..., [0, 2]]
            worst = max(worst, float(np.linalg.norm(feet - feet[:1], axis=-1).max()))
    return worst
