import json
from dataclasses import replace

import av
import numpy as np
import pytest

from llamo import DataError
from llamo.data import load_records
from llamo.data.build import (HEADING_SECTOR_DEG, SPEED_CLASSES, TEST_SECTORS, BuildConfig, build_dataset,
                              is_test_composition)
from llamo.data.clips import CLIP_BY_NAME

SMALL = dict(singles_train=50, compositions_train=25, singles_test=25, compositions_test=12, workers=2)
FILES = ("qa_train", "qa_test", "captions_train", "captions_test", "card")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return build_dataset(BuildConfig(out=tmp_path_factory.mktemp("b") / "mocapqa", **SMALL))


def read(folder, name):
    return load_records(folder / f"{name}.json")


def test_records_are_valid_and_card_counts_match(small):
    card = json.loads((small / "card.json").read_text())
    for name in FILES[:4]:
        records = read(small, name)  # validates schema, path safety and that every media file exists
        assert card["files"][name] == len(records) > 0
    assert card["motions"]["test"]["videos"] == 37 and card["motions"]["test"]["count"] == 37
    assert set(card["tasks"]["qa_test"]) == {"action", "after", "before", "body_part", "count", "direction",
                                             "other", "speed"}
    assert not list(small.parent.glob(".*building"))


def test_same_seed_is_byte_identical_and_other_seed_differs(small, tmp_path):
    again = build_dataset(BuildConfig(out=tmp_path / "again", **SMALL))
    for name in FILES:
        assert (again / f"{name}.json").read_bytes() == (small / f"{name}.json").read_bytes(), name
    other = build_dataset(BuildConfig(out=tmp_path / "other", seed=1, **SMALL))
    assert (other / "qa_train.json").read_bytes() != (small / "qa_train.json").read_bytes()


def test_test_split_is_held_out(small):
    train, test = read(small, "captions_train"), read(small, "captions_test")
    for records, split in ((train, "train"), (test, "test")):
        for r in records:
            src = r.meta["source"]
            actions = tuple(CLIP_BY_NAME[p].action for p in src["parts"])
            if len(actions) > 1:
                assert is_test_composition(actions) == (split == "test")
                continue
            in_test_sector = int(src["heading_deg"] // HEADING_SECTOR_DEG) in TEST_SECTORS
            assert in_test_sector == (split == "test")
            low, high = next(v for v in SPEED_CLASSES.values() if v[0] <= src["speed"] <= v[1])
            in_middle_fifth = low + 2 * (high - low) / 5 <= src["speed"] <= low + 3 * (high - low) / 5
            assert in_middle_fifth == (split == "test")
    train_motions = {np.load(small / r.motion).tobytes() for r in train}
    assert not any(np.load(small / r.motion).tobytes() in train_motions for r in test)


def test_answers_follow_the_motion_not_the_clip(small):
    """Mirroring must flip which leg kicks; the label is measured on the augmented motion."""
    kicks = [r for r in read(small, "qa_train") + read(small, "qa_test")
             if r.meta["task"] == "body_part" and r.meta["source"]["parts"] == ["kick"]]
    assert kicks
    for r in kicks:
        assert r.answer == ("left" if r.meta["source"]["mirror"] else "right")  # the source clip kicks right
    counts = [r for r in read(small, "qa_train") if r.meta["task"] == "count"]
    assert all(r.answer == str(r.meta["source"]["reps"]) for r in counts)


def test_videos_decode_with_the_motion_length(small):
    r = read(small, "qa_test")[0]
    frames = sum(1 for _ in av.open(str(small / r.video)).decode(video=0))
    assert frames == len(np.load(small / r.motion))


def test_existing_output_is_refused_then_replaced_with_force(small, tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    cfg = BuildConfig(out=out, **{**SMALL, "singles_train": 3, "compositions_train": 2, "singles_test": 2,
                                  "compositions_test": 2})
    with pytest.raises(DataError, match="--force"):
        build_dataset(cfg)
    assert (out / "keep.txt").read_text() == "mine"
    build_dataset(replace(cfg, force=True))
    assert not (out / "keep.txt").exists() and (out / "qa_train.json").exists()


@pytest.mark.slow
def test_default_build_meets_the_size_targets(tmp_path):
    out = build_dataset(BuildConfig(out=tmp_path / "full"))
    card = json.loads((out / "card.json").read_text())
    assert card["files"]["qa_train"] >= 5000 and card["files"]["qa_test"] >= 800
    assert all(n >= 50 for n in card["tasks"]["qa_test"].values())
    assert card["motions"]["test"]["videos"] == card["motions"]["test"]["count"]
