"""Two data-parallel CPU processes (gloo, through `accelerate launch`) match one process with the same global batch."""

import copy
import sys
from importlib import resources

import torch
from safetensors.torch import load_file

from tests.train.conftest import run
from tests.train.tiny_stage import TINY_MODEL, write_stage


def test_two_processes_match_one_with_the_same_global_batch(tmp_path, tiny_records):
    model = copy.deepcopy(TINY_MODEL)
    model["llm"]["lora_dropout"] = 0.0  # dropout draws differ between process layouts
    one, two = tmp_path / "one", tmp_path / "two"
    for folder, batch in ((one, 4), (two, 2)):
        folder.mkdir()
        write_stage(folder, tiny_records, batch_size=batch, group_by_length=False, steps=4, model=model)
    run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=one)
    launch_config = str(resources.files("llamo") / "configs" / "accelerate" / "cpu_ddp.yaml")
    done = run([sys.executable, "-m", "accelerate.commands.launch", "--config_file", launch_config, "-m", "llamo",
                "train", "--config", "stage.yaml"], cwd=two)
    assert "MULTI_CPU" in done.stdout + done.stderr and "2 processes" in done.stdout + done.stderr
    a = load_file(one / "run" / "checkpoints" / "step_0000004" / "weights.safetensors")
    b = load_file(two / "run" / "checkpoints" / "step_0000004" / "weights.safetensors")
    for name in a:  # the all-reduce sums in another order: equal up to float rounding
        torch.testing.assert_close(a[name], b[name], rtol=0, atol=1e-5, msg=name)
