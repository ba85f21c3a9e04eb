"""Datasets over record files: QA/caption conversations for the LLM stages; for the encoder stage, unique
motions, or (motion, caption) pairs when it also learns from captions (motion–caption contrastive loss).

Features are computed once per motion file and kept in memory (a 2,500-motion MoCapQA needs ~250 MB).
"""

from pathlib import Path

import torch
from torch.utils.data import Dataset

from ..errors import DataError
from ..motion.io import load_motion
from ..motion.motion import Motion
from .collate import Example
from .schema import Record, load_records, resolve_media


class FeatureCache:
    """Raw encoder features [T, F] per motion path, computed by `featurize` on first use (or any other value of
    the motion: the motion_text connector caches its text here). `read` turns the path into featurize's input:
    the loaded motion by default; the path itself for a video's frames (`LlamoModel.video_frames`). `frames` keeps
    each read motion's own frame count (its features may be a subsample of them)."""

    def __init__(self, featurize, read=load_motion):
        self.featurize, self.read = featurize, read
        self.features: dict[Path, torch.Tensor] = {}
        self.frames: dict[Path, int | None] = {}

    def __call__(self, path: Path) -> torch.Tensor:
        if path not in self.features:
            value = self.read(path)
            self.features[path] = self.featurize(value)
            self.frames[path] = value.num_frames if isinstance(value, Motion) else None
        return self.features[path]


def load_all(files: list[str]) -> list[tuple[Path, Record]]:
    """(dataset folder, record) pairs from several record files."""
    return [(Path(f).parent, r) for f in files for r in load_records(f)]


def record_tasks(records: list[tuple[Path, Record]]) -> set:
    """The meta.task values the records have (None for a record without one)."""
    return {r.meta.get("task") for _, r in records}


def repeat_tasks(records: list[tuple[Path, Record]], repeat: dict[str, int]) -> list[tuple[Path, Record]]:
    """Each record `repeat[meta.task]` times in a row (once for tasks not named); DataError for a task no record
    has or a count below 1, so a typo cannot silently train on the plain mix."""
    tasks = record_tasks(records)
    for task, times in repeat.items():
        if task not in tasks or not isinstance(times, int) or times < 1:
            raise DataError(f"task_repeat {task}: {times!r}; accepted: a task the records have "
                            f"({sorted(map(str, tasks))}) and a whole number of times >= 1")
    return [item for item in records for _ in range(repeat.get(item[1].meta.get("task"), 1))]


def keep_tasks(records: list[tuple[Path, Record]], tasks: list[str]) -> list[tuple[Path, Record]]:
    """Only the records whose meta.task is in `tasks` (all of them for an empty list); DataError for a task no
    record has, so a typo cannot silently train on nothing or on everything."""
    if not tasks:
        return records
    found = record_tasks(records)
    missing = sorted(set(tasks) - found)
    if missing:
        raise DataError(f"tasks {missing}: no record has them; accepted: tasks the records have "
                        f"({sorted(map(str, found))})")
    return [item for item in records if item[1].meta.get("task") in tasks]


class ConversationDataset(Dataset):
    """Record → Example (ids, labels, instruction mask, motion features) through the model's processor."""

    def __init__(self, files: list[str], processor, featurize, encode=None,
                 task_repeat: dict[str, int] | None = None, tasks: list[str] | None = None, frames=None):
        """encode: optional (motion path, features [T, F]) → frozen encoder output [T, D_m] (EncoderCache).
        task_repeat: records whose meta.task is a key appear that many times per epoch (oversampling).
        tasks: only records of these tasks (meta.task) are read; None or empty reads all.
        frames: optional video path → frames [N, 3, S, S] for the video encoder (`LlamoModel.video_frames`);
        given, each record's video is read (once, then kept), else videos are ignored."""
        self.records = repeat_tasks(keep_tasks(load_all(files), tasks or []), task_repeat or {})
        self.processor = processor
        self.features = FeatureCache(featurize)
        self.texts = FeatureCache(processor.describe) if processor is not None and processor.describe else None
        self.videos = FeatureCache(frames, read=Path) if frames is not None else None
        self.encode = encode

    def __len__(self) -> int:
        return len(self.records)

    def motion_path(self, i: int) -> Path | None:
        root, record = self.records[i]
        return resolve_media(root, record.motion, str(root)) if record.motion else None

    def __getitem__(self, i: int) -> Example:
        root, record = self.records[i]
        path = self.motion_path(i)
        motion = self.features(path) if path else None
        hidden = self.encode(path, motion) if self.encode is not None and path else None
        text = self.texts(path) if self.texts is not None and path else None
        video = None
        if self.videos is not None and record.video:
            video = self.videos(resolve_media(root, record.video, str(root)))
        frames = self.features.frames[path] if path else None
        enc = self.processor.encode(record.conversations, None if motion is None else len(motion), motion_text=text,
                                    motion_frames=frames)
        return Example(enc.input_ids, enc.labels, enc.instruction_mask, motion=motion, hidden=hidden, video=video,
                       motion_frames=frames)

    def answer_labels(self) -> list[list[int]]:
        """Each item's label ids (−100 outside the answers) without reading its motion: [L_i] per item."""
        return [self.processor.encode(record.conversations, 1 if record.motion else None).labels
                for _, record in self.records]

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


class MotionCaptionDataset(Dataset):
    """(motion, caption) pairs for the encoder stage's contrastive loss: one item per caption record
    (meta.task == "caption"; the caption is its first gpt turn). `captions` lists the distinct captions, sorted;
    each item names its caption by index there, so equal captions are known to be equal (shared positives)."""

    def __init__(self, files: list[str], featurize):
        pairs = [(resolve_media(root, r.motion, str(root)), r.answer) for root, r in load_all(files)
                 if r.motion and r.meta.get("task") == "caption"]
        if not pairs:
            raise DataError(f"{files}: no caption records (meta.task 'caption' with a motion); the contrastive loss "
                            "(contrastive_weight > 0) needs them, e.g. captions_train.json, or set it to 0")
        self.captions = sorted({caption for _, caption in pairs})
        index = {caption: i for i, caption in enumerate(self.captions)}
        self.items = [(path, index[caption]) for path, caption in pairs]
        self.features = FeatureCache(featurize)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Example:
        path, caption = self.items[i]
        return Example([], [], [], motion=self.features(path), caption=caption)

    def lengths(self) -> list[int]:
        return [int(self.features(path).shape[0]) for path, _ in self.items]
