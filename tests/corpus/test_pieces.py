"""The corpus's pieces: joins and retargeting keep the body's bones, form measures follow the geometry, every
question kind has its phrasings, and unknown names fail clearly."""

import numpy as np
import pytest

from llamo.corpus.form import below_parallel, kick_height, slowest, stride
from llamo.corpus.join import body_lengths, join, retarget
from llamo.corpus.phrasing import TEMPLATES, all_phrasings, is_held_out
from llamo.corpus.real import RealSpec, real_piece
from llamo.corpus.vocab import clause, words
from llamo.data.clips import load_clips
from llamo.errors import DataError
from llamo.motion.skeleton import PARENTS
from llamo.motion.transforms import heading
from llamo.synth import ActionParams, Body, perform
from tests.synth.helpers import bone_spread

BODY = Body.from_proportions(1.8)


def act(name: str, **params) -> np.ndarray:
    clip = perform(name, BODY, ActionParams(**params), np.random.default_rng(0), noise=0.0)
    return clip.joints(BODY).astype(np.float64)


def test_joins_keep_bone_lengths_and_turn_by_the_amount_asked():
    a, b = act("squat", reps=1), act("wave", reps=1)
    joined = join(a, b, "turn", np.radians(40), 0.5, body_lengths(BODY))
    assert bone_spread(joined) < 1e-6
    turned = heading(joined[-1]) - heading(a[-1])
    assert np.degrees((turned + np.pi) % (2 * np.pi) - np.pi) == pytest.approx(40, abs=3)
    paused = join(a, b, "pause", 0.5, 0.5, body_lengths(BODY))
    assert len(paused) == len(a) + 10 + 10 + len(b) and np.allclose(paused[len(a):len(a) + 10], a[-1])


def test_real_clips_take_the_body_bone_lengths_and_stand_on_the_floor():
    clips = load_clips()
    piece = real_piece(RealSpec("kick", reps=2, mirror=True), clips["kick"], BODY)
    lengths = np.linalg.norm(piece.joints[:, 1:] - piece.joints[:, list(PARENTS[1:])], axis=-1)
    assert np.allclose(lengths, body_lengths(BODY)[1:], atol=1e-6)
    assert piece.count == 2 and len(piece.spans) == 2 and piece.side == "left"  # the clip kicks right; mirrored
    assert piece.joints[..., 1].min() >= -1e-9
    assert retarget(np.asarray(clips["walk"].joints, np.float64), BODY)[:, [10, 11], 1].min() == pytest.approx(
        BODY.toe_height)


def test_form_measures_follow_the_geometry():
    deep, shallow = act("squat", amplitude=1.45), act("squat", amplitude=0.8)
    assert below_parallel(deep, 0, len(deep)) == "yes" and below_parallel(shallow, 0, len(shallow)) == "no"
    assert below_parallel(act("squat", amplitude=1.2), 0, len(deep)) is None  # about level: not asked
    high, low = act("kick", amplitude=1.2, side="left"), act("kick", amplitude=0.8, side="left")
    assert kick_height(high, 0, len(high), "left") == "yes" and kick_height(low, 0, len(low), "left") == "no"
    long, short = act("walk", reps=4, amplitude=1.15), act("walk", reps=4, amplitude=0.6)
    assert stride(long, 0, len(long), 4) == "long" and stride(short, 0, len(short), 4) == "short"
    assert slowest(((0, 20), (20, 45), (45, 65))) == "second"
    assert slowest(((0, 20), (20, 21 + 20))) is None and slowest(((0, 20),)) is None


def test_every_question_kind_has_12_phrasings_and_the_same_held_out_share():
    for kind in TEMPLATES:
        phrasings = all_phrasings(kind)
        held = [p for p in phrasings if is_held_out(kind, p)]
        assert len(phrasings) >= 12 and len(phrasings) - len(held) >= 12, kind
        assert len(held) / len(phrasings) == pytest.approx(1 / 3), kind


def test_describe_clauses_and_unknown_names():
    assert clause("kick", 2, "left", None) == "kicks with the left leg twice"
    assert clause("walk", 4, None, "circle left") == "walks in a circle to the left four steps"
    assert clause("raise arm", 3, "both", None) == "raises both arms three times"
    assert clause("kick", 1, None, None) == "kicks once"
    with pytest.raises(DataError, match="no words for action 'moonwalk'"):
        words("moonwalk")
    with pytest.raises(DataError, match="unknown question kind"):
        all_phrasings("colour")
