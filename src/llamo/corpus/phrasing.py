"""How the open corpus words its questions: five templates per kind, each with up to six swappable names for the
person, so every kind has at least 12 phrasings; a fixed share of phrasings is held out of training.

A phrasing is (template index, subject index). Held out: every phrasing of a kind's last template, and every
phrasing that names the person with the last subject word ("the individual"): a third of a kind whose templates
all name the person (10 of 30). Only `test_new_phrasing` asks with held-out phrasings; every other split asks
with the rest.
"""

import numpy as np

from ..errors import DataError

SUBJECTS = ("the person", "the subject", "the performer", "this person", "the mover", "the individual")

TEMPLATES: dict[str, tuple[str, ...]] = {
    "action_single": ("What is {subj} doing?", "Which action does {subj} perform?", "What movement does {subj} make?",
                      "Name the activity of {subj}.", "What kind of exercise is {subj} doing here?"),
    "action_order": ("What does {subj} do {ordinal}?", "Which action does {subj} perform {ordinal}?",
                     "What is the {ordinal} movement of {subj}?", "Name the {ordinal} action of {subj}.",
                     "Which activity comes {ordinal} for {subj}?"),
    "action_while": ("What does {subj} do with the arms while {gerund}?", "Which arm action does {subj} add to {the}?",
                     "While {gerund}, what else does {subj} do?", "What upper-body move accompanies {the} of {subj}?",
                     "During {the}, which other action does {subj} perform?"),
    "count": ("How many {plural} does {subj} do?", "How many times does {subj} repeat the {singular}?",
              "Count the {plural} of {subj}.",
              "What number of {plural} does {subj} perform?",
              "How many {plural} can be seen from {subj}?"),
    "body_part": ("Which {limb} does {subj} use for {the}?",
                  "Is {the} of {subj} done with the left or the right {limb}?",
                  "Which side's {limb} does {subj} use while {gerund}?", "For {the}, which {limb} does {subj} use?",
                  "Which {limb} is active when {subj} is {gerund}?"),
    "direction": ("Which way does {subj} go during {the}?", "In which direction is {the} of {subj}?",
                  "What is the direction of {the} by {subj}?", "Towards which side is {the} of {subj}?",
                  "Which direction does {subj} take while {gerund}?"),
    "before": ("What does {subj} do right before {the}?", "Which action of {subj} comes just before {the}?",
               "Before {gerund}, what does {subj} do?", "What precedes {the} of {subj}?",
               "Just ahead of {the}, what is {subj} doing?"),
    "after": ("What does {subj} do right after {the}?", "Which action of {subj} follows {the}?",
              "After {gerund}, what does {subj} do?", "What comes next once {subj} finishes {the}?",
              "Straight after {the}, what is {subj} doing?"),
    "when": ("When does {subj} do {the}?", "At what time is {subj} {gerund}?",
             "During which seconds is {subj} {gerund}?",
             "Give the time span in which {subj} is {gerund}.", "From when to when does {the} of {subj} happen?"),
    "duration": ("How long does {the} of {subj} last?", "For how many seconds is {subj} {gerund}?",
                 "What is the duration of {the} by {subj}?", "How much time does {subj} spend {gerund}?",
                 "How many seconds does {the} of {subj} take?"),
    "distinct": ("How many different actions does {subj} perform?", "How many kinds of movement does {subj} show?",
                 "Count the distinct actions of {subj}.", "How many different activities does {subj} do?",
                 "What number of different moves does {subj} make?"),
    "form_slowest": ("Which of the {plural} of {subj} is the slowest?", "Which {singular} takes {subj} the longest?",
                     "Of the {plural} by {subj}, which one is slowest?",
                     "Which repetition of {the} is slowest for {subj}?",
                     "In {the}, which {singular} does {subj} do most slowly?"),
    "form_parallel": ("Does {subj} squat below parallel?", "Do the hips of {subj} go below the knees in {the}?",
                      "Is {the} of {subj} deeper than parallel?",
                      "Does {subj} get the thighs past parallel when squatting?",
                      "In {the}, do the hips of {subj} drop below knee height?"),
    "form_stride": ("Does {subj} take long or short steps?", "Is the stride of {subj} long or short?",
                    "Are the steps of {subj} long or short in {the}?",
                    "How long are the strides of {subj}: long or short?",
                    "While {gerund}, does {subj} use a long or a short stride?"),
    "form_kick": ("Does the kicking foot of {subj} rise above hip height?", "Does {subj} kick higher than the hips?",
                  "Is the kick of {subj} above hip level?", "Does the foot of {subj} get above the hips in {the}?",
                  "In {the}, does {subj} raise the foot above hip height?"),
    "describe": ("Describe what {subj} does.", "Give a one-sentence description of the motion of {subj}.",
                 "What happens in this motion of {subj}? Answer in one sentence.",
                 "Summarise the movements of {subj} in a sentence.", "Tell me in one sentence what {subj} is doing."),
}
Phrasing = tuple[int, int]  # (template index, subject index)


def all_phrasings(kind: str) -> list[Phrasing]:
    """Every phrasing of a kind: templates that name the person × every subject word; the others once."""
    if kind not in TEMPLATES:
        raise DataError(f"unknown question kind {kind!r}; known: {sorted(TEMPLATES)}")
    return [(t, s) for t, text in enumerate(TEMPLATES[kind])
            for s in (range(len(SUBJECTS)) if "{subj}" in text else (0,))]


def is_held_out(kind: str, phrasing: Phrasing) -> bool:
    template, subject = phrasing
    return template == len(TEMPLATES[kind]) - 1 or ("{subj}" in TEMPLATES[kind][template]
                                                     and subject == len(SUBJECTS) - 1)


def choose(kind: str, held_out: bool, rng: np.random.Generator) -> Phrasing:
    """A random phrasing of `kind`, from the held-out ones or from the trained ones."""
    pool = [p for p in all_phrasings(kind) if is_held_out(kind, p) == held_out]
    return pool[int(rng.integers(len(pool)))]


def render(kind: str, phrasing: Phrasing, **slots: str) -> str:
    """The question text, first letter capitalised."""
    template, subject = phrasing
    text = TEMPLATES[kind][template].format(subj=SUBJECTS[subject], **slots)
    return text[0].upper() + text[1:]
