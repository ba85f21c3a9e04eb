"""Presets: the worlds a synthetic QA folder is drawn from (which actions, how many, and how questions are worded).

`seven`: one to three of seven everyday exercises (squat, jumping jacks, jump, kick, wave, raise arm, walk),
1-6 repetitions each. `gym`: two to four of seven other drills (lunge, high knees, punch, arm circles, hop, turn,
bow), 1-10 repetitions, with its own wording. Both word their questions unlike MoCapQA (data/questions.py), so
a model trained on one can be tested on the other's phrasing.
"""

from dataclasses import dataclass, field

from ..errors import LlamoError


@dataclass(frozen=True)
class Move:
    """One action of a preset and the words used to ask about it.

    action: registry name (actions.ACTIONS), also the canonical answer. singular/plural/gerund: "squat", "squats",
    "squatting". limb: what a body_part question names ("leg", "hand", "arm"), asked when sides is set. sides /
    directions: values drawn for the action's side / direction parameter. direction_param: which parameter a
    direction question asks about ("direction", "side" or None); asked: the values a direction question accepts
    (motions with other values get none). direction_kind: the phrasing key for its direction questions.
    countable: count questions may ask about it; reps: (min, max) drawn; fixed: other ActionParams values;
    the: how questions name it when "the <singular/plural>" does not fit.
    """

    action: str
    singular: str
    plural: str
    gerund: str
    limb: str | None = None
    sides: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    direction_param: str | None = None
    asked: tuple[str, ...] = ()
    direction_kind: str = ""
    countable: bool = True
    reps: tuple[int, int] = (1, 6)
    fixed: dict = field(default_factory=dict)
    the: str = ""

    def named(self, reps: int) -> str:
        """How a question names this action: "the squats", "the kick", "the walk"."""
        return self.the or f"the {self.singular if reps == 1 else self.plural}"


@dataclass(frozen=True)
class Preset:
    """A world of motions and questions. length: (min, max) actions per motion; questions: at most this many
    questions per motion; phrasings: task → templates ({ordinal}, {limb}, {plural}, {the}, {gerund})."""

    name: str
    description: str
    moves: tuple[Move, ...]
    length: tuple[int, int]
    questions: int
    train: int
    test: int
    phrasings: dict[str, tuple[str, ...]]

    def move(self, action: str) -> Move:
        return next(m for m in self.moves if m.action == action)


LR = ("left", "right")
FOUR_WAYS = ("forward", "backward", "left", "right")

SEVEN_PHRASINGS = {
    "action_single": ("What exercise is this?", "Which movement does this clip show?", "Identify the movement.",
                      "What move is the subject making?", "What's going on in this clip?",
                      "Which activity is being done here?"),
    "action_order": ("What is the {ordinal} movement in this clip?", "Which action comes {ordinal}?",
                     "What's the {ordinal} exercise here?", "Name the {ordinal} move.",
                     "Which movement do they perform {ordinal}?", "In this clip, what happens {ordinal}?"),
    "count": ("How many {plural} are there?", "Count the {plural}.", "How many {plural} do they do?",
              "Number of {plural}?", "How many {plural} in this clip?", "How many {plural} does the subject complete?"),
    "body_part": ("Which {limb} do they use for {the}?", "Which {limb} performs {the}?",
                  "Tell me which {limb} the subject uses while {gerund}.", "For {the}, which {limb}?",
                  "What side is the {limb} used for {the}?", "Which side of the body does the subject use for {the}?"),
    "before": ("What happens just before {the}?", "What do they do right before {gerund}?",
               "Which move precedes {the}?", "Before {the}, what does the subject do?",
               "What comes ahead of {the}?", "Which exercise leads into {the}?"),
    "after": ("What happens right after {the}?", "What do they do once they finish {gerund}?",
              "Which move follows {the}?", "After {the}, what comes next?", "What's next after {the}?",
              "Which exercise comes after {the}?"),
    "direction_walk": ("Which way does the subject walk?", "In what direction are they walking?",
                       "Where do they walk to: forward, backward, left or right?", "Walking direction?",
                       "Which direction is the walk, relative to where they face?",
                       "Do they walk forward, backward, left or right?"),
    "direction_jump": ("Which way does the subject jump?", "In what direction do they jump?", "Jump direction?",
                       "Do they jump forward, backward, left or right?", "Where do the jumps take them?",
                       "Which direction do they leap?"),
}

SEVEN = Preset(
    name="seven",
    description="one to three of seven everyday exercises, 1-6 repetitions each",
    moves=(
        Move("squat", "squat", "squats", "squatting"),
        Move("jumping jacks", "jumping jack", "jumping jacks", "doing jumping jacks"),
        Move("jump", "jump", "jumps", "jumping", directions=("in place", *FOUR_WAYS), direction_param="direction",
             asked=FOUR_WAYS, direction_kind="direction_jump"),
        Move("kick", "kick", "kicks", "kicking", limb="leg", sides=LR),
        Move("wave", "wave", "waves", "waving", limb="hand", sides=LR),
        Move("raise arm", "arm raise", "arm raises", "raising an arm", limb="arm", sides=(*LR, "both")),
        Move("walk", "walk", "steps", "walking", directions=FOUR_WAYS, direction_param="direction", asked=FOUR_WAYS,
             direction_kind="direction_walk", countable=False, reps=(2, 6), the="the walk"),
    ),
    length=(1, 3), questions=6, train=1200, test=300, phrasings=SEVEN_PHRASINGS,
)

GYM_PHRASINGS = {
    "action_single": ("Which drill is this?", "Name the drill shown.", "What workout move is this?",
                      "What is being practised here?", "Which exercise is on screen?",
                      "Describe the move in a word or two."),
    "action_order": ("Which drill is {ordinal} in the set?", "What does the athlete do {ordinal}?",
                     "Name the {ordinal} drill.", "Which move is performed {ordinal} in this set?",
                     "What's the {ordinal} part of the routine?", "In the routine, which drill comes {ordinal}?"),
    "count": ("How many {plural} does the athlete perform?", "Give the number of {plural}.",
              "How many {plural} were done?", "Total {plural}?", "What is the count of {plural}?",
              "How many {plural} can you count?"),
    "body_part": ("Which {limb} does the athlete use for {the}?", "Is it the left or right {limb} for {the}?",
                  "During {the}, which {limb} works?", "Which {limb} leads {the}?",
                  "For {the}, is the left or the right {limb} used?", "Which {limb} is active during {the}?"),
    "before": ("Which drill comes right before {the}?", "What is done just ahead of {the}?",
               "What precedes {the} in the routine?", "Name the drill before {the}.",
               "Before {gerund}, which drill does the athlete do?", "What's the previous drill to {the}?"),
    "after": ("Which drill comes right after {the}?", "What is done straight after {the}?",
              "What follows {the} in the routine?", "Name the drill after {the}.",
              "After {gerund}, which drill does the athlete do?", "What's the next drill after {the}?"),
    "direction_turn": ("Which way does the athlete turn?", "Is the turn to the left or the right?",
                       "Turning direction?",
                       "Towards which side does the athlete rotate?", "Does the athlete turn left or right?",
                       "Which side does the turn go to?"),
    "direction_circles": ("Do the arm circles go forward or backward?", "Which way do the arms circle?",
                          "Arm circle direction?", "Are the arms circling forwards or backwards?",
                          "In which direction do the arm circles turn?", "Forward or backward arm circles?"),
}

GYM = Preset(
    name="gym",
    description="two to four of seven gym drills, 1-10 repetitions each",
    moves=(
        Move("lunge", "lunge", "lunges", "lunging", limb="leg", sides=LR, reps=(1, 10)),
        Move("high knees", "high knee", "high knees", "doing high knees", reps=(1, 10)),
        Move("punch", "punch", "punches", "punching", limb="hand", sides=LR, reps=(1, 10)),
        Move("arm circles", "arm circle", "arm circles", "circling the arms", directions=("forward", "backward"),
             direction_param="direction", asked=("forward", "backward"), direction_kind="direction_circles",
             reps=(1, 10)),
        Move("hop", "hop", "hops", "hopping", limb="leg", sides=LR, reps=(1, 10), fixed={"direction": "in place"}),
        Move("turn", "turn", "turns", "turning", sides=LR, direction_param="side", asked=LR,
             direction_kind="direction_turn", countable=False, reps=(1, 1), fixed={"angle": 90.0}, the="the turn"),
        Move("bow", "bow", "bows", "bowing", reps=(1, 10)),
    ),
    length=(2, 4), questions=6, train=1000, test=250, phrasings=GYM_PHRASINGS,
)

PRESETS: dict[str, Preset] = {p.name: p for p in (SEVEN, GYM)}


def get_preset(name: str) -> Preset:
    if name not in PRESETS:
        raise LlamoError(f"unknown preset {name!r}; known: {sorted(PRESETS)}")
    return PRESETS[name]
