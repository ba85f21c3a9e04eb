import numpy as np
import pytest

from llamo import Motion
from llamo.data.clips import ACTIONS, CLIPS, load_clips
from llamo.data.measure import active_side, goes_upside_down, travel_direction, turn_direction
from llamo.data.questions import PHRASINGS
from llamo.motion import mirror, rotate
from llamo.motion.transforms import reverse
from tests.conftest import walking_joints


@pytest.fixture(scope="module")
def clips():
    return load_clips()


def joints(m: Motion) -> np.ndarray:
    return np.asarray(m.joints, np.float64)


def test_turns_and_travel_on_synthetic_walks():
    left = Motion(walking_joints(80, turn_rate=0.8))
    assert turn_direction(joints(left)) == "left" and turn_direction(joints(mirror(left))) == "right"
    straight = rotate(Motion(walking_joints(60)), 1.3)
    assert turn_direction(joints(straight)) is None
    assert travel_direction(joints(straight)) == "forward"
    assert travel_direction(joints(reverse(straight))) == "backward"


def test_labels_on_real_clips_flip_with_mirroring(clips):
    assert active_side(joints(clips["kick"]), "leg") == "right"
    assert active_side(joints(mirror(clips["kick"])), "leg") == "left"
    assert active_side(joints(clips["punch"]), "hand") == "right"
    assert turn_direction(joints(clips["turn_right0"])) == "right"
    assert turn_direction(joints(mirror(clips["turn_right0"]))) == "left"
    assert travel_direction(joints(clips["backflip"])) == "backward"
    assert travel_direction(joints(clips["cartwheel"])) in ("left", "right")
    assert goes_upside_down(joints(clips["backflip"])) == "yes"
    assert goes_upside_down(joints(clips["walk"])) == "no"


def test_catalogue_covers_every_shipped_clip(clips):
    assert len(CLIPS) == 20 and len(clips) == 20
    assert {"walk", "run", "jump", "kick", "punch", "spin", "spin kick", "backflip", "cartwheel", "crawl", "roll",
            "dance", "get up", "turn"} == set(ACTIONS)


def test_every_phrasing_formats():
    for kind, phrasings in PHRASINGS.items():
        for p in phrasings:
            assert p.format(verb="do a backflip", verb3="does a backflip").endswith(("?", ".")), (kind, p)
