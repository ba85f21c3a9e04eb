import numpy as np
import pytest

from llamo.data.measure import active_side, travel_direction, turn_direction
from llamo.errors import LlamoError
from llamo.motion.skeleton import JOINT_INDEX as J
from llamo.synth import ACTIONS, ActionParams, Body, perform, sample_body
from tests.synth.helpers import bone_spread, episodes, stance_drift

BODY = Body.from_proportions(1.75)


def run(name: str, seed: int = 0, body: Body = BODY, **params) -> tuple[np.ndarray, tuple]:
    clip = perform(name, body, ActionParams(**params), np.random.default_rng(seed))
    return clip.joints(body).astype(np.float64), clip.spans


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_action_is_finite_keeps_its_bones_and_annotates_its_reps(name):
    spec = ACTIONS[name]
    body = sample_body(np.random.default_rng(len(name)))
    extra = {"side": spec.sides[-1]} if spec.sides else {}
    extra |= {"direction": spec.directions[-1]} if spec.directions else {}
    joints, spans = run(name, seed=1, body=body, reps=3, **extra)
    assert joints.ndim == 3 and joints.shape[1:] == (22, 3) and np.isfinite(joints).all()
    assert bone_spread(joints) < 1e-3
    assert joints[..., 1].min() > -0.01  # nothing sinks through the floor
    assert len(spans) == (1 if name in ("sit down", "stand up") else 3)
    assert all(0 <= s < e <= len(joints) for s, e in spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))
    steps = np.linalg.norm(np.diff(joints, axis=0), axis=-1)
    assert steps.max() < 0.7  # m per frame: no joint teleports (a fast kick's foot moves ~0.4)


@pytest.mark.parametrize("name,params", [("walk", {"direction": d}) for d in ("forward", "backward", "left", "right")]
                         + [("squat", {}), ("jumping jacks", {}), ("jump", {"direction": "forward"}),
                            ("lunge", {"side": "left"}), ("turn", {"side": "right"}), ("high knees", {})])
def test_feet_on_the_floor_do_not_slide(name, params):
    for seed in range(2):
        body = sample_body(np.random.default_rng(seed))
        joints, _ = run(name, seed=seed, body=body, reps=4, **params)
        assert stance_drift(joints, body.ankle_height, body.toe_height) < 0.02


@pytest.mark.parametrize("side", ["left", "right"])
def test_the_side_parameter_moves_the_named_side(side):
    other = "right" if side == "left" else "left"
    side_j, other_j = side[0], other[0]  # joint-name prefixes: l_, r_
    kick, _ = run("kick", side=side)
    assert active_side(kick, "leg") == side
    assert kick[:, J[f"{side_j}_ankle"], 1].max() > kick[:, J[f"{other_j}_ankle"], 1].max() + 0.3
    punch, _ = run("punch", side=side)
    assert active_side(punch, "hand") == side
    for name in ("wave", "raise arm"):
        arms, _ = run(name, side=side)
        assert arms[:, J[f"{side_j}_wrist"], 1].max() > arms[:, J["head"], 1].max()
        assert arms[:, J[f"{other_j}_wrist"], 1].max() < arms[:, J["pelvis"], 1].max() + 0.1
    lunge, _ = run("lunge", side=side)
    assert lunge[:, J[f"{side_j}_ankle"], 2].max() > lunge[:, J[f"{other_j}_ankle"], 2].max() + 0.4
    kneel, _ = run("kneel", side=side)
    assert kneel[:, J[f"{side_j}_knee"], 1].min() < 0.12 < kneel[:, J[f"{other_j}_knee"], 1].min()
    hop, _ = run("hop", side=side, reps=3)
    assert hop[:, J[f"{other_j}_ankle"], 1].max() > hop[:, J[f"{side_j}_ankle"], 1].max() + 0.1
    turn, _ = run("turn", side=side, angle=90)
    assert turn_direction(turn) == side
    both, _ = run("raise arm", side="both")
    assert min(both[:, J[w], 1].max() for w in ("l_wrist", "r_wrist")) > both[:, J["head"], 1].max()


@pytest.mark.parametrize("direction", ["forward", "backward", "left", "right"])
def test_walks_and_jumps_go_the_named_way(direction):
    for name in ("walk", "jump"):
        joints, _ = run(name, direction=direction, reps=3)
        assert travel_direction(joints) == direction
    circle, _ = run("walk", direction="circle left", reps=8, angle=180)
    assert turn_direction(circle) == "left"


def count_reps(name: str, joints: np.ndarray) -> int:
    """Repetitions read from the geometry alone."""
    pelvis, head = joints[:, J["pelvis"], 1], joints[:, J["head"], 1]
    wrists = joints[:, [J["l_wrist"], J["r_wrist"]], 1]
    if name == "squat":  # pelvis-height minima
        return episodes(pelvis[0] - pelvis, 0.2, 0.05)
    if name in ("jumping jacks", "raise arm"):  # hands overhead
        return episodes(wrists.max(1) - head, 0.05, -0.1)
    if name == "jump":  # both feet off the floor
        return episodes(joints[:, [J["l_ankle"], J["r_ankle"]], 1].min(1) - joints[0, J["l_ankle"], 1], 0.1, 0.02)
    if name == "kick":
        return episodes(joints[:, [J["l_ankle"], J["r_ankle"]], 1].max(1), 0.4, 0.15)
    if name == "wave":  # the (right) forearm swings in past the vertical once per wave
        lean = joints[:, J["r_wrist"], 0] - joints[:, J["r_elbow"], 0]
        return episodes(lean, 0.03, -0.05)
    if name == "clap":
        gap = np.linalg.norm(joints[:, J["l_wrist"]] - joints[:, J["r_wrist"]], axis=-1)
        return episodes(-gap, -0.12, -0.25)
    if name == "bow":
        return episodes(head[0] - head, 0.15, 0.05)
    raise KeyError(name)


@pytest.mark.parametrize("name", ["squat", "jumping jacks", "jump", "kick", "wave", "raise arm", "clap", "bow"])
@pytest.mark.parametrize("reps", [1, 4, 7])
def test_repetitions_are_recoverable_from_the_geometry(name, reps):
    extra = {"side": "right"} if ACTIONS[name].sides else {}
    joints, spans = run(name, seed=reps, reps=reps, **extra)
    assert len(spans) == reps
    assert count_reps(name, joints) == reps


def test_steps_are_foot_lifts_and_each_rep_span_holds_one():
    joints, spans = run("walk", reps=5)
    lifted = joints[:, [J["l_ankle"], J["r_ankle"]], 1] - joints[0, J["l_ankle"], 1]
    lifts = sum(episodes(lifted[:, s], 0.04, 0.01) for s in (0, 1))
    assert lifts == 5 + 1  # five steps, then the trailing foot closes
    for start, end in spans:
        assert sum(episodes(lifted[start:end, s], 0.04, 0.01) for s in (0, 1)) == 1


def test_bad_parameters_are_refused_with_the_accepted_values():
    with pytest.raises(LlamoError, match="accepted"):
        perform("kick", BODY, ActionParams(side="both"), np.random.default_rng(0))
    with pytest.raises(LlamoError, match="reps"):
        perform("squat", BODY, ActionParams(reps=13), np.random.default_rng(0))
    with pytest.raises(LlamoError, match="known"):
        perform("moonwalk", BODY, ActionParams(), np.random.default_rng(0))


def test_bodies_vary_in_height_and_keep_their_feet_on_the_floor():
    heights = [sample_body(np.random.default_rng(s)).height for s in range(40)]
    assert 1.5 <= min(heights) < 1.6 and 1.85 < max(heights) <= 1.95
    for h in (1.5, 1.95):
        rest = Body.from_proportions(h).rest()
        assert rest[:, 1].min() == pytest.approx(Body.from_proportions(h).toe_height)
        assert rest[J["head"], 1] < h


@pytest.mark.parametrize("amplitude", [0.75, 1.1])
def test_the_preset_amplitude_range_keeps_each_action_recognisable(amplitude):
    for name, extra in (("jumping jacks", {}), ("raise arm", {"side": "both"})):
        joints, _ = run(name, amplitude=amplitude, **extra)
        assert joints[:, [J["l_wrist"], J["r_wrist"]], 1].min(1).max() > joints[:, J["head"], 1].max()
    squat, _ = run("squat", amplitude=amplitude)
    assert squat[0, 0, 1] - squat[:, 0, 1].min() > 0.2
    kick, _ = run("kick", amplitude=amplitude, side="left")
    assert kick[:, J["l_ankle"], 1].max() > kick[0, J["l_knee"], 1]
    wave, _ = run("wave", amplitude=amplitude, side="left")
    assert wave[:, J["l_wrist"], 1].max() > wave[:, J["l_shoulder"], 1].max() + 0.15
