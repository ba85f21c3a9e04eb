import argparse

import numpy as np
import pytest
from PIL import Image

from llamo.cli import COMMANDS, build_parser, main
from tests.conftest import walking_joints


def leaf_commands(parser: argparse.ArgumentParser, prefix=()) -> set[tuple[str, ...]]:
    found = set()
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in action.choices.items():
            words = (*prefix, name)
            found |= leaf_commands(sub, words) if sub._subparsers else {words}
    return found


def test_parser_matches_the_command_table():
    assert leaf_commands(build_parser()) == set(COMMANDS)


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


def test_user_errors_exit_2_with_a_message(tmp_path, capsys):
    np.save(tmp_path / "bad.npy", np.zeros((5, 7)))
    assert main(["render", str(tmp_path / "bad.npy"), "--out", str(tmp_path / "x.gif")]) == 2
    err = capsys.readouterr().err
    assert "llamo: error:" in err and "(5, 7)" in err and "accepted" in err
    np.save(tmp_path / "ok.npy", walking_joints(10))
    assert main(["render", str(tmp_path / "ok.npy"), "--out", str(tmp_path / "x.gif"), "--mark", "40"]) == 2
    assert "outside 0..9" in capsys.readouterr().err
