"""The optimizer's parameter groups (train/optim.py): a rate per group, a rate for one module, and the error for
an lr_scale key that names nothing."""

import pytest

from llamo.errors import ConfigError
from llamo.model import build_model
from llamo.model.trainable import set_trainable
from llamo.train.optim import build_optimizer
from tests.conftest import tiny_config


@pytest.fixture(scope="module")
def model():
    model = build_model(tiny_config())
    set_trainable(model, ["connector", "lora"])
    return model


def rates(optimizer) -> dict[str, tuple[float, int]]:
    return {g["name"]: (g["lr"], len(g["params"])) for g in optimizer.param_groups}


def test_a_group_rate_scales_its_group(model):
    groups = rates(build_optimizer(model, None, 1e-3, {"lora": 0.5}, 0.0))
    assert set(groups) == {"connector", "lora"}
    assert groups["lora"][0] == pytest.approx(5e-4) and groups["connector"][0] == pytest.approx(1e-3)


def test_a_module_rate_takes_its_parameters_out_of_the_group(model):
    plain = rates(build_optimizer(model, None, 1e-3, {}, 0.0))
    split = rates(build_optimizer(model, None, 1e-3, {"connector.talker": 0.1, "connector": 2.0}, 0.0))
    talker = [p for n, p in model.named_parameters() if n.startswith("connector.talker.") and p.requires_grad]
    assert split["connector.talker"] == (pytest.approx(1e-4), len(talker))
    assert split["connector"] == (pytest.approx(2e-3), plain["connector"][1] - len(talker))
    assert split["lora"] == plain["lora"]


@pytest.mark.parametrize("key", ["conector", "connector.talkr", "connector.talker.sum"])
def test_an_lr_scale_key_that_names_nothing_is_refused(model, key):
    with pytest.raises(ConfigError, match=f"lr_scale '{key}': neither a parameter group nor a module"):
        build_optimizer(model, None, 1e-3, {key: 0.1}, 0.0)


def test_a_group_name_is_not_read_as_a_module_path():
    model = build_model(tiny_config("vq_tokens"))
    set_trainable(model, ["connector", "vq_tokenizer"])
    groups = rates(build_optimizer(model, None, 1e-3, {"connector": 2.0}, 0.0))
    vq = [p for n, p in model.named_parameters() if n.startswith("connector.vq.")]
    assert groups == {"vq_tokenizer": (pytest.approx(1e-3), len(vq))}  # its connector holds only the VQ-VAE
