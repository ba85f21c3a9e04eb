"""Realising a corpus plan: one body performs every piece; runs of synthetic pieces are composed in pose space
(synth.compose: blends, pauses, arm overlays), real pieces are retargeted onto the body, and runs are joined in
joint space (join.py). The result is the joints and an `Event` per action with its frames and what it shows.

    motion = realise(plan, clips)       # motion.joints float32 [T, 22, 3] at 20 fps, motion.events
"""

from dataclasses import dataclass, field, replace

import numpy as np

from ..motion.motion import Motion
from ..motion.transforms import y_rotation
from ..synth.actions import ACTIONS
from ..synth.body import Body, sample_body
from ..synth.compose import Segment, Step, compose
from .form import measure_form
from .join import body_lengths, join
from .plan import CorpusPlan, Piece
from .real import real_piece

SIDE_IS_WAY = ("turn", "side bend", "look around")  # actions whose side is where they go


@dataclass(frozen=True)
class Event:
    """One action in a motion. start/end: frames from its first repetition's start to its last one's end; spans:
    each repetition's [start, end); count: repetitions (None: not counted); side/direction: what a body-part or
    direction question would answer (None: not asked); piece: index of the plan piece it belongs to; upper: laid
    over that piece's legs; form: measured form answers {kind: answer}."""

    action: str
    start: int
    end: int
    spans: tuple[tuple[int, int], ...]
    count: int | None
    side: str | None
    direction: str | None
    real: bool
    piece: int
    upper: bool = False
    form: dict = field(default_factory=dict)

    def shifted(self, by: int) -> "Event":
        return Event(self.action, self.start + by, self.end + by, tuple((a + by, b + by) for a, b in self.spans),
                     self.count, self.side, self.direction, self.real, self.piece, self.upper, self.form)


@dataclass(frozen=True)
class Realised:
    """joints float32 [T, 22, 3] at 20 fps; events in time order (overlays after their base); body height (m)."""

    joints: np.ndarray
    events: tuple[Event, ...]
    height: float


def synth_event(action: str, params: dict, spans: tuple, piece: int, upper: bool) -> Event:
    spec = ACTIONS[action]
    side = params.get("side") if spec.sides else None
    direction = params.get("direction") if spec.directions else side if action in SIDE_IS_WAY else None
    count = len(spans) if spec.countable and action != "turn" else None
    return Event(action, spans[0][0], spans[-1][1], tuple(spans), count, side if action not in SIDE_IS_WAY else None,
                 direction, False, piece, upper)


def segment_events(segment: Segment, piece: int, upper_reps: int) -> list[Event]:
    """The events of one composed segment: the action, and its arm overlay if one repetition or more fits."""
    events = [synth_event(segment.action, segment.params, segment.reps, piece, False)]
    if segment.upper and segment.upper[2]:
        name, params, spans = segment.upper
        overlay = synth_event(name, params, spans, piece, True)
        events.append(overlay if len(spans) == upper_reps else replace(overlay, count=None))  # some reps cut off
    return events


def runs(pieces: tuple[Piece, ...]) -> list[list[int]]:
    """Piece indices grouped into runs: consecutive synthetic pieces not separated by a turn join compose together."""
    out: list[list[int]] = []
    for k, piece in enumerate(pieces):
        if out and not piece.real and not pieces[out[-1][-1]].real and piece.join != "turn":
            out[-1].append(k)
        else:
            out.append([k])
    return out


def realise_run(plan: CorpusPlan, run: list[int], body: Body, clips: dict[str, Motion],
                rng: np.random.Generator) -> tuple[np.ndarray, list[Event]]:
    """Joints [T, 22, 3] of one run starting at the origin facing +z, and its events (run-relative frames)."""
    first = plan.pieces[run[0]]
    if first.real:
        piece = real_piece(first.real, clips[first.real.clip], body)
        event = Event(first.action, piece.spans[0][0], piece.spans[-1][1], piece.spans, piece.count, piece.side,
                      piece.direction, True, run[0])
        return piece.joints, [event]
    pieces = [plan.pieces[k] for k in run]
    pauses = [plan.pieces[k + 1].amount if plan.pieces[k + 1].join == "pause" else 0.0 for k in run[:-1]] + [0.0]
    steps = [Step(p.action, p.params, p.upper, pause) for p, pause in zip(pieces, pauses, strict=True)]
    seq = compose(body, steps, rng)
    events = [e for k, seg, p in zip(run, seq.timeline, pieces, strict=True)
              for e in segment_events(seg, k, p.upper[1].reps if p.upper else 0)]
    return seq.joints.astype(np.float64), events


def with_form(joints: np.ndarray, event: Event) -> Event:
    if event.real or event.upper:
        return event
    form = measure_form(joints, event.action, event.spans, event.side, event.direction)
    return replace(event, form=form)


def realise(plan: CorpusPlan, clips: dict[str, Motion]) -> Realised:
    """The motion of a plan, from its own generator (body, timing, noise)."""
    rng = np.random.default_rng(plan.seed)
    body = sample_body(rng)
    lengths = body_lengths(body)
    joints, events = None, []
    for run in runs(plan.pieces):
        part, part_events = realise_run(plan, run, body, clips, rng)
        first = plan.pieces[run[0]]
        if joints is None:
            joints = part
        else:
            joints = join(joints, part, first.join, first.amount, first.seconds, lengths)
            part_events = [e.shifted(len(joints) - len(part)) for e in part_events]
        events += part_events
    joints = joints @ y_rotation(plan.heading).T
    return Realised(joints.astype(np.float32), tuple(with_form(joints, e) for e in events), body.height)
