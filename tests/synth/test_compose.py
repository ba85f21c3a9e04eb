import numpy as np

from llamo.data.measure import travel_direction, turn_direction
from llamo.motion.skeleton import JOINT_INDEX as J
from llamo.motion.transforms import heading, y_rotation
from llamo.synth import ActionParams as P
from llamo.synth import Step, compose, sample_body
from tests.synth.helpers import bone_spread, episodes

STEPS = [Step("walk", P(reps=3)), Step("turn", P(side="left", angle=90)), Step("walk", P(reps=3)),
         Step("squat", P(reps=2), pause=0.5), Step("jump", P(reps=1, direction="left")), Step("kick", P(side="left"))]


def make(steps=STEPS, seed=0, heading=0.7):
    rng = np.random.default_rng(seed)
    body = sample_body(rng)
    return compose(body, steps, rng, heading=heading), body


def test_the_root_is_continuous_and_bones_keep_their_length_through_transitions():
    seq, _ = make()
    joints = seq.joints.astype(np.float64)
    assert joints.shape[1:] == (22, 3) and np.isfinite(joints).all()
    assert bone_spread(joints) < 1e-3
    root_step = np.linalg.norm(np.diff(joints[:, 0], axis=0), axis=-1)
    for before, after in zip(seq.timeline, seq.timeline[1:]):
        gap = slice(before.end - 1, after.start + 1)  # the transition and the frames either side of it
        assert root_step[gap].max() < 0.05
        assert 6 <= after.start - before.end <= 12 + 10  # 0.3-0.6 s transition (+ an optional pause)


def test_the_timeline_matches_the_steps_and_stays_inside_the_motion():
    seq, _ = make()
    assert [s.action for s in seq.timeline] == [s.action for s in STEPS]
    assert [len(s.reps) for s in seq.timeline] == [3, 1, 3, 2, 1, 1]
    frames = len(seq.joints)
    for segment in seq.timeline:
        assert 0 <= segment.start < segment.end <= frames
        assert all(segment.start <= a < b <= segment.end for a, b in segment.reps)
    assert seq.timeline[-1].end == frames


def test_heading_carries_over_so_a_walk_after_a_left_turn_goes_left():
    seq, _ = make(STEPS[:3])
    first_walk, turn, second_walk = seq.timeline
    joints = seq.joints.astype(np.float64)
    assert travel_direction(joints[first_walk.start:first_walk.end]) == "forward"
    assert turn_direction(joints[turn.start:turn.end]) == "left"
    assert travel_direction(joints[second_walk.start:second_walk.end]) == "forward"  # in its own facing
    moved = joints[second_walk.end - 1, 0] - joints[second_walk.start, 0]
    lateral, _, forward = y_rotation(-heading(joints[0])) @ moved  # in the facing of the very first frame
    assert lateral > 0.8 and abs(forward) < 0.3 * lateral  # the person's original left is +x


def test_arms_of_another_action_ride_on_a_walk():
    seq, _ = make([Step("walk", P(reps=4), upper=("wave", P(reps=3, side="right")))])
    (segment,) = seq.timeline
    assert segment.upper[0] == "wave" and len(segment.upper[2]) == 3
    joints = seq.joints.astype(np.float64)
    assert joints[:, J["r_wrist"], 1].max() > joints[:, J["head"], 1].max()
    assert travel_direction(joints) == "forward"
    lifted = joints[:, [J["l_ankle"], J["r_ankle"]], 1] - joints[0, J["l_ankle"], 1]
    assert sum(episodes(lifted[:, s], 0.04, 0.01) for s in (0, 1)) == 5


def test_composition_is_deterministic_by_seed():
    a, _ = make(seed=3)
    b, _ = make(seed=3)
    c, _ = make(seed=4)
    assert np.array_equal(a.joints, b.joints)
    assert a.joints.shape != c.joints.shape or not np.array_equal(a.joints, c.joints)
