"""Connectors: how motion reaches the LLM, chosen by `connector.kind` so the paper's comparison runs in one code.

    cross_talker  LLaMo: encoder → enhancer → Cross Talker keeps K instruction-selected frames → projector
    uniform       encoder → enhancer → K equal segments mean-pooled → the same projector (no selection)
    all_frames    MotionLLM-style: encoder → enhancer → every `stride` frames average-pooled → linear projection
    vq_tokens     MotionGPT-style: VQ-VAE codes of the raw features, fed as new vocabulary tokens <|motion_i|>
    motion_text   encoder-free: no motion tokens; the processor writes the motion into the prompt as text
                  (`motion_writer`, data/motion_text.py)
    text_only     no motion tokens (a floor: what the question alone gives away)

Legend: B batch, T frames, F features, D_m motion width, L text tokens, D LLM width, K' motion tokens.
Each returns exactly `ConnectorConfig.token_count(T_i)` valid tokens per sample, in temporal order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import torch
from torch import nn

from ..data.motion_text import describe_motion
from ..motion.motion import Motion
from .configuration import LlamoConfig
from .cross_talker import CrossTalker, segment_membership, segment_pool
from .projector import Projector
from .vq import MotionVQVAE


def code_tokens(config: LlamoConfig) -> list[str]:
    """Vocabulary added for the vq_tokens connector: one token per VQ-VAE code (empty for other connectors)."""
    return [f"<|motion_{i}|>" for i in range(config.connector.codebook_size)] if config.connector.kind == "vq_tokens" \
        else []


@dataclass
class MotionInputs:
    """features [B, T, F] normalised; mask [B, T]; hidden [B, T, D_m] (encoder + enhancer, or None);
    text [B, L, D] instruction embeddings; text_mask [B, L]; source_frames [B] long: each motion's own frame count
    when the features are a subsample of it (None: the features are every frame)."""

    features: torch.Tensor
    mask: torch.Tensor
    hidden: torch.Tensor | None
    text: torch.Tensor
    text_mask: torch.Tensor
    source_frames: torch.Tensor | None = None


@dataclass
class ConnectorOutput:
    """Either embeds [B, K', D] or token_ids [B, K'] (vocabulary ids the LLM embeds itself); mask [B, K'] marks
    real tokens; frame_indices [B, K'] the first frame each token stands for (−1 at padding)."""

    mask: torch.Tensor
    frame_indices: torch.Tensor
    embeds: torch.Tensor | None = None
    token_ids: torch.Tensor | None = None


class CrossTalkerConnector(nn.Module):
    def __init__(self, config: LlamoConfig, llm_dim: int):
        super().__init__()
        c, dim = config.connector, config.motion_encoder.dim
        self.talker = CrossTalker(dim, llm_dim, c.num_tokens, heads=c.heads, num_segments=c.num_segments,
                                  max_window_ratio=c.max_window_ratio, selection=c.selection,
                                  time_stamps=c.time_stamps, part_pooling=c.part_pooling, zero_init=c.zero_init,
                                  sum_context=c.sum_context, sum_value=c.sum_value)
        self.projector = Projector(dim, llm_dim)

    def forward(self, x: MotionInputs) -> ConnectorOutput:
        out = self.talker(x.hidden, x.mask, x.text, x.text_mask, x.source_frames)
        return ConnectorOutput(out.token_mask, out.indices, embeds=self.projector(out.tokens))


class UniformConnector(nn.Module):
    """The Cross Talker without selection: K' = min(K, T_i) contiguous, near-equal segments mean-pooled, through
    the Cross Talker's projector, so what selection adds is measured at the same token count."""

    def __init__(self, config: LlamoConfig, llm_dim: int):
        super().__init__()
        self.num_tokens = config.connector.num_tokens
        self.projector = Projector(config.motion_encoder.dim, llm_dim)

    def forward(self, x: MotionInputs) -> ConnectorOutput:
        k = min(self.num_tokens, int(x.mask.sum(1).max()))
        pooled, mask = segment_pool(x.hidden, x.mask, k)  # [B, K', D_m], [B, K']
        starts = segment_membership(x.mask, k).float().argmax(1)  # [B, K'] each segment's first frame
        return ConnectorOutput(mask, torch.where(mask, starts, -1), embeds=self.projector(pooled))


class AllFramesConnector(nn.Module):
    def __init__(self, config: LlamoConfig, llm_dim: int):
        super().__init__()
        self.stride = config.connector.stride
        self.projection = nn.Linear(config.motion_encoder.dim, llm_dim)

    def forward(self, x: MotionInputs) -> ConnectorOutput:
        b, t, d = x.hidden.shape
        k = -(-t // self.stride)
        pad = k * self.stride - t
        hidden = nn.functional.pad(x.hidden * x.mask[..., None], (0, 0, 0, pad)).view(b, k, self.stride, d)
        counts = nn.functional.pad(x.mask, (0, pad)).view(b, k, self.stride).sum(-1)  # [B, K']
        pooled = hidden.sum(2) / counts.clamp(min=1)[..., None]  # [B, K', D_m], mean over valid frames
        starts = torch.arange(k, device=x.mask.device) * self.stride
        mask = counts > 0
        return ConnectorOutput(mask, torch.where(mask, starts, -1), embeds=self.projection(pooled))


class VQTokensConnector(nn.Module):
    def __init__(self, config: LlamoConfig, code_offset: int):
        super().__init__()
        c = config.connector
        self.vq = MotionVQVAE(config.feature_dim, dim=c.vq_dim, codebook_size=c.codebook_size,
                              downsample=c.vq_downsample)
        self.code_offset = code_offset
        self.downsample = c.vq_downsample

    def forward(self, x: MotionInputs) -> ConnectorOutput:
        codes, mask = self.vq.encode(x.features, x.mask)  # [B, K'] each
        starts = torch.arange(codes.shape[1], device=codes.device) * self.downsample
        return ConnectorOutput(mask, torch.where(mask, starts, -1), token_ids=codes + self.code_offset)


class TextOnlyConnector(nn.Module):
    def forward(self, x: MotionInputs) -> ConnectorOutput:
        empty = torch.zeros(x.mask.shape[0], 0, dtype=torch.long, device=x.mask.device)
        return ConnectorOutput(empty.bool(), empty, token_ids=empty)


def build_connector(config: LlamoConfig, llm_dim: int, code_offset: int) -> nn.Module:
    builders = {
        "cross_talker": lambda: CrossTalkerConnector(config, llm_dim),
        "uniform": lambda: UniformConnector(config, llm_dim),
        "all_frames": lambda: AllFramesConnector(config, llm_dim),
        "vq_tokens": lambda: VQTokensConnector(config, code_offset),
        "motion_text": TextOnlyConnector,  # the motion arrives as prompt text, so no tokens are spliced
        "text_only": TextOnlyConnector,
    }
    return builders[config.connector.kind]()


def motion_writer(config: LlamoConfig) -> Callable[[Motion], str] | None:
    """What writes a motion into the prompt as text: the motion_text connector's `describe_motion` at its window;
    None for the connectors whose motion arrives as placeholder tokens."""
    if config.connector.kind != "motion_text":
        return None
    return partial(describe_motion, window=config.connector.text_window)


def uses_motion_encoder(config: LlamoConfig) -> bool:
    """Whether the connector reads encoder features (vq_tokens encodes raw features; text_only reads nothing)."""
    return config.connector.kind in ("cross_talker", "uniform", "all_frames")
