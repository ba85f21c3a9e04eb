"""Video encoders: frames → one feature vector per frame, for the video branch of LLaMo's Cross-Talker.

`HFVisionEncoder` wraps a pretrained Hugging Face CLIP or SigLIP vision tower, frozen as in LLaMo;
`TinyVideoEncoder` is a small CNN trained from scratch, for tests and for machines without pretrained weights.
Shapes: B batch, N frames per clip, H, W frame height and width (pixels), D_v the encoder's feature width.
"""

import json
from itertools import pairwise
from pathlib import Path
from typing import Protocol, runtime_checkable

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from transformers import (
    AutoConfig,
    CLIPVisionModel,
    PretrainedConfig,
    PreTrainedModel,
    SiglipVisionModel,
)
from transformers.utils import cached_file

from ..errors import ConfigError

# CLIP's ImageNet-derived pixel statistics, used when a tower's folder has no preprocessor_config.json.
CLIP_MEAN, CLIP_STD = (0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711)
# Vision-tower model_type → (class, whether its first token is a CLS token). SigLIP has no CLS token.
TOWERS: dict[str, tuple[type[PreTrainedModel], bool]] = {
    "clip_vision_model": (CLIPVisionModel, True),
    "siglip_vision_model": (SiglipVisionModel, False),
}
# Full image-text model_type → its vision tower's model_type (the tower is read from `vision_config`).
FULL_MODELS = {"clip": "clip_vision_model", "siglip": "siglip_vision_model"}


@runtime_checkable
class VideoEncoder(Protocol):
    """What the model needs from a video encoder."""

    dim: int  # D_v

    def __call__(self, frames: Tensor) -> Tensor:
        """frames: float [B, N, 3, H, W] in [0, 1] → features [B, N, D_v]."""
        ...


def resize(images: Tensor, size: int) -> Tensor:
    """images [M, 3, H, W] → [M, 3, size, size], bilinear with antialiasing (a no-op at the right size)."""
    if images.shape[-2:] == (size, size):
        return images
    return F.interpolate(images, size=(size, size), mode="bilinear", antialias=True, align_corners=False)


def _vision_config(name_or_path: str) -> PretrainedConfig:
    """The vision tower's config, from a tower-only or a full CLIP/SigLIP config."""
    config = AutoConfig.from_pretrained(name_or_path)
    if config.model_type in FULL_MODELS:
        config = config.vision_config
    if config.model_type not in TOWERS:
        accepted = ", ".join([*TOWERS, *FULL_MODELS])
        raise ConfigError(f"{name_or_path}: model_type '{config.model_type}' is not a supported vision tower; "
                          f"accepted model types: {accepted}")
    return config


def _pixel_stats(name_or_path: str) -> tuple[list[float], list[float]]:
    """(mean, std) per RGB channel from the tower's preprocessor_config.json (local folder or hub cache), else
    CLIP's. SigLIP's differ (0.5, 0.5, 0.5), so the file matters when it exists."""
    file = cached_file(name_or_path, "preprocessor_config.json", _raise_exceptions_for_missing_entries=False,
                       _raise_exceptions_for_connection_errors=False)
    if file is None:
        return list(CLIP_MEAN), list(CLIP_STD)
    stats = json.loads(Path(file).read_text())
    return stats.get("image_mean", list(CLIP_MEAN)), stats.get("image_std", list(CLIP_STD))


class HFVisionEncoder(nn.Module):
    """A Hugging Face CLIP/SigLIP vision tower applied per frame, loaded by hub name or local path.

    Per-frame feature: the CLS token of hidden_states[select_layer] when `use_cls` and the tower has one
    (CLIP), else the mean of its patch tokens (always for SigLIP). Frozen (no gradients, eval mode) unless
    `frozen=False`.
    """

    def __init__(self, name_or_path: str, select_layer: int = -2, use_cls: bool = True, frozen: bool = True) -> None:
        super().__init__()
        config = _vision_config(name_or_path)
        tower_class, has_cls = TOWERS[config.model_type]
        self.tower = tower_class.from_pretrained(name_or_path, config=config)
        self.select_layer, self.use_cls, self.has_cls, self.frozen = select_layer, use_cls and has_cls, has_cls, frozen
        self.image_size, self.dim = int(config.image_size), int(config.hidden_size)
        mean, std = _pixel_stats(name_or_path)
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1), persistent=False)
        if frozen:
            self.tower.requires_grad_(False)
            self.tower.eval()

    def train(self, mode: bool = True) -> "HFVisionEncoder":
        """A frozen tower stays in eval mode, so a parent's .train() cannot switch its dropout back on."""
        super().train(mode)
        if self.frozen:
            self.tower.eval()
        return self

    def forward(self, frames: Tensor) -> Tensor:
        """frames: float [B, N, 3, H, W] in [0, 1] → features [B, N, D_v]."""
        b, n = frames.shape[:2]
        images = resize(frames.flatten(0, 1), self.image_size)  # [B*N, 3, S, S]
        images = ((images - self.mean) / self.std).to(self.tower.dtype)
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.frozen):
            hidden = self.tower(pixel_values=images, output_hidden_states=True).hidden_states[self.select_layer]
        # hidden: [B*N, 1 + P, D_v] with a CLS token, else [B*N, P, D_v]
        feats = hidden[:, 0] if self.use_cls else hidden[:, int(self.has_cls):].mean(1)  # [B*N, D_v]
        return feats.view(b, n, self.dim)


class TinyVideoEncoder(nn.Module):
    """A small per-frame CNN: stride-2 conv → GroupNorm → GELU blocks, average pool to a `grid` × `grid` map,
    linear to `dim`.

    No pretrained image weights are available offline, so it learns from scratch; GroupNorm rather than
    BatchNorm keeps frames independent of their batch. The pooled map keeps where in the frame things are (a
    global average would not: a person walking across the image would give the same feature on every frame).
    Any H, W is resized to image_size × image_size first.
    """

    def __init__(self, dim: int = 128, image_size: int = 64, channels: tuple[int, ...] = (16, 32, 64),
                 grid: int = 4) -> None:
        super().__init__()
        if not channels:
            raise ConfigError("TinyVideoEncoder needs at least one conv block; got channels=()")
        self.dim, self.image_size = dim, image_size
        widths = (3, *channels)
        self.blocks = nn.Sequential(*[
            nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.GroupNorm(1, c_out), nn.GELU())
            for c_in, c_out in pairwise(widths)
        ])
        self.pool = nn.AdaptiveAvgPool2d(grid)
        self.out = nn.Linear(channels[-1] * grid * grid, dim)

    def forward(self, frames: Tensor) -> Tensor:
        """frames: float [B, N, 3, H, W] in [0, 1] → features [B, N, dim]."""
        b, n = frames.shape[:2]
        images = resize(frames.flatten(0, 1), self.image_size) * 2 - 1  # [B*N, 3, S, S] in [-1, 1]
        pooled = self.pool(self.blocks(images)).flatten(1)  # [B*N, C * grid * grid]
        return self.out(pooled).view(b, n, self.dim)


def _build_tiny(name_or_path: str | None, dim: int, image_size: int) -> TinyVideoEncoder:
    return TinyVideoEncoder(dim=dim, image_size=image_size)


def _build_hf(name_or_path: str | None, dim: int, image_size: int) -> HFVisionEncoder:
    """dim and image_size come from the tower's own config, so the arguments are not used."""
    if not name_or_path:
        raise ConfigError("video encoder 'hf' needs name_or_path: a Hugging Face CLIP/SigLIP name or local folder")
    return HFVisionEncoder(name_or_path)


BUILDERS = {"tiny": _build_tiny, "hf": _build_hf}


def build_video_encoder(kind: str, name_or_path: str | None, dim: int, image_size: int) -> VideoEncoder:
    """The video encoder named by `kind` ("tiny" or "hf"). dim/image_size apply to "tiny" only."""
    if kind not in BUILDERS:
        raise ConfigError(f"unknown video encoder '{kind}'; accepted kinds: {', '.join(BUILDERS)}")
    return BUILDERS[kind](name_or_path, dim, image_size)
