"""Answer normalisation, number extraction and the matching rule."""

import pytest

from llamo.eval.normalize import extract_number, matches, normalize_answer


@pytest.mark.parametrize("text, expected", [
    ("Left.", "left"),
    ("The answer is: Three times.", "3"),
    ("I think the answer is the left leg", "left leg"),
    ("The person kicks.", "kicks"),
    ("twice", "2"),
    ("once", "1"),
    ("Twenty", "20"),
    ("  Face-up  ", "face up"),
    ("It's a jump!", "jump"),
    ("person", "person"),
    ("", ""),
])
def test_normalize_answer(text, expected):
    assert normalize_answer(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("He does it 4 times", 4), ("twice", 2), ("Once.", 1), ("three or 5", 3), ("It kicks", None), ("12", 12),
])
def test_extract_number(text, expected):
    assert extract_number(text) == expected


@pytest.mark.parametrize("prediction, reference, expected", [
    ("left leg", "left", True),
    ("He kicks with the right leg.", "left", False),
    ("The answer is left.", "left", True),
    ("three times", "3", True),
    ("face-up", "face up", True),
    ("leftward", "left", False),
    ("not left", "left", False),
    ("left or right", "left", False),
    ("no, it does not", "no", True),
    ("the person kicks with the left leg and then walks away slowly", "left", False),
    ("get up", "get up", True),
    ("spin kick", "kick", False),
    ("spin kick", "spin", False),
    ("to the right side", "right", True),
    ("He kicks with the right leg.", "right", False),
    ("up", "get up", False),
    ("anything", "", False),
])
def test_matches(prediction, reference, expected):
    assert matches(prediction, reference) is expected
