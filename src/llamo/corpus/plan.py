"""Planning the open corpus: which pieces (synthetic actions or real clips) each motion strings together, how they
are joined, and what each split holds out. Plans are cheap and drawn in one process; realising them is not.

Balanced values are dealt from `synth.plan.Deck`s (repetitions 1-12, sides, directions, form classes, pieces per
motion, real clips), so answers come out near flat by construction. Lengths: pieces are added while the estimated
duration stays within 37 s and is at least 3 s (test_long: 22 s), so realised motions last 2-40 s (20-40 s).
"""

from dataclasses import dataclass, replace

import numpy as np

from ..data.build import is_test_composition
from ..data.clips import CLIP_BY_NAME
from ..synth.action import ActionParams
from ..synth.actions import ACTIONS
from ..synth.plan import Deck
from .estimate import Estimator
from .join import JOIN_KINDS
from .real import HELD_OUT_PHASE, REAL_REPS, RealSpec, clip_names, reps_kind

SPLITS = ("train", "test_seen", "test_new_phrasing", "test_new_combo", "test_real", "test_long")
SIZES = {"train": 4000, "test_seen": 300, "test_new_phrasing": 300, "test_new_combo": 300, "test_real": 300,
         "test_long": 200}  # motions at --scale 1
HELD_OUT_COMBOS = (("hop", "side", "left"), ("jump", "direction", "backward"),
                   ("arm circles", "direction", "backward"), ("lunge", "side", "right"))
SYNTH = tuple(a for a in ACTIONS if a != "stand up")  # stand up only follows a sit down
LOWER, UPPER = ("walk", "march", "jog in place", "high knees", "calf raise"), ("wave", "clap", "arm circles",
                                                                               "punch", "raise arm", "point")
FORM_AMPLITUDE = {("squat", "deep"): (1.35, 1.5), ("squat", "shallow"): (0.75, 1.05), ("kick", "high"): (1.15, 1.2),
                  ("kick", "low"): (0.7, 0.95), ("walk", "long"): (1.0, 1.2), ("walk", "short"): (0.55, 0.7)}
REAL_SHARE, OVERLAY_SHARE = 0.2, 0.25  # pieces that are real clips; lower-body pieces with an arm action laid over
JOIN_WEIGHTS = (0.6, 0.2, 0.2)  # blend, pause, turn
MAX_S, MIN_S = 40.0, 3.0
LONG_PLAN_S = 22.0  # test_long plans at least this long (20-40 s realised): estimates run a little long at times
PLAN_MAX_S = 37.0  # planned below MAX_S: estimates run a few seconds short at times
COMBO_ROOM_S = 10.0  # test_new_combo plans leave room for the held-out piece that replaces one of theirs
PIECES = {"short": (1, 2, 3, 4, 5, 6), "long": (3, 4, 5, 6), "real": (1, 2, 3)}


@dataclass(frozen=True)
class Piece:
    """One action of a motion: synthetic (params) or real (real); upper: an arm action laid over it; join: how it
    follows the previous piece (join.JOIN_KINDS); amount: pause seconds or turn radians; seconds: blend length."""

    action: str
    params: ActionParams | None = None
    real: RealSpec | None = None
    upper: tuple[str, ActionParams] | None = None
    join: str = "blend"
    amount: float = 0.0
    seconds: float = 0.45


@dataclass(frozen=True)
class CorpusPlan:
    """One motion: its id, split, generator seed (body, timing, noise), pieces, heading (radians) and the indices
    of pieces that show a held-out action × parameter pair (test_new_combo only)."""

    id: str
    split: str
    seed: int
    pieces: tuple[Piece, ...]
    heading: float
    combo: tuple[int, ...] = ()


def real_actions(pieces: tuple[Piece, ...]) -> tuple[str, ...]:
    return tuple(p.action for p in pieces if p.real)


class Planner:
    """Draws the CorpusPlans of one split, keeping a deck per balanced quantity."""

    def __init__(self, split: str, seed: int, estimator: Estimator) -> None:
        self.split, self.estimator = split, estimator
        self.rng = np.random.default_rng([seed, SPLITS.index(split)])
        self.decks: dict[str, Deck] = {}

    def draw(self, key: str, values: tuple):
        if key not in self.decks:
            self.decks[key] = Deck(values, self.rng)
        return self.decks[key].draw()

    def uniform(self, low: float, high: float) -> float:
        return round(float(self.rng.uniform(low, high)), 3)

    def values(self, action: str, name: str, accepted: tuple[str, ...]) -> tuple[str, ...]:
        """The values of one parameter that planning deals: the held-out pairs never (test_new_combo puts them in
        explicitly)."""
        return tuple(v for v in accepted if (action, name, v) not in HELD_OUT_COMBOS)

    def params(self, action: str, combo: tuple[str, str] | None = None) -> ActionParams:
        spec = ACTIONS[action]
        fields: dict = {"speed": self.uniform(0.8, 1.25), "amplitude": self.uniform(0.75, 1.1)}
        fields["reps"] = self.draw(f"reps/{action}", tuple(range(2 if action == "walk" else 1, 13))
                                   if spec.countable and action != "turn" else (1, 2))
        if spec.sides:
            fields["side"] = self.draw(f"side/{action}", self.values(action, "side", spec.sides))
        if spec.directions:
            fields["direction"] = self.draw(f"direction/{action}", self.values(action, "direction", spec.directions))
        if spec.angled:
            fields["angle"] = float(self.draw(f"angle/{action}", (90, 180) if action == "turn" else (90, 180, 270)))
        if combo:
            fields[combo[0]] = combo[1]
        form = [c for a, c in FORM_AMPLITUDE if a == action]
        if form and (action != "walk" or fields.get("direction") == "forward"):
            fields["amplitude"] = self.uniform(*FORM_AMPLITUDE[(action, self.draw(f"form/{action}", tuple(form)))])
        return ActionParams(**fields)

    def synth_piece(self, first: bool, combo: tuple[str, str, str] | None = None) -> list[Piece]:
        action = combo[0] if combo else self.draw("synth", SYNTH)
        params = self.params(action, combo[1:] if combo else None)
        upper = None
        if action in LOWER and self.rng.random() < OVERLAY_SHARE:
            arm = self.draw("upper", UPPER)
            upper = (arm, replace(self.params(arm), reps=self.draw("upper/reps", (1, 2, 3, 4))))
        pieces = [self.joined(Piece(action, params, upper=upper), first)]
        if action == "sit down":
            pieces.append(Piece("stand up", ActionParams(speed=params.speed)))
        return pieces

    def real_piece(self, first: bool, held_out: bool | None) -> Piece:
        names = tuple(n for n in clip_names(held_out) if first or not CLIP_BY_NAME[n].lying)
        name = self.draw(f"real/{first}", names)
        kind = reps_kind(name)
        low, high = REAL_REPS[kind]
        phase_high = 1.0 if self.split == "test_real" else HELD_OUT_PHASE
        spec = RealSpec(name, self.draw(f"real/reps/{kind}", tuple(range(low, high + 1))),
                        bool(self.draw("real/mirror", (False, True))), self.uniform(0.8, 1.25),
                        self.uniform(0.0, phase_high) if CLIP_BY_NAME[name].cyclic else 0.0)
        return self.joined(Piece(CLIP_BY_NAME[name].action, real=spec), first)

    def joined(self, piece: Piece, first: bool) -> Piece:
        kind = "blend" if first else str(self.rng.choice(JOIN_KINDS, p=JOIN_WEIGHTS))
        amount = {"blend": 0.0, "pause": self.uniform(0.3, 1.0),
                  "turn": float(self.rng.choice((-1, 1))) * np.radians(self.uniform(20, 45))}[kind]
        return replace(piece, join=kind, amount=round(amount, 4), seconds=self.uniform(0.3, 0.6))

    def pieces(self, count: int, low_s: float, max_s: float = PLAN_MAX_S) -> tuple[Piece, ...]:
        """Pieces while the estimated length stays under max_s; more (up to 6) while it is under low_s."""
        real_only = self.split == "test_real"
        out: list[Piece] = []
        total = 0.0
        while len(out) < 6 and (len(out) < count or total < low_s):
            first = not out
            new = ([self.real_piece(first, None if real_only else False)] if real_only or self.rng.random() < REAL_SHARE
                   else self.synth_piece(first))
            seconds = sum(self.estimator.seconds(p) for p in new)
            if total + seconds > max_s or len(out) + len(new) > 6:
                if out:
                    break
                continue
            out += new
            total += seconds
        return tuple(out)

    def acceptable(self, pieces: tuple[Piece, ...]) -> bool:
        """The split's rule on real pieces: test_real shows something held out; other splits no held-out tuple."""
        actions = real_actions(pieces)
        composed = len(actions) > 1 and is_test_composition(actions)
        if self.split == "test_real":
            return composed or any(p.real.held_out() for p in pieces)
        return not composed

    def with_combo(self, pieces: tuple[Piece, ...]) -> tuple[tuple[Piece, ...], tuple[int, ...]]:
        """test_new_combo: one piece (not of a sit-down pair) replaced by a held-out action × parameter pair."""
        swappable = [k for k, p in enumerate(pieces) if p.action not in ("sit down", "stand up")] or [len(pieces)]
        k = swappable[int(self.rng.integers(len(swappable)))]
        pair = HELD_OUT_COMBOS[self.draw("combo", tuple(range(len(HELD_OUT_COMBOS))))]
        return pieces[:k] + tuple(self.synth_piece(k == 0, pair)[:1]) + pieces[k + 1:], (k,)

    def motion(self, index: int) -> CorpusPlan:
        long = self.split == "test_long"
        count = self.draw("pieces", PIECES["real" if self.split == "test_real" else "long" if long else "short"])
        low_s, max_s = LONG_PLAN_S if long else MIN_S, PLAN_MAX_S - COMBO_ROOM_S * (self.split == "test_new_combo")
        while True:
            pieces, combo = self.pieces(count, low_s, max_s), ()
            if self.split == "test_new_combo":
                pieces, combo = self.with_combo(pieces)
            if self.acceptable(pieces) and low_s <= self.estimator.total(pieces) <= PLAN_MAX_S:
                break
        heading = round(float(self.rng.uniform(0, 2 * np.pi)), 4)
        return CorpusPlan(f"{self.split}_{index:05d}", self.split, int(self.rng.integers(2**31)), pieces, heading,
                          combo)


def fewer_reps(piece: Piece) -> Piece | None:
    """The piece with about half its repetitions, or None at one."""
    if piece.params and piece.params.reps > 1:
        return replace(piece, params=replace(piece.params, reps=piece.params.reps // 2))
    if piece.real and piece.real.reps > 1:
        return replace(piece, real=replace(piece.real, reps=piece.real.reps // 2))
    return None


def shortened(plan: CorpusPlan) -> CorpusPlan | None:
    """The plan with half the repetitions of its piece with the most (not the held-out pair), or None when every
    piece does one. Used when a realised motion runs over MAX_S, which estimates only approach."""
    reps = [0 if k in plan.combo else (p.params.reps if p.params else p.real.reps if p.real else 0)
            for k, p in enumerate(plan.pieces)]
    k = int(np.argmax(reps))
    fewer = fewer_reps(plan.pieces[k]) if reps[k] > 1 else None
    return fewer and replace(plan, pieces=(*plan.pieces[:k], fewer, *plan.pieces[k + 1:]))


def plan_split(split: str, count: int, seed: int, estimator: Estimator) -> list[CorpusPlan]:
    """`count` motion plans of one split, deterministic by (seed, split)."""
    planner = Planner(split, seed, estimator)
    return [planner.motion(i) for i in range(count)]
