"""The open corpus's words for every action it shows: the synthesiser's 33 and the real clips' (pybullet's
DeepMimic catalogue, data/clips.py), so questions and descriptions name synthetic and real motion alike.

`Words.phrase` is a describe clause in the third person with `{side}` for "the left hand" / "both arms" and
`{way}` for a direction; counts and directions are added by `clause`.
"""

import re
from dataclasses import dataclass

from ..errors import DataError

COUNT_WORDS = ("once", "twice", "three times", "four times", "five times", "six times", "seven times",
               "eight times", "nine times", "ten times", "eleven times", "twelve times")
NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth")


@dataclass(frozen=True)
class Words:
    """singular/plural: "squat"/"squats"; gerund: "squatting"; phrase: describe clause ("squats", "waves {side}");
    limb: what a body-part question names ("leg", "hand", "arm"), None when no side is asked."""

    singular: str
    plural: str
    gerund: str
    phrase: str
    limb: str | None = None


WORDS: dict[str, Words] = {
    "walk": Words("step", "steps", "walking", "walks {way}"),
    "squat": Words("squat", "squats", "squatting", "squats"),
    "jumping jacks": Words("jumping jack", "jumping jacks", "doing jumping jacks", "does jumping jacks"),
    "jump": Words("jump", "jumps", "jumping", "jumps {way}"),
    "kick": Words("kick", "kicks", "kicking", "kicks with {side}", "leg"),
    "wave": Words("wave", "waves", "waving", "waves {side}", "hand"),
    "raise arm": Words("arm raise", "arm raises", "raising an arm", "raises {side}", "arm"),
    "turn": Words("turn", "turns", "turning", "turns to the {way}"),
    "run": Words("run", "runs", "running", "runs"),
    "high knees": Words("high knee", "high knees", "doing high knees", "does high knees"),
    "jog in place": Words("jog step", "jog steps", "jogging in place", "jogs in place"),
    "march": Words("march step", "march steps", "marching", "marches on the spot"),
    "lunge": Words("lunge", "lunges", "lunging", "lunges with {side}", "leg"),
    "kneel": Words("kneel", "kneels", "kneeling", "kneels on {side}", "knee"),
    "hop": Words("hop", "hops", "hopping", "hops {way} on {side}", "leg"),
    "punch": Words("punch", "punches", "punching", "punches with {side}", "hand"),
    "arm circles": Words("arm circle", "arm circles", "circling the arms", "circles the arms {way}"),
    "clap": Words("clap", "claps", "clapping", "claps"),
    "reach up": Words("reach", "reaches", "reaching up", "reaches up with {side}", "arm"),
    "throw": Words("throw", "throws", "throwing", "throws with {side}", "hand"),
    "point": Words("point", "points", "pointing", "points with {side}", "arm"),
    "stretch": Words("stretch", "stretches", "stretching", "stretches overhead"),
    "bow": Words("bow", "bows", "bowing", "bows"),
    "twist": Words("twist", "twists", "twisting", "twists the torso"),
    "side bend": Words("side bend", "side bends", "bending sideways", "bends to the {way}"),
    "toe touch": Words("toe touch", "toe touches", "touching the toes", "touches the toes"),
    "nod": Words("nod", "nods", "nodding", "nods"),
    "shake head": Words("head shake", "head shakes", "shaking the head", "shakes the head"),
    "look around": Words("look", "looks", "looking around", "looks to the {way}"),
    "sit down": Words("sit-down", "sit-downs", "sitting down", "sits down"),
    "stand up": Words("stand-up", "stand-ups", "standing up", "stands up"),
    "crouch": Words("crouch", "crouches", "crouching", "crouches"),
    "calf raise": Words("calf raise", "calf raises", "raising the heels", "rises onto the toes"),
    "crawl": Words("crawl", "crawls", "crawling", "crawls"),
    "spin": Words("spin", "spins", "spinning", "spins"),
    "spin kick": Words("spin kick", "spin kicks", "doing a spin kick", "does a spin kick with {side}", "leg"),
    "backflip": Words("backflip", "backflips", "doing a backflip", "does a backflip"),
    "cartwheel": Words("cartwheel", "cartwheels", "doing a cartwheel", "does a cartwheel"),
    "roll": Words("roll", "rolls", "rolling", "rolls forward"),
    "dance": Words("dance", "dances", "dancing", "dances"),
    "get up": Words("get-up", "get-ups", "getting up", "gets up from the floor"),
}
LIMB_PLURALS = {"leg": "legs", "hand": "hands", "arm": "arms", "knee": "knees"}


def words(action: str) -> Words:
    if action not in WORDS:
        raise DataError(f"no words for action {action!r}; known: {sorted(WORDS)}")
    return WORDS[action]


def side_phrase(side: str, limb: str) -> str:
    """'the left hand', 'both arms'."""
    return f"both {LIMB_PLURALS[limb]}" if side == "both" else f"the {side} {limb}"


def way_phrase(action: str, direction: str) -> str:
    """How a describe clause says a direction: 'forward', 'in a circle to the left', 'in place'."""
    if direction.startswith("circle"):
        return f"in a circle to the {direction.split()[1]}"
    return direction


def the_phrase(action: str, count: int | None) -> str:
    """How a question names an action: 'the squats', 'the kick', 'the walk'."""
    if action == "walk":
        return "the walk"
    w = words(action)
    return f"the {w.plural if (count or 1) > 1 else w.singular}"


def count_phrase(action: str, count: int) -> str:
    """'three times', or 'four steps' for walks."""
    if action == "walk":
        return f"{NUMBERS[count - 1]} step{'s' if count > 1 else ''}"
    return COUNT_WORDS[count - 1]


def clause(action: str, count: int | None, side: str | None, direction: str | None) -> str:
    """One describe clause, e.g. 'kicks with the left leg twice', 'walks forward four steps'; a side-less
    clause where the side is unknown (a real clip whose measured side is unclear)."""
    w = words(action)
    phrase = w.phrase if side or "{side}" not in w.phrase else re.sub(r" (with|on) \{side\}| \{side\}", "", w.phrase)
    text = phrase.format(side=side_phrase(side or "", w.limb or "arm"), way=way_phrase(action, direction or side or ""))
    text = " ".join(text.split())
    return f"{text} {count_phrase(action, count)}" if count else text
