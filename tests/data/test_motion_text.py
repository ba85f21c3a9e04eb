"""The motion_text connector's text: what synthetic motions say (travel, turns, feet, lean), determinism,
token counts, and how the processor and dataset place it at `<motion>`."""

import numpy as np
import pytest

from llamo import ConfigError, Motion, MotionError
from llamo.data.dataset import ConversationDataset
from llamo.data.motion_text import describe_motion, joint_angles
from llamo.data.processor import LlamoProcessor
from llamo.data.schema import Record, Turn, save_records
from llamo.motion.io import save_motion
from llamo.motion.transforms import mirror, rotate
from tests.conftest import REST_POSE, walking_joints


def rows(text: str) -> list[list[str]]:
    """The window lines' fields: start | forward left | turn | height | lean | knees | hips | elbows | shoulders |
    feet."""
    return [line.split("|") for line in text.splitlines()[1:-1]]


def standing(frames: int) -> np.ndarray:
    return np.repeat(REST_POSE[None], frames, 0)


def test_a_walk_turning_left_reads_as_forward_travel_a_left_turn_and_alternating_feet():
    text = describe_motion(Motion(walking_joints(200, turn_rate=0.5)))
    lines = rows(text)
    assert text.startswith("motion 9.9 s, a line per 1 s") and len(lines) == 10
    assert [line[0] for line in lines] == [str(s) for s in range(10)]
    assert all(8 <= int(line[1].split()[0]) <= 11 for line in lines), "about 1 m (10 dm) forward each second"
    assert all(int(line[2]) in (2, 3) for line in lines), "28.6 deg/s to the left"
    net = text.splitlines()[-1].split("|")
    assert net[0] == "net" and int(net[2]) == 28, "0.5 rad/s for 9.95 s = 285 deg: 28 tens, rounding not piling up"
    assert all("L" in line[9] and "R" in line[9] and "-" not in line[9] for line in lines)


def test_a_mirrored_motion_turns_the_other_way_on_the_other_feet():
    motion = Motion(walking_joints(100, turn_rate=0.8))
    ours, theirs = rows(describe_motion(motion)), rows(describe_motion(mirror(motion)))
    swap = str.maketrans("LR", "RL")
    for a, b in zip(ours, theirs, strict=True):
        assert int(a[2]) == -int(b[2]) and a[9].translate(swap) == b[9]
        assert a[5].split() == b[5].split()[::-1], "left and right knee swap columns"


def test_text_is_deterministic_and_independent_of_where_the_motion_starts():
    motion = Motion(walking_joints(80, turn_rate=0.3))
    moved = rotate(motion, 1.2).with_joints(rotate(motion, 1.2).joints + np.float32([3.0, 0.0, -2.0]))
    assert describe_motion(motion) == describe_motion(motion) == describe_motion(moved)


def test_standing_still_then_a_jump_shows_both_feet_down_then_none():
    joints = standing(60)
    t = np.arange(60) / 20.0
    airborne = (t >= 1.0) & (t <= 1.5)
    joints[:, :, 1] += np.where(airborne, 0.3 * np.sin(np.pi * (t - 1.0) / 0.5), 0.0)[:, None]
    lines = rows(describe_motion(Motion(joints)))
    assert [line[9] for line in lines] == ["BBBB", "--BB", "BBBB"]
    assert [line[1] for line in lines] == ["0 0"] * 3 and [line[2] for line in lines] == ["0"] * 3
    assert int(lines[1][3]) > int(lines[0][3]), "the pelvis is higher on average in the second of the jump"


@pytest.mark.parametrize(("pitch", "lean"), [(0.0, "0"), (90.0, "9"), (-90.0, "-9"), (180.0, "18")])
def test_lean_says_upright_face_down_face_up_or_upside_down(pitch, lean):
    """Pitch the standing body about its left-right axis (+ = head towards where it faces)."""
    a = np.radians(pitch)
    rotation = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    joints = (standing(30) - REST_POSE[0]) @ rotation.T + np.array([0.0, 1.0, 0.0])
    assert {line[4] for line in rows(describe_motion(Motion(joints)))} == {lean}


def test_joint_angles_of_a_bent_knee_and_a_raised_arm():
    pose = REST_POSE.copy()
    pose[7] = pose[4] + np.array([0.0, 0.0, -0.42])  # left shank horizontal, backwards: knee bent 90 deg
    pose[18] = pose[16] + np.array([0.27, 0.0, 0.0])  # left upper arm out to the side: shoulder raised 90 deg
    angles = joint_angles(pose[None])[0]  # knee L R, hip L R, elbow L R, shoulder L R
    assert angles[0] == pytest.approx(90, abs=5) and angles[1] < 15
    assert angles[6] == pytest.approx(90, abs=5) and angles[7] < 15


@pytest.mark.parametrize(("seconds", "low", "high"), [(5, 200, 280), (10, 360, 450), (30, 950, 1200)])
def test_token_count_stays_within_a_few_hundred_for_ten_seconds(smollm2_tokenizer, seconds, low, high):
    """The budget in the module docstring: ~33 tokens a second plus ~85 for the header and net line."""
    text = describe_motion(Motion(walking_joints(seconds * 20, turn_rate=0.3)))
    assert low <= len(smollm2_tokenizer(text, add_special_tokens=False)["input_ids"]) <= high


def test_the_window_sets_the_lines_and_bad_motion_is_refused_before_any_text():
    motion = Motion(walking_joints(200))
    assert len(rows(describe_motion(motion, window=0.5))) == 2 * len(rows(describe_motion(motion))) == 20
    joints = walking_joints(40)
    joints[5, 3] = np.nan
    with pytest.raises(MotionError, match="NaN"):
        describe_motion(Motion(joints))
    with pytest.raises(MotionError, match="at least 2 frames"):
        describe_motion(Motion(walking_joints(1)))


def processor(tokenizer) -> LlamoProcessor:
    return LlamoProcessor(tokenizer, "<|motion|>", lambda t: 0, describe=describe_motion)


def test_the_processor_puts_the_text_at_the_marker_and_needs_it(smollm2_tokenizer):
    p = processor(smollm2_tokenizer)
    motion = Motion(walking_joints(40))
    turns = [Turn("human", "<motion>\nWhich way?"), Turn("gpt", "forward")]
    enc = p.encode(turns, motion.num_frames, motion_text=p.describe(motion))
    prompt = p.tokenizer.decode(enc.input_ids)
    assert f"{describe_motion(motion)}\nWhich way?" in prompt and "<motion>" not in prompt
    assert p.placeholder_id not in enc.input_ids
    with pytest.raises(ConfigError, match="motion_text"):
        p.encode(turns, motion.num_frames)


def test_the_dataset_writes_each_motion_file_once(tmp_path, smollm2_tokenizer):
    save_motion(Motion(walking_joints(40, turn_rate=0.5)), tmp_path / "walk.npy")
    records = [Record(id=f"q{i}", motion="walk.npy", conversations=(Turn("human", "<motion>\nWhich way?"),
                                                                    Turn("gpt", "left"))) for i in range(2)]
    path = str(save_records(records, tmp_path / "qa.json"))
    dataset = ConversationDataset([path], processor(smollm2_tokenizer), featurize=lambda m: np.zeros((m.num_frames, 1)))
    first, second = dataset[0], dataset[1]
    assert first.input_ids == second.input_ids and len(dataset.texts.features) == 1
    assert "net|" in smollm2_tokenizer.decode(first.input_ids)

