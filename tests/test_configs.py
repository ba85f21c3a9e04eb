"""Every packaged config loads and validates (recursive glob, count asserted); launch configs are valid YAML."""

from importlib import resources
from pathlib import Path

import pytest
import yaml

from llamo import ConfigError
from llamo.train.config import STAGES, load_config, packaged_configs

EXPECTED = {
    "encoder", "align", "instruct", "cpu/encoder", "cpu/align", "cpu/align_readout", "cpu/instruct", "cpu/video",
    "default/instruct",
    "baselines/all_frames/encoder", "baselines/all_frames/align", "baselines/all_frames/instruct",
    "baselines/vq_tokens/encoder", "baselines/vq_tokens/align", "baselines/vq_tokens/instruct",
    "baselines/motion_text/instruct", "baselines/text_only/instruct",
}


def test_every_packaged_stage_config_loads():
    found = {name for name in packaged_configs() if not name.startswith("accelerate/")}
    assert found == EXPECTED
    for name in found:
        cfg = load_config(name)
        assert cfg.stage in STAGES and cfg.out.startswith("runs/") and cfg.trainable, name
        # the baselines without motion modules run instruction tuning only, from a fresh model
        fresh = cfg.stage == "encoder" or cfg.model.connector.kind in ("motion_text", "text_only")
        assert (cfg.init_from is None) == fresh, name
        if cfg.stage == "encoder":  # the contrastive loss trains a motion encoder, which vq_tokens has not
            assert bool(cfg.contrastive_weight) == (cfg.model.connector.kind != "vq_tokens"), name


def test_baselines_change_only_the_connector_and_paths():
    ours, theirs = load_config("encoder"), load_config("baselines/all_frames/encoder")
    assert theirs.model.connector.kind == "all_frames"
    assert theirs.steps == ours.steps and theirs.lr == ours.lr and theirs.batch_size == ours.batch_size


@pytest.mark.parametrize("name", ["cpu_ddp", "ddp", "fsdp", "deepspeed_zero2"])
def test_launch_configs_are_yaml(name):
    path = Path(str(resources.files("llamo") / "configs" / "accelerate" / f"{name}.yaml"))
    assert yaml.safe_load(path.read_text())["num_processes"] >= 2


def test_overrides_and_errors(tmp_path):
    cfg = load_config("instruct", ["steps=7", "model.connector.kind=all_frames", "trainable=[lora]"])
    assert cfg.steps == 7 and cfg.model.connector.kind == "all_frames" and cfg.trainable == ["lora"]
    with pytest.raises(ConfigError, match="no config 'nope'"):
        load_config("nope")
    with pytest.raises(ConfigError, match="unknown config keys \\['stepz'\\]"):
        load_config("instruct", ["stepz=3"])
    with pytest.raises(ConfigError, match="not key=value"):
        load_config("instruct", ["steps"])
    with pytest.raises(ConfigError, match="trainable groups"):
        load_config("instruct", ["trainable=[llm]"])
    with pytest.raises(ConfigError, match="connector.kind"):
        load_config("instruct", ["model.connector.kind=qformer"])


def test_exponent_numbers_are_numbers_in_overrides_and_files(tmp_path):
    """PyYAML reads 1e-4 as a string (YAML 1.1 wants a dot); a config would then carry lr='1e-4'."""
    cfg = load_config("instruct", ["lr=1e-4", "weight_decay=2E-2", "steps=100"])
    assert cfg.lr == 1e-4 and cfg.weight_decay == 0.02 and cfg.steps == 100 and isinstance(cfg.steps, int)
    path = tmp_path / "mine.yaml"
    path.write_text("base: instruct\nlr: 3e-4\nout: runs/x\nsystem_prompt: 1e5 words\n")
    cfg = load_config(str(path))
    assert cfg.lr == 3e-4 and cfg.system_prompt == "1e5 words"


def test_part_pooling_without_parts_is_refused():
    from llamo.model.configuration import ConnectorConfig

    with pytest.raises(ConfigError, match="part_pooling needs"):
        ConnectorConfig(selection="topk", part_pooling=True)
