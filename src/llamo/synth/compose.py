"""Sequences of actions: each performed in its local frame, moved to where and how the previous one ended, and
joined by an eased transition of 0.3-0.6 s (optionally a pause), with a timeline of what happens when.

    seq = compose(body, [Step("walk", ActionParams(reps=4)), Step("squat", ActionParams(reps=3))], rng)
    seq.joints  # float32 [T, 22, 3];  seq.timeline: one Segment per action, frames in the whole sequence

Transitions blend pose parameters (never joints), so bones keep their lengths; a foot that must move during a
transition is lifted while the other stands. `Step.upper` lays a second action's arms over the first (wave
while walking).
"""

from dataclasses import dataclass, replace

import numpy as np

from .action import ActionClip, ActionParams
from .actions import ACTIONS, perform
from .body import Body
from .kinematics import forward_kinematics
from .pose import PoseTrack, blend, concat
from .timing import frames_for, smoothstep

TRANSITION_S = (0.3, 0.6)
FOOT_MOVE_M = 0.01  # a foot that must move further than this during a transition is lifted, not slid
OVERLAY_BLEND_S = 0.4


@dataclass(frozen=True)
class Step:
    """One action of a sequence. upper: another action whose arms replace this one's; pause: seconds held still
    after the action."""

    action: str
    params: ActionParams = ActionParams()
    upper: tuple[str, ActionParams] | None = None
    pause: float = 0.0


@dataclass(frozen=True)
class Segment:
    """Where one action sits in a sequence: frames [start, end), its repetitions' [start, end) frames, and the
    overlaid upper-body action (name, params, repetition spans) if any."""

    action: str
    params: dict
    start: int
    end: int
    reps: tuple[tuple[int, int], ...]
    upper: tuple[str, dict, tuple[tuple[int, int], ...]] | None = None

    def to_dict(self) -> dict:
        out = {"action": self.action, "params": self.params, "start": self.start, "end": self.end,
               "reps": [list(r) for r in self.reps]}
        if self.upper:
            out["upper"] = {"action": self.upper[0], "params": self.upper[1], "reps": [list(r) for r in self.upper[2]]}
        return out


@dataclass(frozen=True)
class Sequence:
    """A composed motion: joints float32 [T, 22, 3] (20 fps), its pose track, and the timeline."""

    joints: np.ndarray
    track: PoseTrack
    timeline: tuple[Segment, ...]


def overlay_upper(base: ActionClip, upper: ActionClip) -> tuple[PoseTrack, tuple[tuple[int, int], ...]]:
    """base's track with upper's arms and head over its first frames (eased back to base's own arms at the end);
    returns the track and upper's repetition spans that fit inside base."""
    n = min(base.track.frames, upper.track.frames)
    fade = frames_for(OVERLAY_BLEND_S)
    weight = np.zeros(base.track.frames)
    weight[:n] = 1.0 - smoothstep((np.arange(n) - (n - fade)) / fade)
    padded = {k: np.concatenate([v[:n], np.repeat(v[n - 1:n], base.track.frames - n, 0)])
              for k, v in upper.track.arrays().items() if k in ("arms", "neck")}
    mixed = blend(base.track, replace(base.track, **padded), weight)
    track = replace(base.track, arms=mixed.arms, neck=mixed.neck)
    return track, tuple(span for span in upper.spans if span[1] <= n)


def place(track: PoseTrack, root: np.ndarray, yaw: float) -> PoseTrack:
    """`track` moved rigidly so its first frame stands at root's xz [3] facing yaw."""
    turned = track.moved(np.zeros(3), yaw - float(track.yaw[0]))
    offset = (root - turned.root[0]) * np.array([1.0, 0.0, 1.0])
    return turned.moved(offset, 0.0)


def transition(a: PoseTrack, b: PoseTrack, frames: int, body_clearance: float) -> PoseTrack:
    """`frames` in-between frames from a's last pose to b's first: eased blend, feet lifted one after the other
    where they must move (the left in the first half, the right in the second)."""
    last, first = a.slice(a.frames - 1, a.frames), b.slice(0, 1)
    k = np.arange(1, frames + 1) / (frames + 1)
    weight = smoothstep(k)
    rep_a = PoseTrack(**{key: np.repeat(v, frames, 0) for key, v in last.arrays().items()})
    rep_b = PoseTrack(**{key: np.repeat(v, frames, 0) for key, v in first.arrays().items()})
    out = blend(rep_a, rep_b, weight)
    for side in (0, 1):
        move = np.linalg.norm((first.feet[0, side] - last.feet[0, side])[[0, 2]])
        if move > FOOT_MOVE_M:
            u = np.clip(2 * k - side, 0.0, 1.0)
            w = smoothstep(u)[:, None]
            out.feet[:, side] = (1 - w) * last.feet[0, side] + w * first.feet[0, side]
            out.feet[:, side, 1] += min(body_clearance, 2 * move) * np.sin(np.pi * u)
    return out


def hold(track: PoseTrack, seconds: float) -> PoseTrack:
    """The last frame of track, held still for `seconds`."""
    last = track.slice(track.frames - 1, track.frames)
    return PoseTrack(**{k: np.repeat(v, frames_for(seconds), 0) for k, v in last.arrays().items()})


def shifted(spans: tuple[tuple[int, int], ...], by: int) -> tuple[tuple[int, int], ...]:
    return tuple((start + by, end + by) for start, end in spans)


def compose(body: Body, steps: list[Step], rng: np.random.Generator, heading: float = 0.0,
            noise: float = 1.0) -> Sequence:
    """Perform `steps` one after another (the first at the origin facing `heading` radians) → `Sequence`."""
    pieces: list[PoseTrack] = []
    timeline: list[Segment] = []
    frame, root, yaw = 0, np.zeros(3), heading
    for step in steps:
        clip = perform(step.action, body, step.params, rng, noise)
        track, upper = clip.track, None
        if step.upper:
            extra = perform(step.upper[0], body, step.upper[1], rng, noise)
            track, spans = overlay_upper(clip, extra)
            upper = (extra.name, ACTIONS[extra.name].used(extra.params), spans)
        track = place(track, root, yaw)
        if pieces:
            between = transition(pieces[-1], track, frames_for(rng.uniform(*TRANSITION_S)), 0.08 * body.leg)
            pieces.append(between)
            frame += between.frames
        upper = upper and (upper[0], upper[1], shifted(upper[2], frame))
        timeline.append(Segment(clip.name, ACTIONS[clip.name].used(clip.params), frame, frame + track.frames,
                                shifted(clip.spans, frame), upper))
        pieces.append(track)
        frame += track.frames
        if step.pause > 0:
            pieces.append(hold(track, step.pause))
            frame += pieces[-1].frames
        root, yaw = pieces[-1].root[-1], float(pieces[-1].yaw[-1])
    full = concat(pieces)
    return Sequence(forward_kinematics(body, full), full, tuple(timeline))
