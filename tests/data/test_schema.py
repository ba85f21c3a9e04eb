"""Dataset records: round trips, byte-stable files, every validation error, and media-path safety."""

import copy
import json
import os
from pathlib import Path

import numpy as np
import pytest

from llamo.data import MOTION_TOKEN, VIDEO_TOKEN, Record, Turn, load_records, resolve_media, save_records
from llamo.errors import DataError

WALK = {
    "id": "walk_0007", "motion": "motions/walk_0007.npy", "video": "videos/walk_0007.mp4",
    "conversations": [{"from": "human", "value": "<motion>\n<video>\nHow many steps?"}, {"from": "gpt", "value": "4"}],
    "meta": {"task": "count", "answer": "4"},
}
RUN = {
    "id": "run_0001", "motion": "motions/run_0001.npy",
    "conversations": [{"from": "human", "value": "Describe this: <motion>"},
                      {"from": "gpt", "value": "Un coureur → vite."},
                      {"from": "human", "value": "Which way?"}, {"from": "gpt", "value": "left"}],
}
CLIP = {"id": "clip_3", "video": "videos/walk_0007.mp4",
        "conversations": [{"from": "human", "value": "<video> What happens?"}, {"from": "gpt", "value": "a jump"}]}


def write_npy(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.zeros((4, 22, 3), np.float32))


def write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def mutate(**changes):
    """WALK with fields replaced (value None removes the field)."""
    record = {**copy.deepcopy(WALK), **changes}
    return {key: value for key, value in record.items() if value is not None}


def turns(*pairs):
    return [{"from": role, "value": text} for role, text in pairs]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A dataset folder with three valid records and their media; returns the JSON file."""
    root = tmp_path / "ds"
    write_npy(root / "motions/walk_0007.npy")
    write_npy(root / "motions/run_0001.npy")
    (root / "videos").mkdir()
    (root / "videos/walk_0007.mp4").write_bytes(b"not decoded here")
    return write_json(root / "qa.json", [WALK, RUN, CLIP])


def test_valid_file_round_trips_byte_identically(dataset: Path, tmp_path: Path):
    records = load_records(dataset)
    assert [r.id for r in records] == ["walk_0007", "run_0001", "clip_3"]
    first = save_records(records, dataset.parent / "copy.json").read_bytes()
    again = load_records(dataset.parent / "copy.json")
    assert again == records
    assert save_records(again, dataset.parent / "copy.json").read_bytes() == first
    assert "→" in first.decode("utf-8")  # ensure_ascii=False keeps text readable
    assert sorted(p.name for p in dataset.parent.iterdir()) == ["copy.json", "motions", "qa.json", "videos"]


def test_to_json_key_order_and_omissions():
    walk = Record.from_json(WALK, "mem")
    assert list(walk.to_json()) == ["id", "motion", "video", "conversations", "meta"]
    assert walk.to_json() == WALK
    assert list(Record.from_json(RUN, "mem").to_json()) == ["id", "motion", "conversations"]
    assert Record.from_json(CLIP, "mem").conversations[0] == Turn("human", "<video> What happens?")


def test_video_beside_motion_needs_no_marker():
    """The docs' example: the video only feeds the motion enhancer, so the text marks just <motion>."""
    example = mutate(conversations=turns(("human", "<motion>\nHow many steps?"), ("gpt", "4")))
    assert Record.from_json(example, "mem").video == "videos/walk_0007.mp4"


def test_question_and_answer():
    walk, run = Record.from_json(WALK, "mem"), Record.from_json(RUN, "mem")
    assert (walk.question, walk.answer) == ("How many steps?", "4")
    assert (run.question, run.answer) == ("Describe this:", "Un coureur → vite.")
    assert MOTION_TOKEN == "<motion>" and VIDEO_TOKEN == "<video>"


def test_equal_records_give_identical_files(tmp_path: Path):
    records = [Record.from_json(r, "mem") for r in (WALK, RUN)]
    a = save_records(records, tmp_path / "a.json").read_bytes()
    b = save_records([Record.from_json(copy.deepcopy(r), "mem") for r in (WALK, RUN)], tmp_path / "b.json")
    assert b.read_bytes() == a and a.endswith(b"]\n")


BAD_RECORDS = {
    "not a dict": ("just text", "'just text'"),
    "missing id": (mutate(id=None), "'id' is missing"),
    "empty id": (mutate(id=""), "'id' is ''"),
    "non-string id": (mutate(id=7), "'id' is 7"),
    "unknown field": (mutate(image="x.png"), "'image'"),
    "conversations missing": (mutate(conversations=None), "'conversations' is missing"),
    "conversations empty": (mutate(conversations=[]), "'conversations' is []"),
    "conversations not a list": (mutate(conversations="hi"), "'conversations' is 'hi'"),
    "turn not a dict": (mutate(conversations=["hello"]), "conversations[0] is 'hello'"),
    "turn keys": (mutate(conversations=[{"role": "user", "content": "<motion>"}]), "'role'"),
    "unknown role": (mutate(conversations=turns(("human", "<motion><video>"), ("bot", "4"))), "'bot'"),
    "gpt first": (mutate(conversations=turns(("gpt", "<motion><video>"), ("human", "4"))),
                  "conversations[0].from is 'gpt'"),
    "not alternating": (mutate(conversations=turns(("human", "<motion><video>"), ("human", "4"))),
                        "conversations[1].from is 'human'"),
    "value not a string": (mutate(conversations=[{"from": "human", "value": "<motion><video>"},
                                                 {"from": "gpt", "value": 4}]), "conversations[1].value is 4"),
    "ends with human": (mutate(conversations=turns(("human", "<motion><video>"), ("gpt", "4"), ("human", "?"))),
                        "end with a human turn"),
    "no media": (mutate(motion=None, video=None), "neither 'motion' nor 'video'"),
    "motion not a string": (mutate(motion=123), "'motion' is 123"),
    "motion marker without field": (mutate(motion=None), "contains <motion> but field 'motion' is missing"),
    "video marker without field": (mutate(video=None), "contains <video> but field 'video' is missing"),
    "motion field without marker": (mutate(conversations=turns(("human", "<video> steps?"), ("gpt", "4"))),
                                    "field 'motion' is given but the human turns hold 0 <motion>"),
    "video only without marker": (mutate(motion=None, conversations=turns(("human", "steps?"), ("gpt", "4"))),
                                  "field 'video' is given but the human turns hold 0 <video>"),
    "two video markers": (mutate(conversations=turns(("human", "<motion><video><video>"), ("gpt", "4"))),
                          "2 <video>"),
    "two motion markers": (mutate(conversations=turns(("human", "<motion><video>"), ("gpt", "4"),
                                                      ("human", "<motion> again?"), ("gpt", "5"))), "2 <motion>"),
    "marker in gpt turn": (mutate(conversations=turns(("human", "<motion><video>"), ("gpt", "<motion> 4"))),
                           "conversations[1] (gpt) contains <motion>"),
    "meta not a dict": (mutate(meta=["count"]), "'meta' is ['count']"),
}


@pytest.mark.parametrize("record, expected", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_invalid_record_raises_naming_file_record_and_field(tmp_path: Path, record, expected):
    path = write_json(tmp_path / "bad.json", [RUN, record])
    with pytest.raises(DataError) as info:
        load_records(path, check_media=False)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "record #1" in message or "record 'walk_0007'" in message


@pytest.mark.parametrize("content, expected", [
    ("[\n  {\"id\": 1,,}\n]", "line 2, column"),
    ('{"id": "a"}', "top level is a JSON dict"),
    (json.dumps([RUN, RUN, CLIP, CLIP]), "['clip_3', 'run_0001']"),
    (b"\xff\xfe[]", "not UTF-8"),
], ids=["invalid json", "not a list", "duplicate ids", "not utf-8"])
def test_invalid_file_raises(tmp_path: Path, content, expected):
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(DataError) as info:
        load_records(path, check_media=False)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_missing_file_raises(tmp_path: Path):
    with pytest.raises(DataError, match="no such dataset file"):
        load_records(tmp_path / "nope.json")


UNSAFE = ["../x.npy", "/abs/x.npy", "C:\\x.npy", "C:/x.npy", "a\\..\\b.npy", "", "motions/../../x.npy"]


@pytest.mark.parametrize("check_media", [True, False])
@pytest.mark.parametrize("rel", UNSAFE)
def test_unsafe_media_paths_are_refused(tmp_path: Path, rel: str, check_media: bool):
    write_npy(tmp_path / "x.npy")  # exists outside the dataset folder, so only safety can refuse it
    record = {**RUN, "motion": rel}
    path = write_json(tmp_path / "ds/qa.json", [record])
    with pytest.raises(DataError) as info:
        load_records(path, check_media=check_media)
    assert repr(rel) in str(info.value) and "'run_0001'" in str(info.value)


@pytest.mark.parametrize("check_media", [True, False])
def test_symlink_leaving_the_folder_is_refused(tmp_path: Path, check_media: bool):
    write_npy(tmp_path / "outside/secret.npy")
    (tmp_path / "ds/motions").mkdir(parents=True)
    os.symlink(tmp_path / "outside/secret.npy", tmp_path / "ds/motions/link.npy")
    path = write_json(tmp_path / "ds/qa.json", [{**RUN, "motion": "motions/link.npy"}])
    with pytest.raises(DataError, match="outside the dataset folder"):
        load_records(path, check_media=check_media)


def test_symlink_inside_the_folder_and_dotdot_inside_are_allowed(tmp_path: Path):
    root = tmp_path / "ds"
    write_npy(root / "motions/real.npy")
    os.symlink(root / "motions/real.npy", root / "motions/link.npy")
    assert resolve_media(root, "motions/link.npy", "test") == (root / "motions/real.npy").resolve()
    assert resolve_media(root, "other/../motions/real.npy", "test", must_exist=False).is_absolute()


def test_missing_media_checked_only_with_check_media(dataset: Path):
    path = write_json(dataset.parent / "more.json", [{**RUN, "motion": "motions/gone.npy"}])
    with pytest.raises(DataError, match="'motions/gone.npy' not found under .*relative to the dataset folder"):
        load_records(path)
    assert load_records(path, check_media=False)[0].motion == "motions/gone.npy"


def test_directory_is_not_a_media_file(dataset: Path):
    path = write_json(dataset.parent / "dir.json", [{**RUN, "motion": "motions"}])
    with pytest.raises(DataError, match="not found under"):
        load_records(path)


def test_save_refuses_invalid_records_and_writes_nothing(tmp_path: Path):
    good = Record.from_json(RUN, "mem")
    bad = Record(id="x", conversations=(Turn("gpt", "4"),), motion="m.npy")
    unjsonable = Record(id="y", conversations=good.conversations, motion="m.npy", meta={"n": np.int64(3)})
    for records, expected in [([bad], r"conversations\[0\]\.from"), ([good, good], "duplicate"),
                              ([unjsonable], "not JSON")]:
        with pytest.raises(DataError, match=expected):
            save_records(records, tmp_path / "out.json")
    assert list(tmp_path.iterdir()) == []
