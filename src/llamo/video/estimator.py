"""The Motion Estimator: a video of a person → canonical `Motion`, via MediaPipe's BlazePose world landmarks.

mediapipe is an optional extra (`llamo[pose]`): it pins numpy<2 (docs/decisions.md), so it is imported only
when an estimator is built. Frames where no person is detected are filled by linear interpolation in time.
Shapes: T video frames; 33 BlazePose landmarks, each (x, y, z, visibility), metres, hip-centred.
"""

from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError
from ..motion.formats.blazepose import NUM_LANDMARKS, read_blazepose
from ..motion.motion import Motion
from .io import read_video

MISSING_MEDIAPIPE = (
    'the Motion Estimator needs mediapipe: pip install "llamo[pose]"  '
    "(mediapipe==0.10.21; it pins numpy<2, see docs/decisions.md)"
)


def fill_missing(landmarks: np.ndarray) -> np.ndarray:
    """Landmarks [T, 33, 4] with NaN rows for frames without a detection → [T, 33, 4] without NaN.

    Each missing frame is linearly interpolated between the nearest detected frames before and after it; frames
    before the first (after the last) detection copy that detection. Needs at least one detected frame.
    """
    missing = np.isnan(landmarks).any(axis=(1, 2))  # [T]
    assert not missing.all(), "fill_missing needs at least one frame with landmarks"
    t, seen = np.arange(len(landmarks)), np.flatnonzero(~missing)
    flat = landmarks.reshape(len(landmarks), -1)  # [T, 33*4]
    filled = np.stack([np.interp(t, seen, column[seen]) for column in flat.T], axis=1)  # [T, 33*4]
    return filled.reshape(landmarks.shape).astype(landmarks.dtype)


class MotionEstimator:
    """Video → Motion with BlazePose (MediaPipe Pose, tracking mode: each frame's detection seeds the next)."""

    def __init__(self, model_complexity: int = 1, min_detection_confidence: float = 0.5) -> None:
        try:
            import mediapipe
        except ImportError as err:
            raise ConfigError(MISSING_MEDIAPIPE) from err
        self.pose_class = mediapipe.solutions.pose.Pose
        self.model_complexity = model_complexity
        self.min_detection_confidence = min_detection_confidence

    def landmarks(self, frames: np.ndarray) -> np.ndarray:
        """uint8 RGB frames [T, H, W, 3] → world landmarks [T, 33, 4]; NaN rows where nobody was detected."""
        out = np.full((len(frames), NUM_LANDMARKS, 4), np.nan, dtype=np.float32)  # [T, 33, 4]
        with self.pose_class(
            static_image_mode=False,
            model_complexity=self.model_complexity,
            min_detection_confidence=self.min_detection_confidence,
        ) as pose:
            for t, frame in enumerate(frames):
                found = pose.process(frame).pose_world_landmarks
                if found is not None:
                    out[t] = [(p.x, p.y, p.z, p.visibility) for p in found.landmark]
        return out

    def estimate(self, path: str | Path) -> Motion:
        """Decode every frame of the video at `path` and return the person's motion (canonical, 20 fps)."""
        frames, fps = read_video(path)
        landmarks = self.landmarks(frames)  # [T, 33, 4]
        if np.isnan(landmarks).all():
            raise DataError(f"no person found in {path}")
        return read_blazepose(fill_missing(landmarks), fps, source=str(path))
