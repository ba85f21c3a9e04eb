"""Video encoders: tiny random CLIP/SigLIP towers saved and loaded back by path (offline), the tiny CNN,
and the builder table."""

import json

import pytest
import torch
from transformers import (
    BertConfig,
    CLIPConfig,
    CLIPModel,
    CLIPVisionConfig,
    CLIPVisionModel,
    SiglipVisionConfig,
    SiglipVisionModel,
)

from llamo.errors import ConfigError
from llamo.model.video_encoder import (
    CLIP_MEAN,
    HFVisionEncoder,
    TinyVideoEncoder,
    VideoEncoder,
    build_video_encoder,
)

TOWER = {"hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2, "num_attention_heads": 2,
         "image_size": 32, "patch_size": 8}


def frames(b: int = 2, n: int = 3, h: int = 40, w: int = 48) -> torch.Tensor:
    """Random frames [B, N, 3, H, W] in [0, 1], deliberately not the towers' 32 × 32."""
    return torch.rand(b, n, 3, h, w, generator=torch.Generator().manual_seed(0))


@pytest.fixture
def clip_dir(tmp_path):
    torch.manual_seed(0)
    CLIPVisionModel(CLIPVisionConfig(**TOWER)).save_pretrained(tmp_path)
    return tmp_path


def test_clip_tower_loads_by_path_and_gives_cls_features(clip_dir):
    encoder = HFVisionEncoder(str(clip_dir))
    saved = CLIPVisionModel.from_pretrained(clip_dir)
    assert torch.equal(encoder.tower.embeddings.patch_embedding.weight,
                       saved.embeddings.patch_embedding.weight)
    out = encoder(frames())
    assert out.shape == (2, 3, 32) and encoder.dim == 32 and isinstance(encoder, VideoEncoder)
    assert encoder.mean.flatten().tolist() == pytest.approx(CLIP_MEAN)
    pixels = (torch.nn.functional.interpolate(frames().flatten(0, 1), size=32, mode="bilinear", antialias=True)
              - encoder.mean) / encoder.std
    expected = saved(pixel_values=pixels, output_hidden_states=True).hidden_states[-2][:, 0]  # [B*N, 32]
    torch.testing.assert_close(out.flatten(0, 1), expected)


def test_clip_tower_is_frozen_and_stays_in_eval_mode(clip_dir):
    encoder = HFVisionEncoder(str(clip_dir))
    encoder.train()
    assert not encoder.tower.training
    assert not any(p.requires_grad for p in encoder.parameters())
    assert not encoder(frames()).requires_grad
    trainable = HFVisionEncoder(str(clip_dir), frozen=False)
    assert trainable(frames()).requires_grad


def test_clip_tower_can_mean_pool_patches_instead(clip_dir):
    cls = HFVisionEncoder(str(clip_dir))(frames())
    pooled = HFVisionEncoder(str(clip_dir), use_cls=False)(frames())
    assert pooled.shape == cls.shape and not torch.allclose(pooled, cls)


def test_siglip_tower_mean_pools_and_reads_its_pixel_statistics(tmp_path):
    SiglipVisionModel(SiglipVisionConfig(**TOWER)).save_pretrained(tmp_path)
    (tmp_path / "preprocessor_config.json").write_text(json.dumps({"image_mean": [0.5] * 3, "image_std": [0.5] * 3}))
    encoder = HFVisionEncoder(str(tmp_path), select_layer=-1)
    assert encoder(frames(1, 2)).shape == (1, 2, 32)
    assert encoder.mean.flatten().tolist() == [0.5] * 3 and encoder.std.flatten().tolist() == [0.5] * 3


def test_a_full_clip_checkpoint_gives_its_vision_tower(tmp_path):
    text = {**TOWER, "vocab_size": 99, "max_position_embeddings": 16}
    del text["image_size"], text["patch_size"]
    full = CLIPModel(CLIPConfig(text_config=text, vision_config=TOWER, projection_dim=16))
    full.save_pretrained(tmp_path)
    encoder = HFVisionEncoder(str(tmp_path))
    assert encoder(frames(1, 2)).shape == (1, 2, 32)
    assert torch.equal(encoder.tower.post_layernorm.weight, full.vision_model.post_layernorm.weight)
    assert torch.equal(encoder.tower.embeddings.patch_embedding.weight,
                       full.vision_model.embeddings.patch_embedding.weight)


def test_a_non_vision_checkpoint_is_refused_with_the_accepted_types(tmp_path):
    BertConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2).save_pretrained(tmp_path)
    with pytest.raises(ConfigError, match="'bert'.*clip_vision_model, siglip_vision_model, clip, siglip"):
        HFVisionEncoder(str(tmp_path))


def test_tiny_encoder_shapes_for_any_frame_size():
    encoder = TinyVideoEncoder(dim=16, image_size=32, channels=(4, 8))
    assert encoder(frames(2, 3, 40, 48)).shape == (2, 3, 16)
    assert encoder(frames(1, 5, 32, 32)).shape == (1, 5, 16)
    assert isinstance(encoder, VideoEncoder)


def test_tiny_encoder_passes_gradients_to_every_parameter():
    torch.manual_seed(0)
    encoder = TinyVideoEncoder(dim=16, image_size=32, channels=(4, 8))
    encoder(frames()).pow(2).mean().backward()
    for name, p in encoder.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_builder_table(clip_dir):
    tiny = build_video_encoder("tiny", None, dim=24, image_size=32)
    assert isinstance(tiny, TinyVideoEncoder) and tiny.dim == 24 and tiny.image_size == 32
    assert build_video_encoder("hf", str(clip_dir), dim=999, image_size=999).dim == 32  # the tower decides
    with pytest.raises(ConfigError, match="accepted kinds: tiny, hf"):
        build_video_encoder("resnet", None, dim=24, image_size=32)
    with pytest.raises(ConfigError, match="needs name_or_path"):
        build_video_encoder("hf", None, dim=24, image_size=32)
