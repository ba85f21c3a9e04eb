"""Which parameters train: named groups, and the one place that sets requires_grad.

Groups: motion_encoder, video_encoder, enhancer, connector (Cross Talker / projector), vq_tokenizer (the
vq_tokens baseline's VQ-VAE: its codes are discrete, so it learns only from its own reconstruction loss, in the
encoder stage), lora (LoRA matrices and the rows of added vocabulary). The frozen base LM belongs to no group.
"""

from torch import nn

GROUPS = ("motion_encoder", "video_encoder", "enhancer", "connector", "vq_tokenizer", "lora")


def parameter_groups(model: nn.Module) -> dict[str, list[tuple[str, nn.Parameter]]]:
    """(name, parameter) pairs of each group; LoRA is found by PEFT's parameter names."""
    groups: dict[str, list[tuple[str, nn.Parameter]]] = {g: [] for g in GROUPS}
    for name, param in model.named_parameters():
        top = name.split(".", 1)[0]
        if name.startswith("connector.vq."):
            groups["vq_tokenizer"].append((name, param))
        elif top in groups:
            groups[top].append((name, param))
        elif top == "llm" and ("lora_" in name or "trainable_tokens" in name):
            groups["lora"].append((name, param))
    return groups


def set_trainable(model: nn.Module, groups: set[str] | list[str]) -> dict[str, int]:
    """Train exactly `groups` (everything else frozen); returns the trainable parameter count per group."""
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown parameter groups {sorted(unknown)}; accepted: {GROUPS}")
    for param in model.parameters():
        param.requires_grad_(False)
    counts = {}
    for group, params in parameter_groups(model).items():
        for _, param in params:
            param.requires_grad_(group in groups)
        counts[group] = sum(p.numel() for _, p in params) if group in groups else 0
    return counts
