"""What a synthetic action is: its parameters, its result (pose track + repetition spans), and how a raw track
is made human (small smooth noise on the upper body, the pelvis kept low enough for planted feet).

Every action generator has the signature `(body, params, rng) -> (PoseTrack, spans)` and works in the local
frame: it starts with the pelvis above the origin, facing +z. Composition (compose.py) moves it into place.
"""

from dataclasses import asdict, dataclass, replace
from typing import Callable

import numpy as np

from ..errors import LlamoError
from .body import Body
from .kinematics import forward_kinematics
from .limbs import settle_root
from .pose import PoseTrack
from .timing import smooth_noise

MAX_REPS = 12
PLANTED_MARGIN = 0.01  # m: a foot this close to flat-on-the-floor ankle height bears weight
NOISE = {"spine": 0.02, "neck": 0.04, "pelvis": 0.01, "arms": 0.03}  # std of the smooth noise per field


@dataclass(frozen=True)
class ActionParams:
    """Every knob an action may read; each action's docstring says which it uses.

    reps: repetitions (1..MAX_REPS). side: "left", "right" or "both". speed: tempo multiplier (1 = natural).
    amplitude: size of the movement relative to a natural one (about 0.6-1.2). direction: where it goes
    ("forward", "backward", "left", "right", "in place", "circle left", "circle right"). distance: metres per
    step or jump (0 = scaled to the body). angle: degrees (turns, circles). duration: seconds held (0 = default).
    """

    reps: int = 1
    side: str = "right"
    speed: float = 1.0
    amplitude: float = 1.0
    direction: str = "forward"
    distance: float = 0.0
    angle: float = 90.0
    duration: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


Spans = tuple[tuple[int, int], ...]
Performed = tuple[PoseTrack, Spans]  # what a generator returns: the track and each repetition's [start, end) frames
Generator = Callable[[Body, ActionParams, np.random.Generator], Performed]


@dataclass(frozen=True)
class ActionSpec:
    """A registered action. sides/directions: the values its parameters accept (empty: ignored); countable:
    its repetitions are meaningful to count; locomotes: it may end somewhere else or facing another way."""

    generate: Generator
    sides: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    countable: bool = True
    angled: bool = False  # reads params.angle (turns; circle walks)

    def used(self, params: ActionParams) -> dict:
        """The parameters this action reads, as a dict (for timelines: no misleading defaults)."""
        out = params.to_dict()
        unused = {"side": not self.sides, "direction": not self.directions, "distance": params.distance == 0,
                  "duration": params.duration == 0,
                  "angle": not (self.angled and (not self.directions or params.direction.startswith("circle")))}
        return {k: v for k, v in out.items() if not unused.get(k, False)}


@dataclass(frozen=True)
class ActionClip:
    """One performed action. track: its poses (local frame); spans: [start, end) frames of each repetition."""

    name: str
    params: ActionParams
    track: PoseTrack
    spans: Spans

    def joints(self, body: Body) -> np.ndarray:
        """Joints float32 [T, 22, 3]."""
        return forward_kinematics(body, self.track)


def planted_feet(body: Body, track: PoseTrack) -> np.ndarray:
    """Which feet [T, 2] rest flat on the floor (and so must not be dragged)."""
    return (track.feet[..., 1] <= body.ankle_height + PLANTED_MARGIN) & (np.abs(track.feet_pitch) < 0.05)


def humanize(body: Body, track: PoseTrack, rng: np.random.Generator, scale: float = 1.0) -> PoseTrack:
    """Smooth small noise on the pelvis, spine, neck and arms; root heights then lowered where needed so that
    planted feet stay in reach. Feet are never moved, so they cannot slide."""
    noisy = {}
    for key, std in NOISE.items():
        value = getattr(track, key)
        noisy[key] = value + smooth_noise(rng, track.frames, value.shape[1:], std * scale)
    out = replace(track, **noisy)
    root = out.root.copy()
    root[:, 1] = settle_root(body, out, planted_feet(body, out))
    return replace(out, root=root)


def check_params(name: str, spec: ActionSpec, params: ActionParams) -> None:
    """LlamoError naming the accepted values when a parameter is out of range for this action."""
    if not 1 <= params.reps <= MAX_REPS:
        raise LlamoError(f"{name}: reps={params.reps}; accepted 1..{MAX_REPS}")
    if spec.sides and params.side not in spec.sides:
        raise LlamoError(f"{name}: side={params.side!r}; accepted {spec.sides}")
    if spec.directions and params.direction not in spec.directions:
        raise LlamoError(f"{name}: direction={params.direction!r}; accepted {spec.directions}")
    if not (0.2 <= params.speed <= 3.0 and 0.2 <= params.amplitude <= 1.5):
        raise LlamoError(f"{name}: speed={params.speed}, amplitude={params.amplitude}; accepted 0.2-3.0, 0.2-1.5")
