"""Projector: motion tokens into the LLM's embedding space (LLaVA-1.5's `mlp2x_gelu`), optionally ending in an
RMSNorm whose gain starts at the LM's embedding RMS, so motion tokens enter at the scale of word embeddings
(without it, trained projectors were measured putting out vectors 10-50× the norm of a word embedding).

Shapes: B batch, K motion tokens, D_m motion width, D LLM width.
"""

import torch
from torch import nn


class Projector(nn.Module):
    """Linear → GELU → Linear, [B, K, D_m] → [B, K, D].

    Args:
        in_dim: D_m, the motion token width.
        out_dim: D, the LLM's hidden size.
        hidden_dim: width between the two layers; defaults to `out_dim`, as in LLaVA-1.5.
        out_rms: the output RMSNorm's initial gain (the LM's embedding RMS); None: no output norm.
    """

    def __init__(self, in_dim: int, out_dim: int, hidden_dim: int | None = None, out_rms: float | None = None) -> None:
        super().__init__()
        hidden_dim = out_dim if hidden_dim is None else hidden_dim
        self.linear_1 = nn.Linear(in_dim, hidden_dim)
        self.act = nn.GELU()
        self.linear_2 = nn.Linear(hidden_dim, out_dim)
        self.norm = scaled_rms_norm(out_dim, out_rms) if out_rms is not None else nn.Identity()

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens [B, K, D_m] → [B, K, D]."""
        return self.norm(self.linear_2(self.act(self.linear_1(tokens))))


def scaled_rms_norm(dim: int, rms: float) -> nn.RMSNorm:
    """An RMSNorm over `dim` whose learnable gain starts at `rms` (its outputs start with that RMS)."""
    norm = nn.RMSNorm(dim, eps=1e-6)
    nn.init.constant_(norm.weight, rms)
    return norm
