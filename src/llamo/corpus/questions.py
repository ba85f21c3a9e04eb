"""Questions about a realised corpus motion: every one its events support (candidates), then a balanced few.

Tasks (meta.task): action (the only one, the one at a position, or the arm action laid over another), count,
body_part, direction, before, after, when ("from 2.1 s to 3.4 s"), duration ("3 seconds"), distinct (how many
different actions), form (meta.kind form_slowest | form_parallel | form_stride | form_kick) and describe (one
sentence). An action is asked about by name only where it occurs once in the motion, so every answer is unique.
"""

from dataclasses import dataclass

import numpy as np

from .assemble import Event
from .phrasing import choose, render
from .vocab import ORDINALS, clause, side_phrase, the_phrase, words

FPS = 20
DURATION_MARGIN_S = 0.3  # a duration is asked only when it is this close to whole seconds
TASKS = ("action", "count", "body_part", "direction", "before", "after", "when", "duration", "distinct", "form",
         "describe")


@dataclass(frozen=True)
class Candidate:
    """A question a motion supports. kind: its phrasing key; slots: words for the template; subject: index of the
    event it names or asks about (None: the whole motion)."""

    task: str
    kind: str
    answer: str
    slots: dict
    subject: int | None = None


def naming(event: Event) -> dict:
    w = words(event.action)
    return {"the": the_phrase(event.action, event.count), "plural": w.plural, "singular": w.singular,
            "gerund": w.gerund, "limb": w.limb or "arm"}


def describe(events: tuple[Event, ...]) -> str:
    """One sentence: every action in order, with its count, side and direction, and what the arms do alongside."""
    parts = []
    for e in (e for e in events if not e.upper):
        text = clause(e.action, e.count, e.side, e.direction)
        for o in (o for o in events if o.upper and o.piece == e.piece):
            limb = words(o.action).limb
            side = f" with {side_phrase(o.side, limb)}" if o.side and limb else ""
            text += f" while {words(o.action).gerund}{side}"
        parts.append(text)
    return "The person " + ", then ".join(parts) + "."


def span_answer(event: Event) -> str:
    return f"from {event.start / FPS:.1f} s to {event.end / FPS:.1f} s"


def duration_answer(event: Event) -> str | None:
    seconds = (event.end - event.start) / FPS
    whole = round(seconds)
    if whole < 1 or abs(seconds - whole) > DURATION_MARGIN_S:
        return None
    return f"{whole} second{'s' if whole > 1 else ''}"


def named_candidates(events: tuple[Event, ...], i: int) -> list[Candidate]:
    """Questions that name event i (which occurs once in the motion)."""
    e, slots = events[i], naming(events[i])
    out = [Candidate("when", "when", span_answer(e), slots, i)]
    if e.count:
        out.append(Candidate("count", "count", str(e.count), slots, i))
    if e.side and words(e.action).limb:
        out.append(Candidate("body_part", "body_part", e.side, slots, i))
    if e.direction:
        out.append(Candidate("direction", "direction", e.direction, slots, i))
    if duration_answer(e):
        out.append(Candidate("duration", "duration", duration_answer(e), slots, i))
    out += [Candidate("form", kind, answer, slots, i) for kind, answer in sorted(e.form.items())]
    return out


def order_candidates(events: tuple[Event, ...], unique: set[int]) -> list[Candidate]:
    base = [i for i, e in enumerate(events) if not e.upper]
    if len(base) == 1:
        return [Candidate("action", "action_single", events[base[0]].action, {}, base[0])]
    out = [Candidate("action", "action_order", events[i].action, {"ordinal": ORDINALS[k]}, i)
           for k, i in enumerate(base)]
    for k, i in enumerate(base):
        if i in unique and k > 0:
            out.append(Candidate("before", "before", events[base[k - 1]].action, naming(events[i]), i))
        if i in unique and k < len(base) - 1:
            out.append(Candidate("after", "after", events[base[k + 1]].action, naming(events[i]), i))
    return out


def candidates(events: tuple[Event, ...]) -> list[Candidate]:
    """Every question the motion supports."""
    actions = [e.action for e in events]
    unique = {i for i, a in enumerate(actions) if actions.count(a) == 1}
    out = order_candidates(events, unique)
    for i, e in enumerate(events):
        base = next((j for j, b in enumerate(events) if not b.upper and b.piece == e.piece), None)
        if e.upper and base in unique:
            out.append(Candidate("action", "action_while", e.action, naming(events[base]), base))
        if i in unique:
            out += named_candidates(events, i)
    out.append(Candidate("distinct", "distinct", str(len(set(actions))), {}))
    out.append(Candidate("describe", "describe", describe(events), {}))
    return out


class Balancer:
    """Keeps each task's answers even across a split: it asks the candidate whose answer the task has given least
    so far (ties at random)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], int] = {}

    def pick(self, pool: list[Candidate], rng: np.random.Generator) -> Candidate:
        seen = [self.counts.get((c.task, c.answer), 0) for c in pool]
        fewest = [c for c, n in zip(pool, seen, strict=True) if n == min(seen)]
        choice = fewest[int(rng.integers(len(fewest)))]
        self.counts[(choice.task, choice.answer)] = self.counts.get((choice.task, choice.answer), 0) + 1
        return choice


@dataclass(frozen=True)
class Question:
    task: str
    kind: str
    text: str
    answer: str
    phrasing: str  # "kind/template/subject"
    subject: int | None


def select(pool: list[Candidate], limit: int, held_out: bool, balancer: Balancer,
           rng: np.random.Generator) -> list[Question]:
    """Up to `limit` questions: tasks in a random order, round robin, one candidate per task and turn chosen by the
    balancer; worded with a held-out phrasing (test_new_phrasing) or a trained one (every other split)."""
    by_task = {t: [c for c in pool if c.task == t] for t in TASKS}
    order = [TASKS[k] for k in rng.permutation(len(TASKS)) if by_task[TASKS[k]]]
    chosen: list[Candidate] = []
    while len(chosen) < limit and any(by_task[t] for t in order):
        for task in (t for t in order if by_task[t] and len(chosen) < limit):
            pick = balancer.pick(by_task[task], rng)
            by_task[task] = [c for c in by_task[task] if c is not pick]
            chosen.append(pick)
    out = []
    for c in chosen:
        phrasing = choose(c.kind, held_out, rng)
        out.append(Question(c.task, c.kind, render(c.kind, phrasing, **c.slots), c.answer,
                            f"{c.kind}/{phrasing[0]}/{phrasing[1]}", c.subject))
    return out
