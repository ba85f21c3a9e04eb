"""Training objectives per stage. The LLM stages use the LM's next-token loss on answers; the encoder stage
pre-trains the motion encoder by masked motion modelling (hide frames, reconstruct their normalised features),
optionally plus a motion–caption contrastive loss (CLIP-style InfoNCE against frozen all-MiniLM caption
embeddings, as TMR/MotionCLIP align motion with text), and, for the vq_tokens baseline, the VQ-VAE by its
reconstruction + commitment loss.

Legend: B batch, T frames, F features, D_m motion width, N distinct captions, E shared embedding width.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
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


def soft_clip_loss(logits: torch.Tensor, positives: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE where a row may have several positives (equal captions in one batch share the target).

    logits [B, B] (motion i against caption j), positives [B, B] bool with a True diagonal → scalar.
    """
    targets = positives.to(logits.dtype)
    motion_to_text = -(targets / targets.sum(1, keepdim=True) * logits.log_softmax(1)).sum(1).mean()
    text_to_motion = -(targets / targets.sum(0, keepdim=True) * logits.log_softmax(0)).sum(0).mean()
    return (motion_to_text + text_to_motion) / 2


class MotionCaptionContrastive(nn.Module):
    """Mean-pooled encoder output and the caption's sentence embedding meet in a shared space (CLIP's loss).

    Args:
        dim: D_m, the motion encoder's width.
        captions: [N, 384] the frozen all-MiniLM embeddings of the dataset's distinct captions (not saved).
        embed_dim: E, the shared space's width.
    """

    def __init__(self, dim: int, captions: torch.Tensor, embed_dim: int = 256):
        super().__init__()
        self.register_buffer("captions", captions, persistent=False)
        self.motion_head = nn.Linear(dim, embed_dim)
        self.text_head = nn.Linear(captions.shape[1], embed_dim)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))  # CLIP's initial temperature

    def forward(self, encoder: nn.Module, features: torch.Tensor, mask: torch.Tensor,
                caption: torch.Tensor) -> torch.Tensor:
        """features [B, T, F] normalised, mask [B, T], caption [B] indices into `captions` → scalar loss."""
        hidden = encoder(features, mask)  # [B, T, D_m], zeros at padding
        pooled = hidden.sum(1) / mask.sum(1, keepdim=True).to(hidden.dtype)  # [B, D_m]
        motion = F.normalize(self.motion_head(pooled), dim=-1)  # [B, E]
        text = F.normalize(self.text_head(self.captions[caption].to(hidden.dtype)), dim=-1)  # [B, E]
        logits = self.logit_scale.exp().clamp(max=100.0) * motion @ text.T  # [B, B]
        return soft_clip_loss(logits, caption[:, None] == caption[None, :])


class EncoderObjective(nn.Module):
    """The encoder stage's loss for whatever the connector needs pre-trained.

    captions: [N, 384] caption embeddings for the contrastive loss, which is added with `contrastive_weight`
    (batches then carry "caption" indices); None for masked motion modelling alone.
    """

    def __init__(self, model: nn.Module, mask_ratio: float, captions: torch.Tensor | None = None,
                 contrastive_weight: float = 0.0):
        super().__init__()
        has_encoder = uses_motion_encoder(model.config)
        if captions is not None and not has_encoder:
            raise ConfigError(f"contrastive_weight > 0 trains the motion encoder, which the "
                              f"{model.config.connector.kind!r} connector does not use; set contrastive_weight=0")
        dim = model.config.motion_encoder.dim
        self.mmm = MaskedMotionModelling(model.config.feature_dim, dim, mask_ratio) if has_encoder else None
        self.contrastive = MotionCaptionContrastive(dim, captions) if captions is not None else None
        self.contrastive_weight = contrastive_weight

    def forward(self, model: nn.Module, batch: dict) -> torch.Tensor:
        features = (batch["motion"] - model.feature_mean) / model.feature_std  # [B, T, F]
        loss = features.new_zeros(())
        if self.mmm is not None:
            loss = loss + self.mmm(model.motion_encoder, features, batch["motion_mask"])
        if self.contrastive is not None:
            loss = loss + self.contrastive_weight * self.contrastive(
                model.motion_encoder, features, batch["motion_mask"], batch["caption"])
        if model.config.connector.kind == "vq_tokens":
            loss = loss + model.connector.vq(features, batch["motion_mask"]).loss
        return loss
