"""Optimizer and schedule: AdamW with one parameter group per trainable group (its own learning rate), and a
cosine schedule with linear warm-up.

`lr_scale` multiplies the rate of a group (`{lora: 0.5}`) or of one module inside a group, named by its dotted
path (`{connector.talker.sum_pool: 0.1}`): that module's parameters then form an optimizer group of their own.
"""

import torch
from transformers import get_cosine_schedule_with_warmup

from ..errors import ConfigError
from ..model.trainable import GROUPS, parameter_groups


def rate_key(name: str, group: str, lr_scale: dict[str, float]) -> str:
    """The lr_scale key that sets parameter `name`'s rate: the longest module path that holds it, else its group.
    A group's name is never read as a path: `connector` must not pull the vq_tokenizer's `connector.vq.*` in."""
    paths = [k for k in lr_scale if k not in GROUPS and name.startswith(k + ".")]
    return max(paths, key=len) if paths else group


def check_scales(model: torch.nn.Module, lr_scale: dict[str, float]) -> None:
    names = [name for name, _ in model.named_parameters()]
    for key in lr_scale:
        if key not in GROUPS and not any(name.startswith(key + ".") for name in names):
            raise ConfigError(f"lr_scale {key!r}: neither a parameter group nor a module of the model; accepted: "
                              f"{GROUPS} or a module path such as 'connector.talker'")


def build_optimizer(model: torch.nn.Module, extra: torch.nn.Module | None, lr: float, lr_scale: dict[str, float],
                    weight_decay: float) -> torch.optim.AdamW:
    """AdamW over the parameters that require grad; `extra` (objective heads) trains at the base rate."""
    check_scales(model, lr_scale)
    by_key: dict[str, list[torch.nn.Parameter]] = {}  # insertion order: the groups' order, then the parameters'
    for group, params in parameter_groups(model).items():
        for name, param in params:
            if param.requires_grad:
                by_key.setdefault(rate_key(name, group, lr_scale), []).append(param)
    groups = [{"params": params, "lr": lr * lr_scale.get(key, 1.0), "name": key} for key, params in by_key.items()]
    if extra is not None:
        groups.append({"params": [p for p in extra.parameters() if p.requires_grad], "lr": lr, "name": "objective"})
    # Fused on CPU too (torch ≥ 2.4): the optimizer step alone measured 3.6× faster (benchmarks/RESULTS.md).
    return torch.optim.AdamW(groups, lr=lr, weight_decay=weight_decay, fused=True)


def build_scheduler(optimizer: torch.optim.Optimizer, warmup_steps: int, steps: int):
    return get_cosine_schedule_with_warmup(optimizer, min(warmup_steps, steps // 2), steps)
