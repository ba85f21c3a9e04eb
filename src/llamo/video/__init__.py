"""Video input: decoding and frame sampling (io), the Motion Estimator that turns a video into a Motion, the root
trajectory it recovers from image landmarks (root), and a solid-body renderer of motions (body_render)."""

from .estimator import MotionEstimator, fill_missing, motion_from_track
from .io import probe_video, read_video, sample_indices
from .root import PoseTrack, RootTrajectory, recover_root

__all__ = ["MotionEstimator", "PoseTrack", "RootTrajectory", "fill_missing", "motion_from_track", "probe_video",
           "read_video", "recover_root", "sample_indices"]
