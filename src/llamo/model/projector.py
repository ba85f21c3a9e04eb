"""Projector: motion tokens into the LLM's embedding space (LLaVA-1.5's `mlp2x_gelu`).

Shapes: B batch, K motion tokens, D_m motion width, D LLM width.
"""

import torch
from torch import nn


class Projector(nn.Module):
    """Linear → GELU → Linear, [B, K, D_m] → [B, K, D]; with `out_norm`, then an RMSNorm whose gain starts at the
    word embeddings' scale (`match_scale`), so motion tokens enter the LLM at the size of its words.

    Args:
        in_dim: D_m, the motion token width.
        out_dim: D, the LLM's hidden size.
        hidden_dim: width between the two layers; defaults to `out_dim`, as in LLaVA-1.5.
        out_norm: end with the RMSNorm (llamo's option `connector.token_norm`, docs/decisions.md).
    """

    def __init__(self, in_dim: int, out_dim: int, hidden_dim: int | None = None, out_norm: bool = False) -> None:
        super().__init__()
        hidden_dim = out_dim if hidden_dim is None else hidden_dim
        self.linear_1 = nn.Linear(in_dim, hidden_dim)
        self.act = nn.GELU()
        self.linear_2 = nn.Linear(hidden_dim, out_dim)
        self.out_norm = nn.RMSNorm(out_dim) if out_norm else None

    @torch.no_grad()
    def match_scale(self, word_embeddings: torch.Tensor) -> None:
        """Start the output gain at the root-mean-square of the LLM's word embeddings [V, D] (no-op without
        out_norm): a fresh projector's tokens are then as large as words, not ~40x larger."""
        if self.out_norm is not None:
            self.out_norm.weight.fill_(float(word_embeddings.float().pow(2).mean().sqrt()))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens [B, K, D_m] → [B, K, D]."""
        out = self.linear_2(self.act(self.linear_1(tokens)))
        return out if self.out_norm is None else self.out_norm(out)
