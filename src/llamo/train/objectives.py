"""Training objectives per stage. The LLM stages use the LM's next-token loss on answers; the encoder stage
pre-trains the motion encoder by masked motion modelling (hide frames, reconstruct their normalised features)
and, for the vq_tokens baseline, the VQ-VAE by its reconstruction + commitment loss.

Legend: B batch, T frames, F features, D_m motion width.
"""

import torch
from torch import nn

from ..model.connectors import uses_motion_encoder


class MaskedMotionModelling(nn.Module):
    """A learned mask vector replaces hidden frames' features; a linear head reconstructs them."""

    def __init__(self, feature_dim: int, dim: int, mask_ratio: float):
        super().__init__()
        self.mask_vector = nn.Parameter(torch.zeros(feature_dim))
        self.head = nn.Linear(dim, feature_dim)
        self.mask_ratio = mask_ratio

    def forward(self, encoder: nn.Module, features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean squared error over hidden valid frames. features [B, T, F] normalised, mask [B, T]."""
        hidden = (torch.rand(mask.shape, device=mask.device) < self.mask_ratio) & mask  # [B, T]
        inputs = torch.where(hidden[..., None], self.mask_vector.to(features.dtype), features)
        recon = self.head(encoder(inputs, mask))  # [B, T, F]
        return ((recon - features) ** 2).mean(-1)[hidden].mean()


class EncoderObjective(nn.Module):
    """The encoder stage's loss for whatever the connector needs pre-trained."""

    def __init__(self, model: nn.Module, mask_ratio: float):
        super().__init__()
        self.mmm = MaskedMotionModelling(model.config.feature_dim, model.config.motion_encoder.dim, mask_ratio) \
            if uses_motion_encoder(model.config) else None

    def forward(self, model: nn.Module, batch: dict) -> torch.Tensor:
        features = (batch["motion"] - model.feature_mean) / model.feature_std  # [B, T, F]
        loss = features.new_zeros(())
        if self.mmm is not None:
            loss = loss + self.mmm(model.motion_encoder, features, batch["motion_mask"])
        if model.config.connector.kind == "vq_tokens":
            loss = loss + model.connector.vq(features, batch["motion_mask"]).loss
        return loss
