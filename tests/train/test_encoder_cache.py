"""The frozen-encoder cache: training from cached encoder outputs equals training that runs the encoder, the
cache is reused across runs, and an encoder with other weights never reads it."""

import sys

import pytest
import torch
from safetensors.torch import load_file, save_file

from llamo.errors import ConfigError
from llamo.model import build_model
from llamo.train.config import TrainConfig
from llamo.train.encoder_cache import EncoderCache
from tests.conftest import tiny_config
from tests.train.conftest import run
from tests.train.test_loop import NO_DROPOUT
from tests.train.tiny_stage import write_stage

FROZEN_ENCODER = ["enhancer", "connector", "lora"]


def weights_after(folder, data, **fields):
    folder.mkdir()
    write_stage(folder, data, steps=2, model=NO_DROPOUT, trainable=FROZEN_ENCODER, **fields)
    done = run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=folder)
    return load_file(folder / "run" / "checkpoints" / "step_0000002" / "weights.safetensors"), done.stdout + done.stderr


def test_cached_training_equals_running_the_encoder(tmp_path, tiny_records):
    plain, _ = weights_after(tmp_path / "plain", tiny_records)
    cache = tmp_path / "cache"
    cached, log = weights_after(tmp_path / "cached", tiny_records, encoder_cache=str(cache))
    files = sorted(cache.rglob("*.safetensors"))
    assert files and f"{len(files)} motions encoded, 0 found" in log
    for name in plain:
        torch.testing.assert_close(cached[name], plain[name], rtol=0, atol=1e-5, msg=name)
    stamps = [f.stat().st_mtime_ns for f in files]
    _, log = weights_after(tmp_path / "again", tiny_records, encoder_cache=str(cache))
    assert f"0 motions encoded, {len(files)} found" in log
    assert [f.stat().st_mtime_ns for f in files] == stamps
    for f in files:  # the cached values are what training reads: zero them and the result changes
        save_file({"hidden": torch.zeros_like(load_file(f)["hidden"])}, f)
    zeroed, _ = weights_after(tmp_path / "zeroed", tiny_records, encoder_cache=str(cache))
    assert any(not torch.allclose(zeroed[name], plain[name], atol=1e-4) for name in plain)


def test_another_encoder_gets_another_cache_folder(tmp_path):
    first = EncoderCache(build_model(tiny_config()), tmp_path)
    torch.manual_seed(1)
    second = EncoderCache(build_model(tiny_config()), tmp_path)
    assert first.folder != second.folder


def test_cache_needs_a_frozen_encoder_that_is_used(tmp_path):
    with pytest.raises(ConfigError, match="frozen motion encoder"):
        TrainConfig(stage="instruct", out="x", data=["d.json"], trainable=["motion_encoder"], encoder_cache="c")
    with pytest.raises(ConfigError, match="does not read the motion encoder"):
        EncoderCache(build_model(tiny_config("vq_tokens")), tmp_path)
