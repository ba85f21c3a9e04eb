"""compact_copy: the shipped form of a model folder (fp16 weights, no tokenizer files) loads to the same model."""

import os
import stat

import pytest
import torch

from llamo.assistant import DEFAULT_MODEL
from llamo.data import Turn
from llamo.data.collate import collate
from llamo.errors import ConfigError
from llamo.model import LlamoModel, build_model
from llamo.model.persistence import compact_copy
from tests.conftest import tiny_config, walking_joints


def logits(model: LlamoModel) -> torch.Tensor:
    from llamo import Motion

    sample = model.prepare([Turn("human", "<motion>\nWhat is the person doing?")], Motion(walking_joints(40)),
                           generation=True)
    with torch.no_grad():
        return model(**collate([sample], model.tokenizer.pad_token_id)).logits


def test_full_save_then_compact_copy_gives_the_same_logits(tmp_path):
    model = LlamoModel.from_pretrained(DEFAULT_MODEL)  # fp16 values, so fp32 → fp16 again is exact
    model.save_pretrained(tmp_path / "full")
    assert (tmp_path / "full" / "tokenizer.json").is_file()
    compact = compact_copy(tmp_path / "full", tmp_path / "compact")
    assert not (compact / "tokenizer.json").exists()
    size = {name: sum(f.stat().st_size for f in (tmp_path / name).iterdir()) for name in ("full", "compact")}
    assert size["compact"] < size["full"] / 2
    again = LlamoModel.from_pretrained(compact)
    assert again.tokenizer.get_vocab() == model.tokenizer.get_vocab()
    umask = os.umask(0o022)
    os.umask(umask)
    for file in [*(tmp_path / "full").rglob("*"), *compact.rglob("*")]:  # safetensors alone would write 0600
        if file.is_file():
            assert stat.S_IMODE(file.stat().st_mode) == 0o666 & ~umask, file
    assert torch.equal(logits(again), logits(model))


def test_compact_copy_refuses_a_randomly_initialised_lm(tmp_path):
    build_model(tiny_config()).save_pretrained(tmp_path / "tiny")
    with pytest.raises(ConfigError, match="cannot be rebuilt"):
        compact_copy(tmp_path / "tiny", tmp_path / "compact")
