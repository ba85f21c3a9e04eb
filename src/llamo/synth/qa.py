"""Questions about a planned motion: which it supports, how each is worded, and its canonical answer.

Tasks (meta.task): action (the only action, or the one at a named position), count (repetitions of a named
action), body_part (which side performs a named action), direction (of a named walk, jump or turn), before / after
(the action next to a named one). Answers are the plan's own parameters, which the synthesiser realises
exactly (tests/synth check that the geometry shows them).
"""

from dataclasses import dataclass

import numpy as np

from .plan import MotionPlan
from .presets import Preset

TASKS = ("action", "count", "body_part", "direction", "before", "after")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


@dataclass(frozen=True)
class Question:
    """task: meta.task; text: the question; answer: the canonical short answer; subject: index of the action
    the question names or asks about."""

    task: str
    text: str
    answer: str
    subject: int


def ordinal(index: int, count: int, rng: np.random.Generator) -> str:
    """How a question names position `index` of `count`: the last is "last" or its number, at random."""
    if index == count - 1 and index > 0 and rng.random() < 0.5:
        return "last"
    return ORDINALS[index]


def candidates(preset: Preset, plan: MotionPlan) -> dict[str, list[int]]:
    """For each task, the action indices a question of that task can be about."""
    moves = [preset.move(action) for action, _ in plan.steps]
    n = len(moves)
    direction = [i for i, (m, (_, p)) in enumerate(zip(moves, plan.steps, strict=True))
                 if m.direction_param and getattr(p, m.direction_param) in m.asked]
    return {
        "action": list(range(n)),
        "count": [i for i, m in enumerate(moves) if m.countable],
        "body_part": [i for i, m in enumerate(moves) if m.limb and m.sides],
        "direction": direction,
        "before": list(range(1, n)),
        "after": list(range(n - 1)),
    }


def answer(preset: Preset, plan: MotionPlan, task: str, i: int) -> str:
    action, params = plan.steps[i]
    move = preset.move(action)
    if task == "count":
        return str(params.reps)
    if task == "body_part":
        return params.side
    if task == "direction":
        return str(getattr(params, move.direction_param))
    if task == "before":
        return plan.steps[i - 1][0]
    if task == "after":
        return plan.steps[i + 1][0]
    return action


def word(preset: Preset, plan: MotionPlan, task: str, i: int, rng: np.random.Generator) -> str:
    """The question text of (task, action i), in one of the preset's phrasings."""
    action, params = plan.steps[i]
    move = preset.move(action)
    key = task
    if task == "action":
        key = "action_single" if len(plan.steps) == 1 else "action_order"
    elif task == "direction":
        key = move.direction_kind
    template = str(rng.choice(preset.phrasings[key]))
    text = template.format(ordinal=ordinal(i, len(plan.steps), rng), limb=move.limb, plural=move.plural,
                           the=move.named(params.reps), gerund=move.gerund)
    return text[0].upper() + text[1:]


class Balancer:
    """Keeps the answers of each task even across a split: among the actions a question could be about, it asks
    about one whose answer the task has given least so far (ties at random)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], int] = {}

    def pick(self, preset: Preset, plan: MotionPlan, task: str, options: list[int], rng: np.random.Generator) -> int:
        seen = [self.counts.get((task, answer(preset, plan, task, i)), 0) for i in options]
        fewest = [i for i, n in zip(options, seen, strict=True) if n == min(seen)]
        choice = int(fewest[rng.integers(len(fewest))])
        key = (task, answer(preset, plan, task, choice))
        self.counts[key] = self.counts.get(key, 0) + 1
        return choice


def questions(preset: Preset, plan: MotionPlan, rng: np.random.Generator, balancer: Balancer) -> list[Question]:
    """Up to preset.questions questions about one motion, spread over the tasks it supports (round robin in a
    random task order, each (task, action) asked at most once, subjects picked by the balancer)."""
    pool = {task: idx for task, idx in candidates(preset, plan).items() if idx}
    order = [TASKS[k] for k in rng.permutation(len(TASKS)) if TASKS[k] in pool]
    chosen: list[tuple[str, int]] = []
    while len(chosen) < preset.questions and any(pool.values()):
        for task in order:
            if pool[task] and len(chosen) < preset.questions:
                i = balancer.pick(preset, plan, task, pool[task], rng)
                pool[task] = [j for j in pool[task] if j != i]
                chosen.append((task, i))
    return [Question(task, word(preset, plan, task, i, rng), answer(preset, plan, task, i), i) for task, i in chosen]
