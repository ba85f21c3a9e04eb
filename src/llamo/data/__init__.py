"""Datasets: the record format and its validation (schema), and the MoCapQA builder (build)."""

from .build import BuildConfig, build_dataset
from .schema import MOTION_TOKEN, VIDEO_TOKEN, Record, Turn, load_records, resolve_media, save_records
from .splits import split_files

__all__ = [
    "MOTION_TOKEN", "VIDEO_TOKEN", "BuildConfig", "Record", "Turn", "build_dataset", "load_records", "resolve_media",
    "save_records", "split_files",
]
