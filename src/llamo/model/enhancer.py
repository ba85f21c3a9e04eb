"""MotionFeatureEnhancer: fuse video features into motion features (LLaMo, "Motion Feature Enhancer").

Per layer: temporal self-attention inside each stream (motion; video after projection to D_m), then
cross-attention with motion as queries and video as keys/values, then an MLP; pre-norm residuals
throughout. Without video only the motion self-attention and MLP run, so motion-only data needs no dummy
video. In a mixed batch, a sample whose video mask is all False gets no video contribution.

Shapes: B batch, T motion frames, N video frames, D_m motion width, D_v video feature width.
Masks are bool with True = valid (not padding).
"""

import torch
from torch import nn


class EnhancerBlock(nn.Module):
    """One enhancer layer. Modules named `video_*` / `cross_*` exist only with a video branch and run only
    when video is given."""

    def __init__(self, dim: int, heads: int, dropout: float, with_video: bool = True) -> None:
        super().__init__()
        self.motion_norm = nn.LayerNorm(dim)
        self.motion_attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        if with_video:
            self.add_video(dim, heads, dropout)
        self.mlp_norm = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim), nn.Dropout(dropout))

    def add_video(self, dim: int, heads: int, dropout: float) -> None:
        """The video self-attention and the motion-to-video cross-attention."""
        self.video_norm = nn.LayerNorm(dim)
        self.video_attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.cross_query_norm = nn.LayerNorm(dim)
        self.cross_video_norm = nn.LayerNorm(dim)
        self.cross_attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)

    def forward(
        self,
        motion: torch.Tensor,
        motion_mask: torch.Tensor,
        video: torch.Tensor | None,
        video_mask: torch.Tensor | None,
        video_gate: torch.Tensor | None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """motion [B, T, D_m], video [B, N, D_m] or None, video_gate [B, 1, 1] → (motion, video), same shapes."""
        h = self.motion_norm(motion)
        motion = motion + self.motion_attn(h, h, h, key_padding_mask=~motion_mask, need_weights=False)[0]
        if video is not None:
            v = self.video_norm(video)
            video = video + self.video_attn(v, v, v, key_padding_mask=~video_mask, need_weights=False)[0]
            q, kv = self.cross_query_norm(motion), self.cross_video_norm(video)
            cross = self.cross_attn(q, kv, kv, key_padding_mask=~video_mask, need_weights=False)[0]  # [B, T, D_m]
            motion = motion + video_gate * cross
        motion = motion + self.mlp(self.mlp_norm(motion))
        return motion, video


class MotionFeatureEnhancer(nn.Module):
    """Motion features enhanced with video context.

    Args:
        dim: D_m, the motion width (input and output).
        video_dim: D_v, the video encoder's feature width; None builds a motion-only enhancer.
        depth: number of enhancer layers.
        heads: attention heads; must divide `dim`.
        dropout: dropout in attention and MLP.
    """

    def __init__(self, dim: int, video_dim: int | None, depth: int = 1, heads: int = 4, dropout: float = 0.0) -> None:
        super().__init__()
        self.dim, self.heads, self.dropout = dim, heads, dropout
        self.video_proj = nn.Linear(video_dim, dim) if video_dim is not None else None
        self.blocks = nn.ModuleList(EnhancerBlock(dim, heads, dropout, video_dim is not None) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)

    def add_video_branch(self, video_dim: int) -> None:
        """Give a motion-only enhancer (trained or not) a video branch. The cross-attention's output projection
        starts at zero, so until it trains the enhancer gives exactly what it gave without video."""
        if self.video_proj is not None:
            raise ValueError("this enhancer already has a video branch")
        self.video_proj = nn.Linear(video_dim, self.dim)
        for block in self.blocks:
            block.add_video(self.dim, self.heads, self.dropout)
            nn.init.zeros_(block.cross_attn.out_proj.weight)
            nn.init.zeros_(block.cross_attn.out_proj.bias)

    def forward(
        self,
        motion: torch.Tensor,
        motion_mask: torch.Tensor,
        video: torch.Tensor | None = None,
        video_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """motion [B, T, D_m], motion_mask [B, T], video [B, N, D_v] | None, video_mask [B, N] | None → [B, T, D_m].

        A missing `video_mask` means every video frame is valid. Padded motion frames come out as zeros.
        """
        video_gate = None
        if video is not None and self.video_proj is None:
            raise ValueError("this enhancer was built without a video branch (video_dim=None) but got video")
        if video is not None:
            if video_mask is None:
                video_mask = torch.ones(video.shape[:2], dtype=torch.bool, device=video.device)  # [B, N]
            has_video = video_mask.any(1)  # [B]
            # A sample without video attends over all (finite) rows and is gated off, instead of taking a
            # softmax over an empty set, which would give NaN and spread it through the batch.
            video_mask = video_mask | ~has_video[:, None]  # [B, N]
            video_gate = has_video[:, None, None].to(motion.dtype)  # [B, 1, 1]
            video = self.video_proj(video)  # [B, N, D_m]
        for block in self.blocks:
            motion, video = block(motion, motion_mask, video, video_mask, video_gate)
        return self.norm(motion).masked_fill(~motion_mask[..., None], 0.0)
