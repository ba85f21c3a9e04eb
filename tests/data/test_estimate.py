"""`llamo data estimate` with a stand-in for mediapipe (tests/video/test_estimator.py's): which motions are done,
the record files it writes, its cache (reused, recomputed when the motion or a setting changes, resumed after a
kill) and its edges (no records, a motion the renderer cannot draw, a video with too few detections)."""

import json
import sys

import numpy as np
import pytest

from llamo.data.estimate import EstimateConfig, chosen, estimate_folder
from llamo.data.schema import MOTION_TOKEN, Record, Turn, load_records, save_records
from llamo.data.splits import split_files
from llamo.errors import DataError
from llamo.video.render_estimate import EstimatorSettings
from tests.conftest import walking_joints
from tests.video.test_estimator import fake_mediapipe

SIZE = 48  # pixels: small renders keep the test fast; the stand-in does not look at them


def record(rid: str, motion: str, answer: str) -> Record:
    turns = (Turn("human", f"{MOTION_TOKEN}\nWhat is the person doing?"), Turn("gpt", answer))
    return Record(id=rid, conversations=turns, motion=motion, meta={"task": "action", "answer": answer})


def make_folder(root, frames: dict[str, int]) -> None:
    """train.json and test.json over motions/<name>.npy of the given lengths (names start with their split);
    two questions per motion."""
    for name, count in frames.items():
        (root / "motions").mkdir(exist_ok=True)
        np.save(root / "motions" / f"{name}.npy", walking_joints(count).astype(np.float32))
    for split in ("train", "test"):
        recs = [record(f"{name}_q{k}", f"motions/{name}.npy", "walk") for name in frames if name.startswith(split)
                for k in range(2)]
        save_records(recs, root / f"{split}.json")


@pytest.fixture
def pose_calls(monkeypatch) -> list:
    """Install a stand-in mediapipe that finds a person on the first 16 frames of every video; the list grows
    by one per video it is run on."""
    module = fake_mediapipe(set(range(16)))
    calls, pose = [], module.solutions.pose.Pose

    def counting_pose(**options):
        calls.append(options)
        return pose(**options)

    module.solutions.pose.Pose = counting_pose
    monkeypatch.setitem(sys.modules, "mediapipe", module)
    return calls


def config(folder, **changes) -> EstimateConfig:
    return EstimateConfig(data=folder, **{"share": 1.0, "size": SIZE, **changes})


def test_estimated_records_ask_the_same_questions_of_the_estimate_and_its_video(tmp_path, pose_calls):
    make_folder(tmp_path, {"train_a": 20, "train_b": 24, "test_a": 20})
    summary = estimate_folder(config(tmp_path), report=lambda line: None)
    assert len(pose_calls) == 3 and summary["motions"]["estimated"] == 3
    for source, written in (("train.json", "train_estimated.json"), ("test.json", "test_video.json")):
        before, after = load_records(tmp_path / source), load_records(tmp_path / written)  # media exist
        assert [r.id for r in after] == [r.id for r in before]
        assert [r.conversations for r in after] == [r.conversations for r in before]
        for old, new in zip(before, after):
            assert new.motion == old.motion.replace("motions/", "estimated/motions/")
            assert new.video == new.motion.replace(".npy", ".mp4") and new.meta["true_motion"] == old.motion
            assert np.load(tmp_path / new.motion).shape[1:] == (22, 3)
    # The trainer merges the estimated share by its name; evaluation sees test_video.json beside test.json.
    assert [f.name for f in split_files(tmp_path, "train")] == ["train.json", "train_estimated.json"]
    assert json.loads((tmp_path / "estimate.json").read_text())["files"]["test_video.json"]["records"] == 2


def test_the_training_share_is_drawn_by_seed_and_path(tmp_path, pose_calls):
    names = {f"train_{i}": 20 for i in range(8)} | {"test_a": 20}
    make_folder(tmp_path, names)
    cfg = config(tmp_path, share=0.5, seed=3)
    picked = [n for n in names if chosen(f"motions/{n}.npy", n.split("_")[0], cfg)]
    estimate_folder(cfg, report=lambda line: None)
    ids = {r.meta["true_motion"] for r in load_records(tmp_path / "train_estimated.json")}
    assert ids == {f"motions/{n}.npy" for n in picked if n.startswith("train")} and 0 < len(ids) < 8
    assert "test_a" in picked
    estimate_folder(config(tmp_path, share=0.0), report=lambda line: None)
    assert not (tmp_path / "train_estimated.json").exists()  # no stale file from the earlier share


def test_a_second_run_reuses_everything_and_a_change_recomputes_only_what_it_touches(tmp_path, pose_calls):
    make_folder(tmp_path, {"train_a": 20, "test_a": 20, "test_b": 22})
    estimate_folder(config(tmp_path), report=lambda line: None)
    first = (tmp_path / "test_video.json").read_bytes()
    again = estimate_folder(config(tmp_path), report=lambda line: None)
    assert len(pose_calls) == 3 and again["motions"]["cached_this_run"] == 3
    assert (tmp_path / "test_video.json").read_bytes() == first
    np.save(tmp_path / "motions" / "test_a.npy", walking_joints(20, speed=0.5).astype(np.float32))
    estimate_folder(config(tmp_path), report=lambda line: None)
    assert len(pose_calls) == 4  # the changed motion's video is new, so its estimate is too
    settings = EstimatorSettings(min_detection_confidence=0.7)
    estimate_folder(config(tmp_path, settings=settings), report=lambda line: None)
    assert len(pose_calls) == 7 and pose_calls[-1]["min_detection_confidence"] == 0.7
    outcome = json.loads((tmp_path / "estimated" / "motions" / "test_b.json").read_text())["outcome"]
    assert outcome["render_s"] == 0.0  # the videos were reused: only the estimator changed


def test_a_killed_run_resumes_where_it_stopped(tmp_path, pose_calls):
    make_folder(tmp_path, {"train_a": 20, "test_a": 20, "test_b": 22})
    estimate_folder(config(tmp_path), report=lambda line: None)
    # Killed after test_b's video and estimate were written but before its record: a temp file is left too.
    (tmp_path / "estimated" / "motions" / "test_b.json").unlink()
    (tmp_path / "estimated" / "motions" / ".test_b.json.x.tmp").write_text("{")
    summary = estimate_folder(config(tmp_path), report=lambda line: None)
    assert len(pose_calls) == 4 and summary["motions"]["cached_this_run"] == 2
    assert len(load_records(tmp_path / "test_video.json")) == 4


def test_a_video_with_too_few_detections_is_skipped_and_counted(tmp_path, pose_calls):
    make_folder(tmp_path, {"train_a": 20, "test_a": 20, "test_long": 60})
    # BlazePose sees the 20 fps videos thinned to POSE_FPS (15): 15 of 20 frames, a person on all; 45 of 60, on 16
    summary = estimate_folder(config(tmp_path, min_detected=0.5), report=lambda line: None)
    assert summary["skipped"] == {"motions/test_long.npy": "a person on 16 of 45 frames, fewer than 50%"}
    assert summary["files"]["test_video.json"] == {"from": "test.json", "records": 2, "left_out": {"skipped": 2}}
    assert {r.meta["true_motion"] for r in load_records(tmp_path / "test_video.json")} == {"motions/test_a.npy"}
    assert not (tmp_path / "estimated" / "motions" / "test_long.npy").exists()


def test_a_motion_the_renderer_cannot_draw_is_skipped_with_its_reason(tmp_path, pose_calls):
    make_folder(tmp_path, {"train_a": 20, "test_a": 20, "test_bad": 20})
    broken = walking_joints(20).astype(np.float32)
    broken[5] = np.nan
    np.save(tmp_path / "motions" / "test_bad.npy", broken)
    lines = []
    summary = estimate_folder(config(tmp_path), report=lines.append)
    assert summary["skipped"]["motions/test_bad.npy"].startswith("render: ")
    assert "NaN" in summary["skipped"]["motions/test_bad.npy"] and len(pose_calls) == 2
    assert any("ETA" in line and "test_bad" in line for line in lines)
    estimate_folder(config(tmp_path), report=lambda line: None)
    assert len(pose_calls) == 2  # the refusal is remembered too


def test_a_folder_without_record_files_is_an_error(tmp_path):
    (tmp_path / "card.json").write_text("{}")
    with pytest.raises(DataError, match="no record files among \\['card.json'\\]"):
        estimate_folder(config(tmp_path), report=lambda line: None)
    with pytest.raises(DataError, match="not a folder"):
        estimate_folder(config(tmp_path / "missing"), report=lambda line: None)
