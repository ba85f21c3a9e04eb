"""The caption-free alignment objective (train/readout.py): its classes, its loss, its errors, and a real run."""

import sys

import pytest
import torch
from safetensors.torch import load_file

from llamo.errors import ConfigError
from llamo.model import build_model
from llamo.train.config import TrainConfig
from llamo.train.readout import (
    IGNORE,
    AnswerReadout,
    answer_classes,
    answer_key,
    build_readout,
)
from tests.conftest import tiny_config
from tests.train.conftest import run
from tests.train.tiny_stage import write_stage


def test_answers_are_the_label_ids_and_classes_rank_by_frequency():
    assert answer_key(torch.tensor([IGNORE, IGNORE, 17, 4, IGNORE])) == (17, 4)
    answers = [(3,), (1, 2), (3,), (9,), (1, 2), (3,), (5,)]
    assert answer_classes(answers, limit=3) == {(3,): 0, (1, 2): 1, (5,): 2}  # ties by ids: (5,) before (9,)


def test_the_loss_ignores_answers_outside_the_classes_and_is_zero_without_any():
    readout = AnswerReadout(8, {(3,): 0, (4,): 1})
    labels = torch.tensor([[IGNORE, 3], [IGNORE, 4], [IGNORE, 7]])
    assert readout.targets(labels).tolist() == [0, 1, IGNORE]
    tokens, mask, question = torch.randn(3, 5, 8), torch.ones(3, 5, dtype=torch.bool), torch.randn(3, 8)
    mask[0, 3:] = False
    logits = readout.logits(tokens, mask, question)
    assert logits.shape == (3, 2)
    moved = tokens.clone()
    moved[0, 3:] += 100.0  # padded tokens must not change the answer
    assert torch.allclose(readout.logits(moved, mask, question)[0], logits[0])


def test_a_readout_step_reaches_the_connector_and_not_the_llm(tiny_records):
    from llamo.data.collate import collate
    from llamo.data.dataset import ConversationDataset

    model = build_model(tiny_config())
    dataset = ConversationDataset([str(tiny_records)], model.processor, model.motion_inputs)
    readout = build_readout(model, dataset, limit=512)
    assert len(readout.classes) == len({answer_key(torch.tensor(x)) for x in dataset.answer_labels()})
    batch = collate([dataset[i] for i in range(4)], model.tokenizer.pad_token_id)
    loss = readout(model, batch)
    assert loss.ndim == 0 and torch.isfinite(loss)
    loss.backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in model.connector.parameters())
    assert all(p.grad is None for p in model.llm.parameters() if p.requires_grad and p.dim() > 1
               and p is not model.llm.get_input_embeddings().weight)


def test_the_readout_learns_the_answers_of_a_small_set(tiny_records):
    from llamo.data.collate import collate
    from llamo.data.dataset import ConversationDataset

    torch.manual_seed(0)
    model = build_model(tiny_config())
    dataset = ConversationDataset([str(tiny_records)], model.processor, model.motion_inputs)
    readout = build_readout(model, dataset, limit=512)
    batch = collate([dataset[i] for i in range(len(dataset))], model.tokenizer.pad_token_id)
    params = [*model.connector.parameters(), *model.enhancer.parameters(), *readout.parameters()]
    optimizer = torch.optim.AdamW(params, 3e-3)
    losses = []
    for _ in range(40):
        loss = readout(model, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0], losses[::10]


def test_the_objective_is_refused_where_it_cannot_work():
    with pytest.raises(ConfigError, match="objective='answer_readout' in the instruct stage"):
        TrainConfig(stage="instruct", out="x", data=["d.json"], objective="answer_readout")
    with pytest.raises(ConfigError, match="objective='nope'"):
        TrainConfig(stage="align", out="x", data=["d.json"], objective="nope")
    with pytest.raises(ConfigError, match="readout_classes"):
        TrainConfig(stage="align", out="x", data=["d.json"], objective="answer_readout", readout_classes=0)
    with pytest.raises(ConfigError, match="'text_only' connector does not"):
        build_readout(build_model(tiny_config("text_only")), dataset=None, limit=4)
    with pytest.raises(ConfigError, match="no answers"):
        AnswerReadout(8, {})


def test_an_align_stage_with_the_readout_trains_and_checkpoints_its_head(tmp_path, tiny_records):
    write_stage(tmp_path, tiny_records, stage="align", objective="answer_readout",
                trainable=["enhancer", "connector"], steps=6, batch_size=4, save_every=3, lr=3e-3)
    done = run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=tmp_path)
    assert (tmp_path / "run" / "model" / "config.json").is_file(), done.stdout
    weights = load_file(tmp_path / "run" / "checkpoints" / "step_0000006" / "weights.safetensors")
    assert any(name.startswith("objective.mlp.") for name in weights)  # the head resumes with the connector
    assert not any("lora" in name for name in weights)
