"""Smoke test of the GPU-scale benchmark scripts: each runs on the CPU at its smallest size, exits 0 and prints
its table. Not a timing: the figures are whatever this machine gives."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from llamo.motion import Motion
from llamo.motion.io import save_motion
from tests.conftest import walking_joints

ROOT = Path(__file__).resolve().parents[1]
TABLE_LINE = "|---|"


def run_script(name: str, *args: str) -> str:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / name), *args], cwd=ROOT, env=env,
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{name} exited {done.returncode}:\n{done.stdout}\n{done.stderr[-3000:]}"
    assert TABLE_LINE in done.stdout, f"{name} printed no table:\n{done.stdout}"
    return done.stdout


def test_throughput_prints_ratio_to_llava():
    out = run_script("bench_throughput.py", "--device", "cpu", "--preset", "tiny", "--batch-size", "2",
                     "--steps", "1", "--warmup", "0")
    assert "LLaVA reference" in out and "LLaMo / LLaVA samples/s" in out


def test_prefill_sweeps_motion_lengths():
    out = run_script("bench_prefill.py", "--device", "cpu", "--preset", "tiny", "--frames", "50", "120",
                     "--steps", "1", "--warmup", "0")
    assert "| 50 |" in out and "| 120 |" in out


@pytest.mark.parametrize("mode", [[], ["--fsdp", "--batch-size", "2"]], ids=["batch_search", "accelerate"])
def test_7b_code_path_on_tiny_lm(mode):
    out = run_script("bench_7b.py", "--device", "cpu", "--preset", "tiny", "--max-batch", "2", "--steps", "1",
                     "--warmup", "0", *mode)
    assert "samples/s" in out


def test_eval_on_records_file(tmp_path):
    """Questions from a records file (as MoCapQA's qa_test.json) with a motion the script loads."""
    save_motion(Motion(walking_joints(60)), tmp_path / "m.npy")
    turns = [{"from": "human", "value": "<motion>\nWhat is the person doing?"}, {"from": "gpt", "value": "walk"}]
    records = [{"id": f"q{i}", "motion": "m.npy", "conversations": turns} for i in range(3)]
    (tmp_path / "qa.json").write_text(json.dumps(records))
    out = run_script("bench_eval.py", "--device", "cpu", "--preset", "tiny", "--data", str(tmp_path / "qa.json"),
                     "--limit", "3", "--batch-size", "3", "--max-new-tokens", "4")
    assert "3 questions from" in out and "identical answers in both modes: 3/3" in out
