"""The encoder stage's motion–caption contrastive loss: its maths, its data, its errors, and a real run."""

import math
import sys

import pytest
import torch

from llamo.data.dataset import MotionCaptionDataset
from llamo.data.schema import Record, Turn, save_records
from llamo.errors import ConfigError, DataError
from llamo.model import build_model
from llamo.model.motion_encoder import MotionEncoder
from llamo.train.config import TrainConfig
from llamo.train.objectives import EncoderObjective, MotionCaptionContrastive, soft_clip_loss
from tests.conftest import tiny_config
from tests.train.conftest import run
from tests.train.tiny_stage import write_stage


def test_soft_clip_loss_shares_the_target_between_equal_captions():
    logits = torch.full((3, 3), -10.0)
    logits[0, 0] = logits[0, 1] = logits[1, 0] = logits[1, 1] = logits[2, 2] = 10.0
    same = torch.tensor([[True, True, False], [True, True, False], [False, False, True]])
    # Motions 0 and 1 share a caption: matching either copy is right, and half-half is the best there is
    # (the targets' own entropy: log 2 for those two rows, 0 for the third, in each direction).
    assert soft_clip_loss(logits, same) == pytest.approx(2 / 3 * math.log(2), abs=1e-4)
    one_copy = logits.clone()
    one_copy[0, 1] = one_copy[1, 0] = -10.0  # each motion matches only its own copy of the shared caption
    assert soft_clip_loss(one_copy, same) > 5.0
    assert soft_clip_loss(torch.eye(3) * 20, torch.eye(3, dtype=torch.bool)) < 1e-6


def test_contrastive_training_pulls_motions_to_their_captions():
    torch.manual_seed(0)
    encoder = MotionEncoder(feature_dim=6, dim=16, depth=1, heads=2)
    loss_fn = MotionCaptionContrastive(16, torch.nn.functional.normalize(torch.randn(4, 384), dim=-1), embed_dim=8)
    features, mask = torch.randn(4, 10, 6), torch.ones(4, 10, dtype=torch.bool)
    caption = torch.arange(4)
    optimizer = torch.optim.Adam([*encoder.parameters(), *loss_fn.parameters()], lr=1e-2)
    first = loss_fn(encoder, features, mask, caption)
    for _ in range(40):
        loss = loss_fn(encoder, features, mask, caption)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert first > 1.0 and loss < 0.1 * first
    assert "captions" not in loss_fn.state_dict()  # recomputed from the data, never saved in a checkpoint


def test_padding_does_not_change_the_pooled_motion():
    torch.manual_seed(0)
    encoder = MotionEncoder(feature_dim=6, dim=16, depth=1, heads=2).eval()
    loss_fn = MotionCaptionContrastive(16, torch.randn(2, 384))
    features = torch.randn(2, 8, 6)
    short = loss_fn(encoder, features[:, :5], torch.ones(2, 5, dtype=torch.bool), torch.arange(2))
    mask = torch.arange(8)[None, :] < 5
    padded = loss_fn(encoder, features.masked_fill(~mask[..., None], 7.0), mask.expand(2, 8), torch.arange(2))
    torch.testing.assert_close(padded, short)


def caption_records(folder, answers, task="caption"):
    from llamo.motion.io import save_motion
    from llamo.motion.motion import Motion
    from tests.conftest import walking_joints

    save_motion(Motion(walking_joints(20).astype("float32"), fps=20.0), folder / "motions" / "walk.npy")
    records = [Record(id=f"r{i}", motion="motions/walk.npy", meta={"task": task},
                      conversations=(Turn("human", "<motion>\nDescribe the motion."), Turn("gpt", a)))
               for i, a in enumerate(answers)]
    return save_records(records, folder / "captions.json")


def test_caption_dataset_names_equal_captions_alike(tmp_path):
    path = caption_records(tmp_path, ["A person walks.", "A person runs.", "A person walks."])
    dataset = MotionCaptionDataset([str(path)], lambda motion: torch.zeros(motion.num_frames, 3))
    assert dataset.captions == ["A person runs.", "A person walks."]
    assert [dataset[i].caption for i in range(3)] == [1, 0, 1]
    assert dataset.lengths() == [20, 20, 20]


def test_contrastive_loss_refuses_data_and_settings_it_cannot_use(tmp_path):
    path = caption_records(tmp_path, ["4"], task="count")
    with pytest.raises(DataError, match="no caption records"):
        MotionCaptionDataset([str(path)], lambda motion: torch.zeros(motion.num_frames, 3))
    with pytest.raises(ConfigError, match="contrastive_weight"):
        TrainConfig(stage="align", out="x", data=["d.json"], contrastive_weight=1.0)
    with pytest.raises(ConfigError, match="contrastive_weight"):
        TrainConfig(stage="encoder", out="x", data=["d.json"], contrastive_weight=-0.5)
    with pytest.raises(ConfigError, match="does not use"):
        EncoderObjective(build_model(tiny_config("vq_tokens")), 0.3, torch.randn(2, 384), 1.0)


def test_encoder_stage_trains_with_captions(tmp_path, tiny_records):
    captions = tiny_records.parent / "captions_train.json"
    write_stage(tmp_path, captions, stage="encoder", trainable=["motion_encoder"], contrastive_weight=1.0,
                steps=3, batch_size=4, save_every=3)
    done = run([sys.executable, "-m", "llamo", "train", "--config", "stage.yaml"], cwd=tmp_path)
    assert (tmp_path / "run" / "model").is_dir(), done.stdout
    from safetensors.torch import load_file

    weights = load_file(tmp_path / "run" / "checkpoints" / "step_0000003" / "weights.safetensors")
    assert any(name.startswith("objective.contrastive.") for name in weights)  # heads resume with the encoder
