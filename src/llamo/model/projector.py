"""Projector: motion tokens into the LLM's embedding space (LLaVA-1.5's `mlp2x_gelu`).

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
    """

    def __init__(self, in_dim: int, out_dim: int, hidden_dim: int | None = None) -> None:
        super().__init__()
        hidden_dim = out_dim if hidden_dim is None else hidden_dim
        self.linear_1 = nn.Linear(in_dim, hidden_dim)
        self.act = nn.GELU()
        self.linear_2 = nn.Linear(hidden_dim, out_dim)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens [B, K, D_m] → [B, K, D]."""
        return self.linear_2(self.act(self.linear_1(tokens)))
