"""A training process killed with SIGKILL at a random step resumes and ends with the uninterrupted weights."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import torch
from safetensors.torch import load_file

from tests.train.conftest import run
from tests.train.tiny_stage import write_stage

STEPS = 8


def final_weights(run_dir):
    return load_file(run_dir / "checkpoints" / f"step_{STEPS:07d}" / "weights.safetensors")


def test_kill_9_then_resume_equals_uninterrupted(tmp_path, tiny_records):
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    for folder in (straight, killed):
        folder.mkdir()
        write_stage(folder, tiny_records, steps=STEPS)
    run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=straight)

    kill_after = random.Random().randint(2, STEPS - 2)  # a different step on every run of the suite
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=killed, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = killed / "run" / "checkpoints" / f"step_{kill_after:07d}"
    deadline = time.time() + 300
    while not marker.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert not (killed / "run" / "model").exists()

    run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=killed)
    a, b = final_weights(straight / "run"), final_weights(killed / "run")
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), f"{name} differs after resuming from step {kill_after}"


def train_stage(folder, data, **fields):
    from llamo.train.config import load_config
    from llamo.train.loop import train

    folder.mkdir()
    return train(load_config(str(write_stage(folder, data, **fields)))).parent


def test_resuming_in_a_later_epoch_replays_that_epochs_order(tmp_path, tiny_records):
    """16 records in batches of 4: 7 steps cross an epoch boundary. Resuming at step 5 (inside the second epoch)
    must not replay the first epoch's order (the prepared loader's own epoch counter restarts at 0)."""
    run_dir = train_stage(tmp_path / "a", tiny_records, steps=7, batch_size=4)
    expected = final_weights_at(run_dir, 7)
    shutil.rmtree(run_dir / "model")
    for step in (6, 7):
        shutil.rmtree(run_dir / "checkpoints" / f"step_{step:07d}")
    train_stage_again(tmp_path / "a")
    resumed = final_weights_at(run_dir, 7)
    assert all(torch.equal(expected[k], resumed[k]) for k in expected)


def test_a_snapshot_mid_stage_changes_nothing_after_it(tmp_path, tiny_records):
    plain = train_stage(tmp_path / "plain", tiny_records, steps=4)
    snap = train_stage(tmp_path / "snap", tiny_records, steps=4, snapshots=[0.25, 0.5, 1 / 3])
    assert sorted(p.name for p in (snap / "snapshots").iterdir()) == ["step_0000001", "step_0000002"]
    assert (snap / "snapshots" / "step_0000002" / "config.json").is_file()
    a, b = final_weights_at(plain, 4), final_weights_at(snap, 4)
    assert all(torch.equal(a[k], b[k]) for k in a), "saving a model folder must not draw from the training RNG"


def final_weights_at(run_dir, step):
    return load_file(run_dir / "checkpoints" / f"step_{step:07d}" / "weights.safetensors")


def train_stage_again(folder):
    from llamo.train.config import load_config
    from llamo.train.loop import train

    train(load_config(str(folder / "stage.yaml")))
