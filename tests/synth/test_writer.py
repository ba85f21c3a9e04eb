import json
from collections import Counter

import numpy as np
import pytest

from llamo.cli import main
from llamo.data.questions import PHRASINGS as MOCAPQA_PHRASINGS
from llamo.data.schema import load_records
from llamo.errors import DataError
from llamo.motion.io import load_motion
from llamo.synth.plan import plan_split
from llamo.synth.presets import PRESETS
from llamo.synth.qa import TASKS, Balancer, questions
from llamo.synth.writer import SynthConfig, build_synth


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "seven"
    return build_synth(SynthConfig(out=out, train=8, test=4, seed=5))


def test_the_folder_has_the_documented_layout_and_loads(built):
    assert {p.name for p in built.iterdir()} == {"motions", "train.json", "test.json", "timelines.json", "card.md",
                                                 "card.json"}
    for split, motions in (("train", 8), ("test", 4)):
        records = load_records(built / f"{split}.json")
        assert len({r.meta["motion_id"] for r in records}) == motions
        assert {r.meta["task"] for r in records} <= set(TASKS)  # QA only: no captions
        for record in records:
            assert record.conversations[0].text.startswith("<motion>\n")
            assert record.answer == record.meta["answer"] and record.id.startswith(f"{split}_")
    for path in (built / "motions").iterdir():
        motion = load_motion(path)
        assert motion.joints.shape[1:] == (22, 3) and motion.fps == 20
    timelines = json.loads((built / "timelines.json").read_text())
    assert len(timelines) == 12 and all(t["segments"] for t in timelines.values())
    card = (built / "card.md").read_text()
    assert "Split rule" in card and "| count |" in card


def test_answers_name_what_the_timeline_shows(built):
    timelines = json.loads((built / "timelines.json").read_text())
    for record in load_records(built / "train.json"):
        segments = timelines[record.meta["motion_id"]]["segments"]
        names = [s["action"] for s in segments]
        assert names == record.meta["actions"]
        subject = segments[names.index(record.meta["subject"])]
        if record.meta["task"] == "count":
            assert record.answer == str(len(subject["reps"])) == str(subject["params"]["reps"])
        if record.meta["task"] == "body_part":
            assert record.answer == subject["params"]["side"]


def test_the_build_is_deterministic_by_seed(built, tmp_path):
    again = build_synth(SynthConfig(out=tmp_path / "again", train=8, test=4, seed=5))
    for name in ("train.json", "test.json", "timelines.json", "card.md", "motions/train_00003.npy"):
        assert (again / name).read_bytes() == (built / name).read_bytes()
    other = build_synth(SynthConfig(out=tmp_path / "other", train=8, test=4, seed=6))
    assert (other / "train.json").read_bytes() != (built / "train.json").read_bytes()
    with pytest.raises(DataError, match="--force"):
        build_synth(SynthConfig(out=tmp_path / "other", train=1, test=1))


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_answers_are_balanced_by_construction(preset):
    world = PRESETS[preset]
    balancer, answers = Balancer(), {}
    for plan in plan_split(world, "train", 420, seed=0):
        for q in questions(world, plan, np.random.default_rng(plan.seed), balancer):
            answers.setdefault(q.task, Counter())[q.answer] += 1
    assert set(answers) == set(TASKS)
    for task, counts in answers.items():
        even = {a: n for a, n in counts.items() if a != "both"}  # "both" exists for arm raises only
        assert max(even.values()) <= 1.2 * min(even.values()), (task, counts)
    assert sum(sum(c.values()) for c in answers.values()) / 420 >= 4.0  # about five questions per motion


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_phrasings_are_many_and_unlike_mocapqa(preset):
    phrasings = PRESETS[preset].phrasings
    mocapqa = {p for values in MOCAPQA_PHRASINGS.values() for p in values}
    for key, values in phrasings.items():
        assert len(set(values)) >= 6, key
        assert not set(values) & mocapqa
    other = {p for name, world in PRESETS.items() if name != preset for v in world.phrasings.values() for p in v}
    assert not {p for v in phrasings.values() for p in v} & other


def test_the_command_builds_a_folder(tmp_path, capsys):
    args = ["data", "synth", "--out", str(tmp_path / "gym"), "--preset", "gym", "--train", "2", "--test", "1"]
    assert main(args) == 0
    assert "synth-gym" in capsys.readouterr().out
    assert len(load_records(tmp_path / "gym" / "train.json")) >= 2
    assert main(["data", "synth", "--out", str(tmp_path / "x"), "--preset", "nope"]) == 2
