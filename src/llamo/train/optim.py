"""Optimizer and schedule: AdamW with one parameter group per trainable group (its own learning rate), and a
cosine schedule with linear warm-up."""

import torch
from transformers import get_cosine_schedule_with_warmup

from ..model.trainable import parameter_groups


def build_optimizer(model: torch.nn.Module, extra: torch.nn.Module | None, lr: float, lr_scale: dict[str, float],
                    weight_decay: float) -> torch.optim.AdamW:
    """AdamW over the parameters that require grad; `extra` (objective heads) trains at the base rate."""
    groups = []
    for name, params in parameter_groups(model).items():
        trainable = [p for _, p in params if p.requires_grad]
        if trainable:
            groups.append({"params": trainable, "lr": lr * lr_scale.get(name, 1.0), "name": name})
    if extra is not None:
        groups.append({"params": [p for p in extra.parameters() if p.requires_grad], "lr": lr, "name": "objective"})
    # Fused on CPU too (torch ≥ 2.4): the optimizer step alone measured 3.6× faster (benchmarks/RESULTS.md).
    return torch.optim.AdamW(groups, lr=lr, weight_decay=weight_decay, fused=True)


def build_scheduler(optimizer: torch.optim.Optimizer, warmup_steps: int, steps: int):
    return get_cosine_schedule_with_warmup(optimizer, min(warmup_steps, steps // 2), steps)
