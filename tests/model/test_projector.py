"""Projector: LLaVA's two-layer MLP, and the token_norm option that starts motion tokens at the words' scale."""

import dataclasses

import torch

from llamo.model import build_model
from llamo.model.projector import Projector
from tests.conftest import tiny_config


def test_without_out_norm_it_is_the_plain_mlp():
    torch.manual_seed(0)
    projector, tokens = Projector(8, 12), torch.randn(2, 3, 8)
    expected = projector.linear_2(torch.nn.functional.gelu(projector.linear_1(tokens)))
    torch.testing.assert_close(projector(tokens), expected)
    assert projector.out_norm is None


def test_out_norm_puts_every_token_at_the_given_root_mean_square():
    torch.manual_seed(0)
    projector = Projector(8, 12, out_norm=True)
    words = torch.randn(100, 12) * 0.13
    projector.match_scale(words)
    out = projector(torch.randn(2, 3, 8) * 50)  # [2, 3, 12]
    rms = out.pow(2).mean(-1).sqrt()
    torch.testing.assert_close(rms, torch.full_like(rms, float(words.pow(2).mean().sqrt())), rtol=1e-3, atol=1e-4)


def test_token_norm_model_starts_at_the_word_embeddings_scale_and_survives_loading(tmp_path):
    torch.manual_seed(0)
    config = tiny_config("cross_talker")
    config = dataclasses.replace(config, connector=dataclasses.replace(config.connector, token_norm=True))
    model = build_model(config)
    words = model.llm.get_input_embeddings().weight
    gain = model.connector.projector.out_norm.weight
    torch.testing.assert_close(gain, torch.full_like(gain, float(words.pow(2).mean().sqrt())))
    with torch.no_grad():
        gain.mul_(3.0)  # as if trained: loading must keep the trained gain, not re-derive it
    model.save_pretrained(tmp_path / "m")
    loaded = type(model).from_pretrained(tmp_path / "m")
    torch.testing.assert_close(loaded.connector.projector.out_norm.weight, gain)
