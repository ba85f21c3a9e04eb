"""MotionEncoder: the per-frame motion encoder f_m (LLaMo, "Encoders"), a continuous temporal transformer.

Motion stays continuous (no VQ codes, unlike MotionGPT): features are projected, given sinusoidal positions
and mixed by pre-norm transformer layers. Padding frames are masked out of attention, so they never change
the outputs of valid frames. Pre-trained in its own stage, then frozen.

Shapes: B batch, T motion frames, F motion feature width (137), D_m motion width.
Masks are bool with True = valid (not padding).
"""

import math

import torch
from torch import nn


def sinusoidal_positions(frames: int, dim: int) -> torch.Tensor:
    """The sine/cosine position table of Vaswani et al. (2017): [frames, dim]."""
    position = torch.arange(frames, dtype=torch.float32)[:, None]  # [T, 1]
    freqs = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))  # [ceil(D_m/2)]
    table = torch.zeros(frames, dim)  # [T, D_m]
    table[:, 0::2] = torch.sin(position * freqs)
    table[:, 1::2] = torch.cos(position * freqs[: dim // 2])  # an odd width has one fewer cosine column
    return table


class MotionEncoder(nn.Module):
    """Continuous temporal transformer over motion features.

    Args:
        feature_dim: F, the width of one frame's features (137 for llamo's feature function).
        dim: D_m, the model width.
        depth: number of transformer layers.
        heads: attention heads per layer; must divide `dim`.
        dropout: dropout inside the layers.
        max_frames: length of the cached position table; longer motions get a table computed on the fly.
    """

    def __init__(
        self, feature_dim: int, dim: int, depth: int = 4, heads: int = 4, dropout: float = 0.0, max_frames: int = 2048
    ) -> None:
        super().__init__()
        self.input_proj = nn.Linear(feature_dim, dim)
        # Not persistent: the table is a pure function of (max_frames, dim), so checkpoints need not carry it.
        self.register_buffer("positions", sinusoidal_positions(max_frames, dim), persistent=False)
        # Built one by one, not with nn.TransformerEncoder, whose deepcopy gives every layer the same init.
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(
                dim, heads, 4 * dim, dropout, activation="gelu", batch_first=True, norm_first=True
            )
            for _ in range(depth)
        )
        self.norm = nn.LayerNorm(dim)

    def forward(self, features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """features [B, T, F] float, mask [B, T] bool → [B, T, D_m]; padded frames come out as zeros.

        Every sample needs at least one valid frame (attention over an empty set is undefined).
        """
        frames, dim = features.shape[1], self.positions.shape[1]
        if frames <= self.positions.shape[0]:
            positions = self.positions[:frames]  # [T, D_m]
        else:
            positions = sinusoidal_positions(frames, dim).to(features.device)  # [T, D_m]
        x = self.input_proj(features) + positions.to(features.dtype)  # [B, T, D_m]
        padding = ~mask  # [B, T], True = padding, as nn.TransformerEncoderLayer expects
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=padding)
        x = self.norm(x)
        # Padded rows hold meaningless values; zero them so no consumer can pick them up by accident.
        return x.masked_fill(padding[..., None], 0.0)
