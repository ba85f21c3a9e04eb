"""Planning a synthetic dataset: which actions each motion performs, with which parameters, drawn so that every
answer a question can have turns up equally often (balanced by construction, not by filtering).

Balanced values come from `Deck`s: each deck deals a shuffled copy of all its values before reshuffling, so over
a split every repetition count, side and direction of an action is dealt equally often (up to one round).
Train and test are planned from different seeds (held-out random seeds: the same distribution).
"""

from dataclasses import dataclass

import numpy as np

from .action import ActionParams
from .presets import Move, Preset

SPLITS = {"train": 0, "test": 1}
SPEED_RANGE, AMPLITUDE_RANGE = (0.8, 1.25), (0.75, 1.1)
PAUSE_SHARE, PAUSE_S = 0.25, (0.2, 0.8)  # share of actions followed by a pause, and its length


class Deck:
    """Deals values in shuffled rounds: after k full rounds every value was dealt exactly k times."""

    def __init__(self, values: tuple, rng: np.random.Generator) -> None:
        self.values, self.rng, self.hand = tuple(values), rng, []

    def draw(self):
        if not self.hand:
            self.hand = [self.values[i] for i in self.rng.permutation(len(self.values))]
        return self.hand.pop()

    def draw_distinct(self, count: int) -> list:
        """`count` different values; a repeat is set aside and goes back on top of the hand afterwards."""
        drawn, aside = [], []
        while len(drawn) < count:
            value = self.draw()
            (aside if value in drawn else drawn).append(value)
        self.hand.extend(reversed(aside))
        return drawn


@dataclass(frozen=True)
class MotionPlan:
    """One motion to synthesise. seed: its own generator (body, timing, noise); steps: (action, params) in order;
    heading: initial facing (radians); pauses: seconds held still after each action."""

    id: str
    split: str
    seed: int
    steps: tuple[tuple[str, ActionParams], ...]
    heading: float
    pauses: tuple[float, ...]


class Planner:
    """Draws MotionPlans for one split of a preset, keeping a deck per balanced quantity."""

    def __init__(self, preset: Preset, split: str, seed: int) -> None:
        self.preset, self.split, self.seed = preset, split, seed
        self.rng = np.random.default_rng([seed, SPLITS[split]])
        self.decks: dict[str, Deck] = {"length": Deck(tuple(range(preset.length[0], preset.length[1] + 1)), self.rng)}

    def deck(self, key: str, values: tuple) -> Deck:
        if key not in self.decks:
            self.decks[key] = Deck(values, self.rng)
        return self.decks[key]

    def params(self, move: Move) -> ActionParams:
        low, high = move.reps
        values = dict(move.fixed)
        values["reps"] = self.deck(f"reps/{move.action}", tuple(range(low, high + 1))).draw()
        if move.sides:
            values["side"] = self.deck(f"side/{move.action}", move.sides).draw()
        if move.directions:
            values["direction"] = self.deck(f"direction/{move.action}", move.directions).draw()
        values["speed"] = round(float(self.rng.uniform(*SPEED_RANGE)), 3)
        values["amplitude"] = round(float(self.rng.uniform(*AMPLITUDE_RANGE)), 3)
        return ActionParams(**values)

    def motion(self, index: int) -> MotionPlan:
        count = self.deck("length", ()).draw()
        moves = self.deck("moves", self.preset.moves).draw_distinct(count)
        steps = tuple((m.action, self.params(m)) for m in moves)
        pauses = tuple(round(float(self.rng.uniform(*PAUSE_S)), 2) if self.rng.random() < PAUSE_SHARE else 0.0
                       for _ in moves)
        heading = round(float(self.rng.uniform(0, 2 * np.pi)), 4)
        seed = int(self.rng.integers(2**31))
        return MotionPlan(f"{self.split}_{index:05d}", self.split, seed, steps, heading, pauses)


def plan_split(preset: Preset, split: str, count: int, seed: int) -> list[MotionPlan]:
    """`count` motion plans of one split, deterministic by (seed, split)."""
    planner = Planner(preset, split, seed)
    return [planner.motion(i) for i in range(count)]
