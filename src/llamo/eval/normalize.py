"""Answer normalisation and matching for exact-match evaluation (BABEL-QA style, DESIGN.md "Evaluation").

`normalize_answer` maps free-form model output and short references to one canonical form: lowercase, no
punctuation, no articles, number words as digits, leading filler ("the answer is", "the person") and a
trailing "times" after a count removed. `matches` is the rule every exact-match metric uses.
"""

import re

ARTICLES = frozenset({"a", "an", "the"})
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "once": 1, "twice": 2, "thrice": 3,
}
# Word sequences (already without articles) removed from the start, repeatedly: "I think the answer is: left".
LEADING_FILLERS = (
    ("i", "think"), ("answer", "is"), ("answer",), ("it", "is"), ("its",), ("this", "is"),
    ("this", "person"), ("person",),
)
# Words that change the meaning of a short answer around the reference: "not left", "left or right".
BLOCKING_WORDS = frozenset({"not", "no", "never", "neither", "nor", "or"})
MAX_CONTAINING_WORDS = 6
# Words a short answer may carry around the reference without changing it ("the left leg", "to the right side").
# Anything else must not: "spin kick" is not "kick", "fast run" is not "run".
CARRIER_WORDS = frozenset({
    "leg", "legs", "foot", "feet", "hand", "hands", "arm", "arms", "side", "direction", "way", "times", "time",
    "to", "towards", "with", "his", "her", "their", "he", "she", "they", "it", "is", "was", "does", "person",
})


def _strip_leading(words: list[str]) -> list[str]:
    stripped = True
    while stripped:
        stripped = False
        for filler in LEADING_FILLERS:
            if len(words) > len(filler) and tuple(words[:len(filler)]) == filler:
                words, stripped = words[len(filler):], True
                break
    return words


def _strip_trailing(words: list[str]) -> list[str]:
    """"3 times" → "3": the unit of a count is implied by the question."""
    if len(words) >= 2 and words[-1] in ("times", "time") and words[-2].isdigit():
        return words[:-1]
    return words


def normalize_answer(text: str) -> str:
    """The canonical form of an answer, e.g. "The answer is: Three times." → "3", "Face-up" → "face up"."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9\s]", " ", text)  # punctuation splits words: "face-up" → "face up"
    words = [str(NUMBER_WORDS.get(w, w)) for w in text.split() if w not in ARTICLES]
    return " ".join(_strip_trailing(_strip_leading(words)))


def extract_number(text: str) -> int | None:
    """The first integer or number word ("once" … "twenty") in `text`, or None if there is none."""
    for token in re.findall(r"\d+|[a-z]+", text.lower()):
        if token.isdigit():
            return int(token)
        if token in NUMBER_WORDS:
            return NUMBER_WORDS[token]
    return None


def _contains(words: list[str], part: list[str]) -> bool:
    """Whether `part` occurs in `words` as a contiguous run of whole words."""
    n = len(part)
    return any(words[i:i + n] == part for i in range(len(words) - n + 1))


def _extra_words(pred: list[str], ref: list[str]) -> list[str]:
    """The prediction's words outside the first whole-word run of `ref`."""
    n = len(ref)
    start = next(i for i in range(len(pred) - n + 1) if pred[i:i + n] == ref)
    return pred[:start] + pred[start + n:]


def matches(prediction: str, reference: str) -> bool:
    """Whether a prediction answers with the reference. Both are normalised (`normalize_answer`), then either
    they are equal, or the prediction is short (≤ 6 words), holds the reference as a whole-word run, and every
    other word is a carrier word (CARRIER_WORDS: "leg", "side", "with", ...; plus negations when the reference
    is itself a negation).

    "left leg" matches "left"; "spin kick" does not match "kick"; "He kicks with the right leg." does not match
    "right" ("kicks" is not a carrier); "not left" and "left or right" do not; "leftward" does not (whole words
    only). Long predictions must match exactly, so a sentence that only mentions the reference does not count.
    """
    pred, ref = normalize_answer(prediction).split(), normalize_answer(reference).split()
    if pred == ref:
        return True
    if not ref or len(pred) > MAX_CONTAINING_WORDS:
        return False
    if not _contains(pred, ref):
        return False
    allowed = CARRIER_WORDS if BLOCKING_WORDS.isdisjoint(ref) else CARRIER_WORDS | BLOCKING_WORDS
    return set(_extra_words(pred, ref)) <= allowed
