import argparse
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from llamo.cli import COMMANDS, build_parser, main
from llamo.cli import run as console_command
from tests.conftest import walking_joints
from tests.motion.formats.test_asf_amc import write_clip
from tests.motion.formats.test_bvh import cmu_bvh


def leaf_commands(parser: argparse.ArgumentParser, prefix=()) -> set[tuple[str, ...]]:
    found = set()
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in action.choices.items():
            words = (*prefix, name)
            found |= leaf_commands(sub, words) if sub._subparsers else {words}
    return found


def test_parser_matches_the_command_table():
    assert leaf_commands(build_parser()) == set(COMMANDS)


def test_train_data_repeats_for_several_folders_and_overrides_stay_overrides():
    args = build_parser().parse_args(["train", "--data", "a", "--data", "b", "steps=3"])
    assert [str(d) for d in args.data] == ["a", "b"] and args.overrides == ["steps=3"]
    assert args.eval_limit is None, "every test record by default"
    assert build_parser().parse_args(["train", "--data", "a", "--eval-limit", "0"]).eval_limit == 0


@pytest.mark.parametrize("words", sorted(COMMANDS))
def test_help_works_and_comes_from_the_docstring(words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*words, "--help"])
    assert exit_info.value.code == 0
    assert COMMANDS[words][0].__doc__.split()[0] in capsys.readouterr().out


def test_render_and_convert(tmp_path, capsys):
    np.save(tmp_path / "walk.npy", walking_joints(31, fps=30))
    assert main(["render", str(tmp_path / "walk.npy"), "--fps", "30", "--out", str(tmp_path / "w.gif"),
                 "--mark", "2,5", "--size", "96"]) == 0
    assert Image.open(tmp_path / "w.gif").n_frames == 21
    assert main(["data", "convert", str(tmp_path / "walk.npy"), "--fps", "30", "--out", str(tmp_path / "c.npy")]) == 0
    assert np.load(tmp_path / "c.npy").shape == (21, 22, 3)


def test_a_folder_converts_file_by_file_and_reports_what_it_skipped(tmp_path, capsys):
    source, out = tmp_path / "takes", tmp_path / "canonical"
    (source / "cmu" / "07").mkdir(parents=True)
    write_clip(source / "cmu" / "07", frames=120)  # 07.asf + 07_05.amc: 1 s at 120 fps
    (source / "walk.bvh").write_text(cmu_bvh())  # 31 frames at 30 fps
    np.save(source / "kick.npy", walking_joints(20))
    (source / "broken.bvh").write_text("HIERARCHY\nROOT Hips {\n")
    (source / "README.txt").write_text("CMU Graphics Lab Motion Capture Database\n")
    assert main(["data", "convert", str(source), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 motions converted, 2 skipped" in printed and "skipped broken.bvh:" in printed
    assert np.load(out / "cmu" / "07" / "07_05.npy").shape == (20, 22, 3)
    assert np.load(out / "walk.npy").shape == (21, 22, 3) and np.load(out / "kick.npy").shape == (20, 22, 3)
    report = json.loads((out / "convert.json").read_text())
    assert [c["source"] for c in report["converted"]] == ["cmu/07/07_05.amc", "kick.npy", "walk.bvh"]
    assert report["converted"][0]["source_fps"] == 120
    assert sorted(f["source"] for f in report["failed"]) == ["README.txt", "broken.bvh"]
    assert not list(out.rglob("*.tmp*")), "nothing half-written"


def test_folder_conversion_errors_name_the_problem(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["data", "convert", str(tmp_path / "empty"), "--out", str(tmp_path / "o1")]) == 2
    assert "no motion files; accepted: .npy, .bvh, .amc" in capsys.readouterr().err
    (tmp_path / "two").mkdir()
    np.save(tmp_path / "two" / "walk.npy", walking_joints(10))
    (tmp_path / "two" / "walk.bvh").write_text(cmu_bvh())
    assert main(["data", "convert", str(tmp_path / "two"), "--out", str(tmp_path / "o2")]) == 2
    assert "would both be written to" in capsys.readouterr().err and not (tmp_path / "o2").exists()
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.bvh").write_text("not a bvh")
    assert main(["data", "convert", str(tmp_path / "bad"), "--out", str(tmp_path / "o3")]) == 2
    assert "none of its 1 motion files could be read" in capsys.readouterr().err
    assert main(["data", "convert", str(tmp_path / "two"), "--out", str(tmp_path / "o4"), "--skeleton", "x.asf"]) == 2
    assert "in a folder each .amc finds its own .asf" in capsys.readouterr().err


def test_user_errors_exit_2_with_a_message(tmp_path, capsys):
    np.save(tmp_path / "bad.npy", np.zeros((5, 7)))
    assert main(["render", str(tmp_path / "bad.npy"), "--out", str(tmp_path / "x.gif")]) == 2
    err = capsys.readouterr().err
    assert "llamo: error:" in err and "(5, 7)" in err and "accepted" in err
    np.save(tmp_path / "ok.npy", walking_joints(10))
    assert main(["render", str(tmp_path / "ok.npy"), "--out", str(tmp_path / "x.gif"), "--mark", "40"]) == 2
    assert "outside 0..9" in capsys.readouterr().err


EXAMPLES = Path(__file__).parents[1] / "examples"


def test_ask_prints_the_answer_frames_and_renders_them(tmp_path, capsys):
    assert main(["ask", str(EXAMPLES / "kick.npy"), "Which leg does the person kick with?", "--show-frames",
                 "--render", str(tmp_path / "kick.gif")]) == 0
    answer, frames, rendered = capsys.readouterr().out.strip().splitlines()[-3:]
    assert answer == "right" and frames.startswith("frames: ")
    shown = [int(part.split()[0]) for part in frames.removeprefix("frames: ").split(", ")]
    assert len(shown) == 16 and shown == sorted(shown) and 0 <= shown[0] and shown[-1] < 31
    assert rendered.endswith("31 frames, 16 marked") and Image.open(tmp_path / "kick.gif").n_frames == 31


def test_ask_about_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["ask", str(tmp_path / "nope.npy"), "What is the person doing?"]) == 2
    assert "no such motion file" in capsys.readouterr().err


def test_the_console_command_exits_with_mains_status_after_freezing_the_heap(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["llamo", "ask", str(tmp_path / "nope.npy"), "What is the person doing?"])
    try:
        with pytest.raises(SystemExit) as exited:
            console_command()
        assert exited.value.code == 2 and "no such motion file" in capsys.readouterr().err
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_chat_streams_answers_turn_by_turn(tmp_path):
    run = subprocess.run([sys.executable, "-m", "llamo", "chat", str(EXAMPLES / "kick.npy")],
                         input="What is the person doing?\nWhich leg does the person kick with?\n",
                         capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    replies = [line for line in run.stdout.splitlines() if "llamo> " in line]
    assert len(replies) == 2 and replies[1].endswith("llamo> right")


def write_test_folder(folder: Path) -> Path:
    """A dataset folder with two test files (3 action questions, 2 counting questions), a train file and a card."""
    from llamo.motion import Motion
    from llamo.motion.io import save_motion

    folder.mkdir()
    save_motion(Motion(walking_joints(40)), folder / "walk.npy")

    def records(prefix: str, question: str, answer: str, task: str, n: int) -> str:
        turns = [{"from": "human", "value": f"<motion>\n{question}"}, {"from": "gpt", "value": answer}]
        return json.dumps([{"id": f"{prefix}{i}", "motion": "walk.npy", "conversations": turns,
                            "meta": {"task": task, "answer": answer}} for i in range(n)])

    (folder / "qa_test.json").write_text(records("q", "What is the person doing?", "walk", "action", 3))
    (folder / "count_test.json").write_text(records("c", "How many steps does the person take?", "4", "count", 2))
    (folder / "qa_train.json").write_text(records("t", "What is the person doing?", "walk", "action", 1))
    (folder / "card.json").write_text("{}")
    return folder


def test_eval_without_model_uses_the_shipped_one_on_a_file_and_a_folder(tmp_path, capsys):
    data = write_test_folder(tmp_path / "data")
    assert main(["eval", "--data", str(data / "qa_test.json"), "--out", str(tmp_path / "one"), "--limit", "2"]) == 0
    metrics = json.loads((tmp_path / "one" / "metrics.json").read_text())
    assert metrics["model"].endswith("assistant/default") and metrics["accuracy"]["n"] == 2
    assert "per_file" not in metrics

    assert main(["eval", "--data", str(data), "--out", str(tmp_path / "all"), "--limit", "2"]) == 0
    metrics = json.loads((tmp_path / "all" / "metrics.json").read_text())
    assert metrics["data"] == [str(data / "count_test.json"), str(data / "qa_test.json")]
    assert list(metrics["per_file"]) == metrics["data"] and metrics["counting"]["n"] == 2
    rows = (tmp_path / "all" / "predictions.jsonl").read_text().splitlines()
    assert [json.loads(r)["source"] for r in rows] == [metrics["data"][0]] * 2 + [metrics["data"][1]] * 2
    report = capsys.readouterr().out
    assert "| metric | count_test.json | qa_test.json | all files |" in report
    assert "| n (exact match) | 2 | 2 | 4 |" in report and "| count OBO |" in report


def test_eval_of_a_folder_without_test_files_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "qa_train.json").write_text("[]")
    assert main(["eval", "--data", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no test record files among ['qa_train.json']" in err and "whose name contains 'test'" in err
    assert not (tmp_path / "out").exists()
