"""A tiny MoCapQA built once per test session, and helpers to run `llamo train` as a real process."""

import os
import subprocess
import sys

import pytest

from llamo.data.build import BuildConfig, build_dataset
from llamo.data.schema import load_records, save_records


@pytest.fixture(scope="session")
def tiny_records(tmp_path_factory):
    """16 count questions (answers of equal token length, so per-process loss means equal the global mean)."""
    root = build_dataset(BuildConfig(out=tmp_path_factory.mktemp("ds") / "mocapqa", singles_train=40,
                                     compositions_train=2, singles_test=2, compositions_test=2, workers=1,
                                     video_share_train=0.0))
    records = [r for r in load_records(root / "qa_train.json") if r.meta["task"] == "count"][:16]
    assert len(records) == 16
    return save_records(records, root / "count16.json")


def llamo_command(*args: str, launcher: tuple[str, ...] = ()) -> list[str]:
    return [*launcher, sys.executable, "-m", "llamo", *args] if not launcher else [*launcher, "-m", "llamo", *args]


def run(cmd: list[str], cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done
