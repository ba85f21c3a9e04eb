"""Canonical motion and every conversion into it: skeleton, Motion, transforms, features, readers, rendering."""

from .features import FEATURE_DIM, Normalizer, motion_features
from .io import load_motion, save_motion
from .motion import CANONICAL_FPS, Motion
from .transforms import canonicalize, change_speed, concatenate, mirror, resample, rotate

__all__ = [
    "CANONICAL_FPS", "FEATURE_DIM", "Motion", "Normalizer", "canonicalize", "change_speed", "concatenate",
    "load_motion", "mirror", "motion_features", "resample", "rotate", "save_motion",
]
