"""Timing of synthetic actions: repetition schedules with uneven rhythm, easing curves, smooth noise.

A `Schedule` lays out an action in frames (20 fps): an intro (getting into position), the repetitions (each
one's duration jittered so no two are alike), and an outro. Actions map each repetition's phase u in [0, 1)
through an easing profile that is 0 at both ends, so repetitions join without jumps.
"""

from dataclasses import dataclass

import numpy as np

from ..motion.features import gaussian_smooth
from ..motion.motion import CANONICAL_FPS

FPS = CANONICAL_FPS
REP_JITTER = 0.15  # each repetition lasts its nominal time times U(1 - j, 1 + j)


def frames_for(seconds: float) -> int:
    return max(1, int(round(seconds * FPS)))


def smoothstep(u: np.ndarray) -> np.ndarray:
    """0 → 1 with zero slope at both ends; u clipped to [0, 1]."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def bump(u: np.ndarray) -> np.ndarray:
    """0 → 1 → 0 over u in [0, 1], eased at the ends and the peak."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.clip(u, 0.0, 1.0))


def window(u: np.ndarray, start: float, stop: float) -> np.ndarray:
    """Where u lies in [start, stop], rescaled to [0, 1] (clipped outside)."""
    return np.clip((u - start) / (stop - start), 0.0, 1.0)


def plateau(u: np.ndarray, rise: float, fall: float) -> np.ndarray:
    """0 → 1 eased over [0, rise], hold, 1 → 0 eased over [fall, 1]."""
    return smoothstep(window(u, 0.0, rise)) * (1.0 - smoothstep(window(u, fall, 1.0)))


def keyframes(u: np.ndarray, times: tuple[float, ...], values: np.ndarray | tuple) -> np.ndarray:
    """Eased piecewise interpolation through (times[i], values[i]): [len(u), *value shape]; u outside the
    times holds the first/last value. Each segment eases in and out, so the curve pauses at every key."""
    times_arr, vals = np.asarray(times, float), np.asarray(values, float)
    idx = np.clip(np.searchsorted(times_arr, u, side="right") - 1, 0, len(times_arr) - 2)
    w = smoothstep((u - times_arr[idx]) / (times_arr[idx + 1] - times_arr[idx]))
    w = w.reshape((-1,) + (1,) * (vals.ndim - 1))
    return (1.0 - w) * vals[idx] + w * vals[idx + 1]


@dataclass(frozen=True)
class Schedule:
    """An action's frames. rep [T]: repetition index, -1 in the intro/outro; phase [T]: position in [0, 1) within
    the repetition (0 outside); spans: [start, end) frames of each repetition; envelope [T]: 0 → 1 across the
    intro, 1 through the repetitions, 1 → 0 across the outro (eased)."""

    rep: np.ndarray
    phase: np.ndarray
    spans: tuple[tuple[int, int], ...]
    envelope: np.ndarray

    @property
    def frames(self) -> int:
        return int(self.rep.shape[0])

    @property
    def active(self) -> np.ndarray:
        return self.rep >= 0

    @property
    def done(self) -> np.ndarray:
        """Repetitions finished before each frame [T]: 0 in the intro, all of them in the outro."""
        after = np.arange(self.frames) >= self.spans[-1][1]
        return np.where(self.active, self.rep, np.where(after, len(self.spans), 0))


def schedule(rng: np.random.Generator, reps: int, period: float, intro: float = 0.4, outro: float = 0.4,
             jitter: float = REP_JITTER) -> Schedule:
    """`reps` repetitions of about `period` seconds each (jittered), between an intro and an outro (seconds)."""
    durations = period * rng.uniform(1.0 - jitter, 1.0 + jitter, reps)
    bounds = intro + np.concatenate([[0.0], np.cumsum(durations)])  # seconds: start of each rep, end of the last
    total = bounds[-1] + outro
    t = np.arange(frames_for(total) + 1) / FPS
    rep = np.searchsorted(bounds, t, side="right") - 1
    rep = np.where((rep >= 0) & (rep < reps), rep, -1)
    idx = np.clip(rep, 0, reps - 1)
    phase = np.where(rep >= 0, (t - bounds[idx]) / durations[idx], 0.0)
    frames = np.arange(len(t))
    spans = tuple((int(frames[rep == k].min()), int(frames[rep == k].max()) + 1) for k in range(reps))
    rise = smoothstep(t / intro) if intro > 0 else np.ones_like(t)
    fall = 1.0 - smoothstep((t - bounds[-1]) / outro) if outro > 0 else np.ones_like(t)
    return Schedule(rep=rep, phase=phase, spans=spans, envelope=np.minimum(rise, fall))


def smooth_noise(rng: np.random.Generator, frames: int, shape: tuple[int, ...], scale: float,
                 sigma: float = 8.0) -> np.ndarray:
    """Slowly varying noise [frames, *shape] with about `scale` standard deviation (Gaussian-smoothed white noise)."""
    size = int(np.prod(shape)) if shape else 1
    white = rng.normal(0.0, 1.0, (frames, size))
    smooth = gaussian_smooth(white, sigma)
    smooth /= max(float(smooth.std()), 1e-9)
    return (scale * smooth).reshape((frames, *shape))
