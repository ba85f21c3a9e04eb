"""Converters from published dataset layouts: fixtures written in each layout, converted, then loaded back."""

import json
from collections import Counter

import numpy as np
import pytest

from llamo.data import external
from llamo.data.external import babel_qa_column, convert_babel_qa, convert_counting, convert_humanml3d
from llamo.data.schema import load_records
from llamo.errors import DataError
from llamo.motion.formats.humanml3d import joints_to_vecs
from llamo.motion.motion import Motion
from llamo.motion.transforms import UP_AXES
from tests.conftest import walking_joints

# ---- BABEL-QA ----

BABEL_QUESTIONS = [  # (question_id, babel_id, query_type, relation_type, answer)
    ("q0", "1001", "query_action", None, "walk"),
    ("q1", "1001", "query_direction", "before", "left"),
    ("q2", 1002, "query_body_part", "after", "right arm"),
    ("q3", 1002, "query_body_part", "in_between", "left leg"),
    ("q4", "1001", "query_speed", None, "fast"),
]
BABEL_SPLITS = {"train": ["q0", "q1", "q2"], "val": ["q3"], "test": ["q4"]}


def amass_joints(frames: int = 45) -> np.ndarray:
    """A walking figure as AMASS stores it: z-up, 30 fps, 24 SMPL joints (2 extra hand joints): [T, 24, 3]."""
    y_up = walking_joints(frames, fps=30.0)
    z_up = y_up @ np.linalg.inv(UP_AXES["z"]).T  # undo to_y_up(·, "z")
    return np.concatenate([z_up, z_up[:, -2:]], axis=1)


def write_babel_qa(root, questions=BABEL_QUESTIONS, as_dict=False, splits=BABEL_SPLITS):
    entries = [{"question_id": qid, "question": f"What does the person do ({qt})?", "answer": answer,
                "babel_id": bid, "query_type": qt, "relation_type": rel, "program": []}
               for qid, bid, qt, rel, answer in questions]
    data = {e["question_id"]: e for e in entries} if as_dict else entries  # the release is keyed by question id
    root.mkdir(parents=True, exist_ok=True)
    (root / "questions.json").write_text(json.dumps(data))
    (root / "split_question_ids.json").write_text(json.dumps(splits))
    for bid in {str(q[1]) for q in questions}:
        (root / "motion_sequences" / bid).mkdir(parents=True, exist_ok=True)
        np.save(root / "motion_sequences" / bid / "joints.npy", amass_joints())
    return root


@pytest.mark.parametrize("as_dict", [False, True])
def test_babel_qa_converts_each_split(tmp_path, as_dict):
    root, out = write_babel_qa(tmp_path / "babel", as_dict=as_dict), tmp_path / "out"
    for split, ids in BABEL_SPLITS.items():
        records = convert_babel_qa(root, out, split)
        loaded = load_records(out / f"{split}.json")
        assert [r.id for r in loaded] == [f"babelqa_{qid}" for qid in ids] == [r.id for r in records]
    train = {r.id: r for r in load_records(out / "train.json")}
    q2 = train["babelqa_q2"]
    assert q2.motion == "motions/babel_1002.npy" and q2.answer == "right arm"
    assert q2.conversations[0].text == "<motion>\nWhat does the person do (query_body_part)?"
    assert q2.meta == {"task": "after", "answer": "right arm", "query_type": "query_body_part",
                       "relation_type": "after", "babel_id": "1002"}
    tasks = {r.id: r.meta["task"] for s in BABEL_SPLITS for r in load_records(out / f"{s}.json")}
    assert tasks == {"babelqa_q0": "action", "babelqa_q1": "before", "babelqa_q2": "after",
                     "babelqa_q3": "body_part", "babelqa_q4": "other"}


def test_babel_motion_is_canonical_and_converted_once(tmp_path, monkeypatch):
    calls = Counter()
    load = external.load_motion

    def counting_load(path, **kwargs):
        calls[str(path)] += 1
        return load(path, **kwargs)

    monkeypatch.setattr(external, "load_motion", counting_load)
    root, out = write_babel_qa(tmp_path / "babel"), tmp_path / "out"
    convert_babel_qa(root, out, "train")
    assert sorted(calls.values()) == [1, 1]  # q0, q1 share 1001; q2 alone uses 1002
    joints = np.load(out / "motions" / "babel_1001.npy")
    assert joints.shape == (30, 22, 3) and joints.dtype == np.float32  # 44/30 s at 20 fps
    # Every second 20 fps frame falls on every third 30 fps sample, where no interpolation happens.
    np.testing.assert_allclose(joints[::2], walking_joints(45, fps=30.0)[::3], atol=1e-5)


def test_babel_column_rule():
    assert babel_qa_column("query_action", None) == "action"
    assert babel_qa_column("query_direction", "in_between") == "direction"
    assert babel_qa_column("query_action", "before") == "before"
    assert babel_qa_column("query_body_part", "after") == "after"
    assert babel_qa_column("query_count", None) == "other"


def test_babel_missing_files(tmp_path):
    root = write_babel_qa(tmp_path / "babel")
    (root / "motion_sequences" / "1002" / "joints.npy").unlink()
    with pytest.raises(DataError, match=r"motion_sequences/1002/joints\.npy"):
        convert_babel_qa(root, tmp_path / "out", "train")
    (root / "split_question_ids.json").unlink()
    with pytest.raises(DataError, match="split_question_ids.json"):
        convert_babel_qa(root, tmp_path / "out", "train")
    (root / "questions.json").unlink()
    with pytest.raises(DataError, match="questions.json: no such file"):
        convert_babel_qa(root, tmp_path / "out", "train")


def test_babel_unknown_split_lists_the_splits(tmp_path):
    root = write_babel_qa(tmp_path / "babel")
    with pytest.raises(DataError, match=r"no split 'dev'; the file holds \['test', 'train', 'val'\]"):
        convert_babel_qa(root, tmp_path / "out", "dev")


def test_babel_rejects_escaping_id_and_incomplete_questions(tmp_path):
    root = write_babel_qa(tmp_path / "babel", [("q0", "../x", "query_action", None, "walk")], splits={"train": ["q0"]})
    with pytest.raises(DataError, match=r"'\.\./x' is not a plain name"):
        convert_babel_qa(root, tmp_path / "out", "train")
    data = json.loads((root / "questions.json").read_text())
    del data[0]["answer"]
    (root / "questions.json").write_text(json.dumps(data))
    with pytest.raises(DataError, match=r"question q0 lacks \['answer'\]"):
        convert_babel_qa(root, tmp_path / "out", "train")


def test_babel_split_naming_unknown_question(tmp_path):
    root = write_babel_qa(tmp_path / "babel", BABEL_QUESTIONS[:1])
    with pytest.raises(DataError, match=r"absent from questions.json, e.g. \['q1', 'q2'\]"):
        convert_babel_qa(root, tmp_path / "out", "train")


# ---- HumanML3D ----

CAPTIONS = {  # id → texts/<id>.txt lines; times in seconds, 0.0 = whole clip
    "000001": ["a person walks forward.#a/DET person/NOUN walk/VERB forward/ADV#0.0#0.0",
               "someone takes a few steps.#someone/PRON take/VERB a/DET few/ADJ step/NOUN#0.5#2.0",
               "a blink.#a/DET blink/NOUN#1.0#1.05",
               "", "the person strolls.#the/DET person/NOUN stroll/VERB#nan#nan"],
    "M000002": ["a person walks.#a/DET person/NOUN walk/VERB#0.0#0.0"],
}


def write_humanml3d(root, source="new_joints"):
    for folder in (source, "texts"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for clip, lines in CAPTIONS.items():
        joints = walking_joints(60)
        array = joints if source == "new_joints" else joints_to_vecs(Motion(joints))  # [T, 22, 3] | [T-1, 263]
        np.save(root / source / f"{clip}.npy", array)
        (root / "texts" / f"{clip}.txt").write_text("\n".join(lines) + "\n")
    (root / "train.txt").write_text("000001\nM000002\n")
    (root / "test.txt").write_text("M000002\n")
    return root


def test_humanml3d_captions_crops_and_prompts(tmp_path):
    root, out = write_humanml3d(tmp_path / "hml"), tmp_path / "out"
    convert_humanml3d(root, out, "train")
    records = {r.id: r for r in load_records(out / "train.json")}
    assert list(records) == ["000001_0", "000001_1", "000001_3", "M000002_0"]  # _2 is 1 frame: skipped
    assert [r.meta["task"] for r in records.values()] == ["caption"] * 4
    assert records["000001_1"].answer == records["000001_1"].meta["answer"] == "someone takes a few steps."
    assert records["000001_0"].motion == records["000001_3"].motion == "motions/000001.npy"
    crop = np.load(out / records["000001_1"].motion)
    np.testing.assert_allclose(crop, walking_joints(60)[10:40], atol=1e-6)  # [0.5 s, 2.0 s) at 20 fps
    prompts = [r.conversations[0].text for r in records.values()]
    assert prompts[0] == "<motion>\nDescribe the motion."
    assert prompts[1] == "<motion>\n" + external.CAPTION_PROMPTS[1]
    assert prompts[2] == "<motion>\n" + external.CAPTION_PROMPTS[0]  # k = 3 cycles back
    assert [r.id for r in convert_humanml3d(root, out, "test")] == ["M000002_0"]
    assert len(load_records(out / "test.json")) == 1


def test_humanml3d_from_joint_vecs(tmp_path):
    root, out = write_humanml3d(tmp_path / "hml", "new_joint_vecs"), tmp_path / "out"
    records = convert_humanml3d(root, out, "test", source="new_joint_vecs")
    assert np.load(out / records[0].motion).shape == (59, 22, 3)


def test_humanml3d_errors(tmp_path):
    root, out = write_humanml3d(tmp_path / "hml"), tmp_path / "out"
    with pytest.raises(DataError, match=r"source 'joints' is unknown; accepted: \('new_joints', 'new_joint_vecs'\)"):
        convert_humanml3d(root, out, "train", source="joints")
    with pytest.raises(DataError, match=r"val.txt: no such split file.*\['test.txt', 'train.txt'\]"):
        convert_humanml3d(root, out, "val")
    (root / "texts" / "M000002.txt").write_text("a person walks without tokens\n")
    with pytest.raises(DataError, match=r"M000002.txt, line 1: .* is not 'caption#tokens#start#end'"):
        convert_humanml3d(root, out, "test")
    (root / "texts" / "M000002.txt").write_text("a person walks.#a/DET#zero#1.0\n")
    with pytest.raises(DataError, match=r"M000002.txt, line 1: .* has bad times"):
        convert_humanml3d(root, out, "test")
    (root / "texts" / "M000002.txt").unlink()
    with pytest.raises(DataError, match=r"M000002.txt: no such caption file"):
        convert_humanml3d(root, out, "test")
    (root / "new_joints" / "M000002.npy").unlink()
    with pytest.raises(DataError, match=r"M000002.npy: no such motion file"):
        convert_humanml3d(root, out, "test")


# ---- Repetition counting ----

REPCOUNT_CSV = """,type,name,count,L1,L2,L3,L4
0,squat,stu1_10.mp4,2,0,20,20,40
1,front_raise,stu2_3.mp4,1.0,5,35,,
"""


def write_counting(root, text=REPCOUNT_CSV):
    (root / "motions").mkdir(parents=True, exist_ok=True)
    np.save(root / "motions" / "stu1_10.npy", walking_joints(40))
    np.save(root / "motions" / "stu2_3.npy", joints_to_vecs(Motion(walking_joints(41))))  # HumanML3D vectors
    (root / "annotation.csv").write_text(text)
    return root


def test_counting_records(tmp_path):
    root, out = write_counting(tmp_path / "rep"), tmp_path / "out"
    convert_counting(root, out)
    records = load_records(out / "annotation.json")
    assert [r.id for r in records] == ["count_stu1_10", "count_stu2_3"]
    assert records[1].conversations[0].text == "<motion>\nHow many times does the person do front raise?"
    assert records[1].answer == "1" and records[1].meta == {"task": "count", "answer": "1", "count": 1}
    assert np.load(out / records[0].motion).shape == (40, 22, 3)
    assert np.load(out / records[1].motion).shape == (40, 22, 3)


@pytest.mark.parametrize("text, message", [
    ("name,kind,count\nstu1_10,squat,2\n", r"missing column\(s\) \['type'\]; found \['name', 'kind', 'count'\]"),
    ("name,type,count\nstu1_10,squat,two\n", r"annotation.csv, line 2: count 'two' is not a non-negative integer"),
    ("name,type,count\nstu1_10,squat,2.5\n", r"count '2.5' is not a non-negative integer"),
    ("name,type,count\nstu9_9.mp4,squat,2\n", r"line 2: no motion for 'stu9_9'"),
    ("name,type,count\n../stu1_10,squat,2\n", r"name: '\.\./stu1_10' is not a plain name"),
])
def test_counting_errors(tmp_path, text, message):
    root = write_counting(tmp_path / "rep", text)
    with pytest.raises(DataError, match=message):
        convert_counting(root, tmp_path / "out")
