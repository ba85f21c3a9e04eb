"""Video input: decoding and frame sampling (io), and the Motion Estimator that turns a video into a Motion."""

from .estimator import MotionEstimator, fill_missing
from .io import read_video, sample_indices

__all__ = ["MotionEstimator", "fill_missing", "read_video", "sample_indices"]
