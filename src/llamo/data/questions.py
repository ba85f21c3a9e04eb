"""MoCapQA questions: phrasings per task, and the questions and caption one motion supports.

Tasks (meta.task): action, direction, body_part, before, after, count, speed, other, caption. Answers are
short canonical strings (meta.answer). Questions never name the answer, and every task's answers are
balanced by construction (mirroring, reversal, uniform counts and speeds) so text alone sits near chance.
"""

from dataclasses import dataclass

import numpy as np

from .clips import Clip

PHRASINGS: dict[str, tuple[str, ...]] = {
    "action": ("What is the person doing?", "What action does the person perform?", "Which activity is shown?",
               "Name the action in this motion.", "What kind of movement is this?"),
    "turn": ("Which way does the person turn, left or right?", "Does the person turn to the left or to the right?",
             "In which direction does the person rotate?", "Is the turn towards the left or the right?"),
    "travel": ("In which direction does the person move: forward, backward, left or right?",
               "Where does the person go relative to where they first face?",
               "Which way does the person travel?", "Does the person move forward, backward, left or right?"),
    "leg": ("Which leg does the person kick with?", "Is the kick done with the left or the right leg?",
            "Which leg performs the kick?"),
    "hand": ("Which hand does the person punch with?", "Is the punch thrown with the left or the right hand?",
             "Which arm does the person strike with?"),
    "count": ("How many times does the person {verb}?", "Count how many times the person {verb3}.",
              "How often does the person {verb}?"),
    "speed": ("How fast is the motion: slow, normal or fast?", "Is this motion performed slowly, normally or fast?",
              "At what speed does the person move?"),
    "before": ("What does the person do before they {verb}?", "Which action comes right before the person {verb3}?",
               "Just before they {verb}, what does the person do?"),
    "after": ("What does the person do after they {verb}?", "Which action follows right after the person {verb3}?",
              "Right after they {verb}, what does the person do?"),
    "lying": ("Is the person lying face down or face up at the start?", "How is the person lying before getting up?",
              "Does the person start on their front or on their back?"),
    "upside": ("Does the person go upside down?", "Is the person's head ever below their hips?",
               "Does the body turn upside down at any point?"),
    "caption": ("Describe the motion.", "Describe what the person does.", "Give a short description of the motion."),
}
COUNT_WORDS = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}
SPEED_ADVERBS = {"slow": " slowly", "normal": "", "fast": " quickly"}
# Most clips travel forward; asking about forward/backward travel less often keeps the four answers near
# balanced (measured on seed 0: 435/256/63/79 → ~150/150/63/79), so the question alone does not give it away.
TRAVEL_ASK_RATE = {"forward": 0.35, "backward": 0.6, "left": 1.0, "right": 1.0}


@dataclass(frozen=True)
class Question:
    task: str
    question: str
    answer: str


@dataclass(frozen=True)
class Measured:
    """What a motion shows, measured on it (measure.py); None where it is not clear enough to ask."""

    turn: str | None
    travel: str | None
    side: str | None
    upside: str | None


def ask(rng: np.random.Generator, kind: str, **words: str) -> str:
    return str(rng.choice(PHRASINGS[kind])).format(**words)


def single_clip_questions(clip: Clip, reps: int, speed_class: str, m: Measured,
                          rng: np.random.Generator, ask_upside: bool) -> list[Question]:
    """Questions about one (repeated) clip."""
    qs = [Question("action", ask(rng, "action"), clip.action), Question("speed", ask(rng, "speed"), speed_class)]
    if clip.countable:
        qs.append(Question("count", ask(rng, "count", verb=clip.verb, verb3=clip.verb3), str(reps)))
    if clip.action in ("turn", "spin") and m.turn:
        qs.append(Question("direction", ask(rng, "turn"), m.turn))
    elif m.travel and rng.random() < TRAVEL_ASK_RATE[m.travel]:
        qs.append(Question("direction", ask(rng, "travel"), m.travel))
    if clip.limb and m.side:
        qs.append(Question("body_part", ask(rng, clip.limb), m.side))
    if clip.lying:
        qs.append(Question("other", ask(rng, "lying"), clip.lying))
    elif ask_upside and m.upside:
        qs.append(Question("other", ask(rng, "upside"), m.upside))
    return qs


def order_questions(clips: list[Clip], rng: np.random.Generator) -> list[Question]:
    """One 'before' and one 'after' question about adjacent parts of a composition."""
    i = int(rng.integers(1, len(clips)))
    j = int(rng.integers(0, len(clips) - 1))
    return [Question("before", ask(rng, "before", verb=clips[i].verb, verb3=clips[i].verb3), clips[i - 1].action),
            Question("after", ask(rng, "after", verb=clips[j].verb, verb3=clips[j].verb3), clips[j + 1].action)]


def single_caption(clip: Clip, reps: int, speed_class: str, m: Measured) -> str:
    words = [f"A person {clip.verb3}"]
    if clip.limb and m.side:
        words.append(f" with the {m.side} {clip.limb}")
    if clip.action in ("turn", "spin") and m.turn:
        words.append(f" to the {m.turn}")
    elif m.travel:
        words.append({"forward": " forward", "backward": " backward"}.get(m.travel, f" to the {m.travel}"))
    if clip.countable:
        words.append(f" {COUNT_WORDS[reps]}")
    return "".join(words) + SPEED_ADVERBS[speed_class] + "."


def composition_caption(clips: list[Clip]) -> str:
    verbs = [c.verb3 for c in clips]
    last = ", and then " if len(verbs) > 2 else " and then "
    return "A person " + ", then ".join(verbs[:-1]) + last + verbs[-1] + "."
