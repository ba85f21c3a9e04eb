"""Datasets: the record format and its validation (schema); building MoCapQA lives in `llamo.data.build`."""

from .schema import MOTION_TOKEN, VIDEO_TOKEN, Record, Turn, load_records, resolve_media, save_records

__all__ = ["MOTION_TOKEN", "VIDEO_TOKEN", "Record", "Turn", "load_records", "resolve_media", "save_records"]
