"""A training process killed with SIGKILL at a random step resumes and ends with the uninterrupted weights."""

import os
import random
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
