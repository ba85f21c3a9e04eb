"""A dataset folder's split files: the .json files directly inside whose name contains the split."""

import pytest

from llamo.data.splits import split_files
from llamo.errors import DataError


def test_split_files_by_name(tmp_path):
    for name in ("qa_test.json", "captions_test.json", "qa_train.json", "card.json", "test.txt"):
        (tmp_path / name).write_text("[]")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "test.json").write_text("[]")
    assert [f.name for f in split_files(tmp_path, "test")] == ["captions_test.json", "qa_test.json"]
    assert [f.name for f in split_files(tmp_path, "train")] == ["qa_train.json"]


def test_a_folder_without_split_files_names_what_it_holds(tmp_path):
    (tmp_path / "qa_train.json").write_text("[]")
    with pytest.raises(DataError, match=r"no test record files among \['qa_train.json'\]; accepted: .*'test'"):
        split_files(tmp_path, "test")
