"""The loop's switches: gradient checkpointing and accumulation change memory and batching, not the maths."""

import copy
import dataclasses
import sys

import pytest
import torch
from safetensors.torch import load_file

from llamo.errors import ConfigError
from llamo.model import build_model
from llamo.train.config import TrainConfig
from llamo.train.loop import load_or_build
from tests.conftest import tiny_config

from tests.train.conftest import run
from tests.train.tiny_stage import TINY_MODEL, write_stage

NO_DROPOUT = copy.deepcopy(TINY_MODEL)
NO_DROPOUT["llm"]["lora_dropout"] = 0.0  # so runs that batch differently draw no different masks


def weights_after(folder, data, **fields):
    folder.mkdir()
    write_stage(folder, data, steps=2, group_by_length=False, model=NO_DROPOUT, **fields)
    run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=folder)
    assert list((folder / "run" / "logs").rglob("events.out.tfevents.*")), "no TensorBoard log written"
    return load_file(folder / "run" / "checkpoints" / "step_0000002" / "weights.safetensors")


def test_gradient_checkpointing_and_accumulation_keep_the_result(tmp_path, tiny_records):
    plain = weights_after(tmp_path / "plain", tiny_records, batch_size=4)
    variants = {
        "checkpointing": weights_after(tmp_path / "ckpt", tiny_records, batch_size=4, grad_checkpointing=True),
        "accumulation": weights_after(tmp_path / "accum", tiny_records, batch_size=2, grad_accum=2),
    }
    for variant, weights in variants.items():
        for name in plain:
            torch.testing.assert_close(weights[name], plain[name], rtol=0, atol=1e-5, msg=f"{variant}: {name}")


def test_a_stage_may_set_how_many_frames_a_loaded_model_reads(tmp_path, tiny_records):
    """max_frames, K and the system message are settings, not weights: a continued stage may change them, None
    keeps them."""
    torch.manual_seed(0)
    build_model(tiny_config()).save_pretrained(tmp_path / "model")
    cfg = TrainConfig(stage="instruct", out=str(tmp_path / "run"), data=[str(tiny_records)],
                      init_from=str(tmp_path / "model"), max_frames=800)
    assert load_or_build(cfg).config.max_frames == 800
    assert load_or_build(dataclasses.replace(cfg, max_frames=None)).config.max_frames == 400
    assert load_or_build(dataclasses.replace(cfg, num_tokens=24)).config.connector.num_tokens == 24
    for system in (None, ""):  # the system message: None keeps the model's own (the template's default)
        model = load_or_build(dataclasses.replace(cfg, system_prompt=system))
        assert model.config.llm.system_prompt == system and model.processor.system == system
    with pytest.raises(ConfigError, match="max_frames=1: accepted an integer >= 2"):
        dataclasses.replace(cfg, max_frames=1)


def test_a_new_connector_needs_a_model_to_put_it_on(tiny_records):
    with pytest.raises(ConfigError, match="new_connector replaces the connector of a loaded model: give init_from"):
        TrainConfig(stage="instruct", out="runs/x", data=[str(tiny_records)], new_connector=True)
