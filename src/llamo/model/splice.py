"""Splicing motion tokens into the LLM's input embeddings at placeholder positions (as transformers' Llava).

Legend: B batch, L text length, D LLM width, M total motion tokens in the batch.
"""

import torch

from ..errors import DataError


def placeholder_mask(input_ids: torch.Tensor, placeholder_id: int, num_features: int) -> torch.Tensor:
    """Bool mask [B, L] of placeholder positions; raises when it does not match the features' count."""
    mask = input_ids == placeholder_id
    found = int(mask.sum())
    if found != num_features:
        raise DataError(f"the prompt holds {found} motion placeholder tokens but the motion gives {num_features} "
                        "features; encode prompts with the model's processor (token_count) for this motion")
    return mask


def splice(inputs_embeds: torch.Tensor, mask: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
    """inputs_embeds [B, L, D] with positions `mask` [B, L] replaced, in order, by features [M, D]."""
    return inputs_embeds.masked_scatter(mask.unsqueeze(-1), features.to(inputs_embeds.dtype))
