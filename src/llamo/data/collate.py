"""One collate function: pad text (pad id / −100 / False), pad motion features with a frame mask, stack video.

Legend: B batch, L text tokens, T motion frames, F feature width, N video frames.
"""

from dataclasses import dataclass

import torch

from .processor import IGNORE_INDEX


@dataclass
class Example:
    """One processed sample. motion: raw encoder features [T, F] (the model normalises); video: [N, 3, H, W];
    hidden: the frozen motion encoder's cached output [T, D_m], when training reads it from disk;
    caption: the index of the motion's caption in its dataset's caption table (encoder stage, contrastive loss);
    motion_frames: how many frames the motion itself has, when `motion` holds a subsample of them (a clip longer
    than the model's max_frames): the Cross Talker's time stamps count the motion's own 20 fps frames."""

    input_ids: list[int]
    labels: list[int]
    instruction_mask: list[bool]
    motion: torch.Tensor | None = None
    video: torch.Tensor | None = None
    hidden: torch.Tensor | None = None
    caption: int | None = None
    motion_frames: int | None = None


def pad_stack(rows: list[torch.Tensor], value: float, left: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad 1st-dim-variable tensors [n_i, ...] into [B, max n, ...] and a bool mask [B, max n]."""
    longest = max(r.shape[0] for r in rows)
    out = torch.full((len(rows), longest, *rows[0].shape[1:]), value, dtype=rows[0].dtype)
    mask = torch.zeros(len(rows), longest, dtype=torch.bool)
    for i, r in enumerate(rows):
        span = slice(longest - len(r), longest) if left else slice(0, len(r))
        out[i, span], mask[i, span] = r, True
    return out, mask


def collate(examples: list[Example], pad_id: int, left_pad: bool = False) -> dict[str, torch.Tensor]:
    """Batch examples. Text is right-padded for training, left-padded (`left_pad`) for batched generation.
    A batch mixes samples with and without motion only as all-or-none per modality; video may be missing from some
    samples (their video_mask rows are all False)."""
    ids, attention = pad_stack([torch.tensor(e.input_ids) for e in examples], pad_id, left_pad)
    batch = {
        "input_ids": ids,  # [B, L]
        "attention_mask": attention,  # [B, L]
        "labels": pad_stack([torch.tensor(e.labels) for e in examples], IGNORE_INDEX, left_pad)[0],
        "instruction_mask": pad_stack([torch.tensor(e.instruction_mask) for e in examples], False, left_pad)[0],
    }
    if any(e.motion is not None for e in examples):
        batch["motion"], batch["motion_mask"] = pad_stack([e.motion for e in examples], 0.0)  # [B, T, F], [B, T]
        batch["motion_frames"] = torch.tensor([e.motion_frames or len(e.motion) for e in examples])  # [B] long
    if any(e.hidden is not None for e in examples):
        batch["motion_hidden"] = pad_stack([e.hidden for e in examples], 0.0)[0]  # [B, T, D_m]
    if any(e.caption is not None for e in examples):
        batch["caption"] = torch.tensor([e.caption for e in examples])  # [B] long
    if any(e.video is not None for e in examples):
        # A sample without a video gets no valid frame (an all-False mask row): the Enhancer gates it off.
        shape = next(e.video for e in examples if e.video is not None).shape[1:]
        videos = [e.video if e.video is not None else torch.zeros(0, *shape) for e in examples]
        batch["video"], batch["video_mask"] = pad_stack(videos, 0.0)  # [B, N, 3, H, W], [B, N]
    return batch
