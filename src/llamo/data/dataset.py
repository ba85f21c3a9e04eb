"""Datasets over record files: QA/caption conversations for the LLM stages, unique motions for the encoder stage.

Features are computed once per motion file and kept in memory (a 2,500-motion MoCapQA needs ~250 MB).
"""

from pathlib import Path

import torch
from torch.utils.data import Dataset

from ..motion.io import load_motion
from .collate import Example
from .schema import Record, load_records, resolve_media


class FeatureCache:
    """Raw encoder features [T, F] per motion path, computed by `featurize` on first use."""

    def __init__(self, featurize):
        self.featurize = featurize
        self.features: dict[Path, torch.Tensor] = {}

    def __call__(self, path: Path) -> torch.Tensor:
        if path not in self.features:
            self.features[path] = self.featurize(load_motion(path))
        return self.features[path]


def load_all(files: list[str]) -> list[tuple[Path, Record]]:
    """(dataset folder, record) pairs from several record files."""
    return [(Path(f).parent, r) for f in files for r in load_records(f)]


class ConversationDataset(Dataset):
    """Record → Example (ids, labels, instruction mask, motion features) through the model's processor."""

    def __init__(self, files: list[str], processor, featurize, encode=None):
        """encode: optional (motion path, features [T, F]) → frozen encoder output [T, D_m] (EncoderCache)."""
        self.records = load_all(files)
        self.processor = processor
        self.features = FeatureCache(featurize)
        self.encode = encode

    def __len__(self) -> int:
        return len(self.records)

    def motion_path(self, i: int) -> Path | None:
        root, record = self.records[i]
        return resolve_media(root, record.motion, str(root)) if record.motion else None

    def __getitem__(self, i: int) -> Example:
        _, record = self.records[i]
        path = self.motion_path(i)
        motion = self.features(path) if path else None
        hidden = self.encode(path, motion) if self.encode is not None and path else None
        enc = self.processor.encode(record.conversations, None if motion is None else len(motion))
        return Example(enc.input_ids, enc.labels, enc.instruction_mask, motion=motion, hidden=hidden)

    def motion_paths(self) -> list[Path]:
        """The distinct motion files the records use, sorted."""
        return sorted({p for p in map(self.motion_path, range(len(self))) if p is not None})

    def lengths(self) -> list[int]:
        """A sorting key per item for length-grouped batching: the motion file's frame count."""
        return [int(self.features(p).shape[0]) if p else 0 for p in map(self.motion_path, range(len(self)))]


class MotionDataset(Dataset):
    """The distinct motions referenced by record files (the encoder stage needs no text)."""

    def __init__(self, files: list[str], featurize):
        paths = {resolve_media(root, r.motion, str(root)) for root, r in load_all(files) if r.motion}
        self.paths = sorted(paths)
        self.features = FeatureCache(featurize)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int) -> Example:
        return Example([], [], [], motion=self.features(self.paths[i]))

    def lengths(self) -> list[int]:
        return [int(self.features(p).shape[0]) for p in self.paths]
