"""Which record files of a dataset folder hold a split: the `.json` files directly inside it whose name contains
the split's name, e.g. for "test": qa_test.json, captions_test.json, test.json (what `llamo data build` and the
external converters write). `llamo eval --data DIR` evaluates a folder's "test" files by this rule.
"""

from pathlib import Path

from ..errors import DataError


def split_files(folder: str | Path, split: str) -> list[Path]:
    """The record files of `split` (e.g. "test") in `folder`, sorted by name; DataError naming the files found
    when none fits."""
    folder = Path(folder)
    found = sorted(folder.glob("*.json"))
    files = [f for f in found if split in f.stem]
    if not files:
        raise DataError(f"{folder}: no {split} record files among {[f.name for f in found]}; accepted: .json files "
                        f"directly in the folder whose name contains '{split}' (e.g. {split}.json, qa_{split}.json, "
                        f"captions_{split}.json)")
    return files
