"""Root motion from video: the pelvis trajectory that BlazePose's hip-centred world landmarks leave out, recovered
from its image landmarks with a pinhole camera that stands still (docs/decisions.md, issue 14 item 2).

Per frame, the world landmarks (metric, camera-aligned) are moved to where they project onto the image landmarks:
a linear least-squares solve for the hip midpoint's camera coordinates, its depth set by the body's size in the
image. The floor is the plane through the soles of feet that stand still in the image (a still camera sees a
planted foot not move), fitted as the camera's height and pitch (a level camera: no roll). The pelvis is then
expressed in that camera's ground frame, its depth smoothed in time. Without a focal length the image diagonal
is assumed (default_focal). Shapes: T frames, N=33 landmarks, J=22 joints.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError, MotionError
from ..motion.formats.blazepose import NUM_LANDMARKS, landmarks_to_joints
from ..motion.skeleton import JOINT_INDEX
from ..motion.transforms import to_y_up

# Landmarks the per-frame solve trusts: ears, shoulders, elbows, wrists, hips, knees, ankles, heels, toes (the
# hands' and face's other points crowd round a wrist or the nose and add little but noise).
FIT_LANDMARKS = [7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32]
FEET = [(27, 29, 31), (28, 30, 32)]  # left, right: ankle, heel, toe
STILL_SPEED = 0.5  # body heights per second: a foot whose image moves slower stands on the floor (swing: ~3)
CONTACT_BAND = 0.05  # body heights: farther than this from the fitted floor, a still foot is not on it (jump apex)
PITCH_RANGE = np.radians(np.arange(-45.0, 75.25, 0.25))  # camera pitches the floor fit tries; + looks down
PITCH_PRIOR = np.radians(10.0)  # how far from level a camera is, typically (the fit's regulariser, 1 sigma)
DEPTH_SMOOTH_S = 0.2  # Gaussian sigma (s) of the depth's smoothing: it jitters with the pose, ~5 % of itself
LEG = [("l_hip", "l_knee", "l_ankle"), ("r_hip", "r_knee", "r_ankle")]
TRUNK = ("pelvis", "spine1", "spine2", "spine3", "neck", "head")


@dataclass(frozen=True)
class PoseTrack:
    """What BlazePose saw in a video, frame by frame; NaN rows where nobody was found."""

    world: np.ndarray  # [T, 33, 4] metres, hip-centred, camera-aligned (x right, y down, z away); visibility
    image: np.ndarray  # [T, 33, 4] x, y as fractions of the frame's width and height (y down), z, visibility
    width: int  # frame size in pixels
    height: int


def default_focal(width: int, height: int) -> float:
    """The focal length (pixels) assumed when none is given: the image diagonal, a 53° diagonal field of view,
    as CLIFF (Li et al., ECCV 2022) and the world-trajectory methods after it (WHAM, TRAM) assume."""
    return float(np.hypot(width, height))


def segment_height(joints: np.ndarray) -> float:
    """A body's height from canonical joints [T, 22, 3], any pose: the leg (hip, knee, ankle; mean of the two)
    plus the trunk (pelvis, spine, neck, head), each straightened, median over frames. Shorter than the body's
    stature (no foot, no crown) but read the same way from any skeleton, so trajectories in these units compare."""
    def chain(names):
        points = joints[:, [JOINT_INDEX[n] for n in names]]  # [T, len, 3]
        return np.linalg.norm(np.diff(points, axis=1), axis=-1).sum(1)  # [T]

    return float(np.median((chain(LEG[0]) + chain(LEG[1])) / 2 + chain(TRUNK)))


def detected_frames(track: PoseTrack) -> np.ndarray:
    """Which frames [T] have both world and image landmarks; MotionError for wrong shapes or no such frame."""
    for name in ("world", "image"):
        array = getattr(track, name)
        if array.ndim != 3 or array.shape[1:] != (NUM_LANDMARKS, 4) or len(array) == 0:
            raise MotionError(f"root trajectory: {name} landmarks have shape {array.shape}; "
                              f"expected (T >= 1, {NUM_LANDMARKS}, 4): x, y, z, visibility per landmark")
    if len(track.world) != len(track.image):
        raise MotionError(f"root trajectory: {len(track.world)} frames of world landmarks but {len(track.image)} "
                          "of image landmarks; expected one of each per video frame")
    detected = np.isfinite(track.world).all(axis=(1, 2)) & np.isfinite(track.image).all(axis=(1, 2))  # [T]
    if not detected.any():
        raise MotionError(f"root trajectory: none of the {len(detected)} frames has finite landmarks "
                          "(NaN/Inf everywhere): nobody was found in the video")
    return detected


def hips_in_camera(track: PoseTrack, focal: float) -> np.ndarray:
    """The hip midpoint in camera coordinates [T, 3] (m; x right, y down, z forward): per frame the translation
    that best lays the world landmarks, turned into the camera's axes, onto the rays through their pixels.

    For a landmark at w (world, hip-centred) and normalised image point (a, b), w + p lies on its ray when
    p_x - a p_z = a w_z - w_x and p_y - b p_z = b w_z - w_y: two linear equations in p per landmark, weighted by
    BlazePose's visibility. Depth comes from the size: a body that looks half as big stands twice as far."""
    w = track.world[:, FIT_LANDMARKS, :3].astype(np.float64)  # [T, L, 3]
    weight = np.clip(track.image[:, FIT_LANDMARKS, 3], 0.05, 1.0).astype(np.float64)  # [T, L]
    centre = np.array([track.width, track.height]) / 2
    ab = (track.image[:, FIT_LANDMARKS, :2] * (track.width, track.height) - centre) / focal  # [T, L, 2]
    rows = np.zeros((*ab.shape, 3))  # [T, L, 2, 3]: one row per equation
    rows[..., 0, 0] = rows[..., 1, 1] = 1.0
    rows[..., 2] = -ab
    rhs = ab * w[..., 2:] - w[..., :2]  # [T, L, 2]
    rows, rhs = rows.reshape(len(w), -1, 3), rhs.reshape(len(w), -1)  # [T, 2L, 3], [T, 2L]
    sw = np.repeat(weight, 2, axis=1)  # [T, 2L]
    normal = np.einsum("tei,te,tej->tij", rows, sw, rows)  # [T, 3, 3]
    return np.linalg.solve(normal, np.einsum("tei,te,te->ti", rows, sw, rhs)[..., None])[..., 0]  # [T, 3]


def ground_basis(pitch: float) -> np.ndarray:
    """Rows: the ground frame's axes in camera coordinates [3, 3] for a level camera pitched down by `pitch`:
    x right, y up, z back towards the camera (right-handed, y-up: canonical)."""
    c, s = np.cos(pitch), np.sin(pitch)
    return np.array([[1.0, 0.0, 0.0], [0.0, -c, -s], [0.0, s, -c]])


def soles(track: PoseTrack, hips: np.ndarray) -> np.ndarray:
    """Each foot's heel and toe in camera coordinates [T, 2, 2, 3]: the hips [T, 3] plus their world offsets."""
    return hips[:, None, None] + track.world[:, np.array(FEET)[:, 1:], :3].astype(np.float64)


def still_feet(track: PoseTrack, times: np.ndarray, pixels_per_height: np.ndarray) -> np.ndarray:
    """Whether each foot stands still in the image [T, 2]: heel and toe both slower than STILL_SPEED body heights
    per second; times [T] (s) of the frames, which need not be evenly spaced (frames without a pose left out)."""
    xy = track.image[:, np.array(FEET)[:, 1:], :2] * (track.width, track.height)  # [T, 2, 2, 2]
    if len(xy) < 2:
        return np.ones((len(xy), 2), dtype=bool)
    velocity = np.gradient(xy, times, axis=0)  # [T, 2, 2, 2] pixels/s
    return np.linalg.norm(velocity, axis=-1).max(-1) < STILL_SPEED * pixels_per_height[:, None]


def fit_floor(points: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Camera pitch (radians, + looks down) and height (m) of the floor through sole points [M, 3] (camera
    coordinates) weighted [M]: a grid over PITCH_RANGE, the height the weighted mean for each pitch, and a
    Gaussian prior of PITCH_PRIOR round level so that contacts at one depth (a jump in place) still decide."""
    c, s = np.cos(PITCH_RANGE)[:, None], np.sin(PITCH_RANGE)[:, None]  # [P, 1]
    below = c * points[:, 1] + s * points[:, 2]  # [P, M]: how far each point lies below the camera, per pitch
    height = (below * weight).sum(1) / weight.sum()  # [P]
    spread = ((below - height[:, None]) ** 2 * weight).sum(1) / weight.sum()  # [P] m²
    cost = spread / 0.02**2 + (PITCH_RANGE / PITCH_PRIOR) ** 2  # 2 cm: how well soles sit on a plane
    best = int(np.argmin(cost))
    return float(PITCH_RANGE[best]), float(height[best])


def floor_of(track: PoseTrack, hips: np.ndarray, times: np.ndarray, body_height: float, focal: float
             ) -> tuple[float, float]:
    """Camera pitch and height over the floor (fit_floor) from the heels and toes of feet that stand still in
    the image; a still foot farther than CONTACT_BAND from the floor fitted so far (a jump's apex) is dropped."""
    still = still_feet(track, times, body_height * focal / hips[:, 2])  # [T, 2]
    if not still.any():  # a person who never stops: every foot point, the fit's trimming finds the lowest
        still[:] = True
    points = soles(track, hips)[still].reshape(-1, 3)  # [M, 3]
    weight = np.clip(track.image[:, np.array(FEET)[:, 1:], 3][still].reshape(-1), 0.05, 1.0)  # [M]
    keep = np.ones(len(points), dtype=bool)
    for _ in range(3):
        pitch, height = fit_floor(points[keep], weight[keep])
        near = np.abs(points @ ground_basis(pitch)[1] + height) < CONTACT_BAND * body_height  # [M]
        if near.sum() >= 2:
            keep = near
    return pitch, height


def smooth(x: np.ndarray, valid: np.ndarray, sigma: float) -> np.ndarray:
    """x [T] smoothed by a local linear fit per frame with Gaussian weights (sigma in frames) over the frames
    that are valid [T]: unlike a plain average it keeps a steady walk's speed up to the clip's ends and across
    gaps. Frames with no valid frame within 3 sigma are linearly interpolated from the others; frames before the
    first valid one (after the last) hold its value."""
    half = int(np.ceil(3 * sigma))
    offset = np.arange(half, -half - 1, -1.0)  # [K]: np.convolve flips the kernel, so this is (tau - t)
    kernel = np.exp(-0.5 * (offset / sigma) ** 2)  # [K]

    def window_sum(a, k):  # sum over each frame's window [T]; "same" would grow to the kernel on short clips
        return np.convolve(a, k)[half : half + len(a)]

    w, wx = valid.astype(np.float64), np.where(valid, x, 0.0)  # [T]; x may be NaN where not valid
    s0, s1, s2 = (window_sum(w, kernel * offset**k) for k in range(3))  # [T] each
    sx, sxd = window_sum(wx, kernel), window_sum(wx, kernel * offset)
    det = s0 * s2 - s1**2
    linear = det > 1e-6 * np.maximum(s0 * s2, 1e-300)
    out = np.where(linear, (s2 * sx - s1 * sxd) / np.where(linear, det, 1.0), sx / np.maximum(s0, 1e-300))
    t, seen = np.arange(len(x)), np.flatnonzero(valid)
    covered = (s0 > 1e-6) & (t >= seen[0]) & (t <= seen[-1])  # no extrapolation past the first and last frame
    return np.interp(t, t[covered], out[covered])


@dataclass(frozen=True)
class RootTrajectory:
    """The pelvis (hip midpoint) over time in the ground frame of a camera that stands still: x right, y up
    (height above the floor), z towards the camera, origin on the floor under the camera; metres."""

    pelvis: np.ndarray  # [T, 3] metres
    body_height: float  # metres: segment_height of the world landmarks, the unit of `in_body_heights`
    rotation: np.ndarray  # [3, 3] camera axes → ground axes (rows: right, up, back in camera coordinates)
    camera_height: float  # metres above the floor
    focal: float  # pixels

    @property
    def in_body_heights(self) -> np.ndarray:
        """The trajectory [T, 3] in body heights: free of the metric scale BlazePose assumes."""
        return self.pelvis / self.body_height


def recover_root(track: PoseTrack, fps: float, focal: float | None = None) -> RootTrajectory:
    """The pelvis trajectory [T, 3] of a BlazePose track seen by a still camera at `fps` frames per second.
    focal: the camera's focal length in image widths (CameraSpec's unit), or None for default_focal. Frames
    without landmarks (NaN rows) are interpolated from the others."""
    if not (np.isfinite(fps) and fps > 0) or (focal is not None and not (np.isfinite(focal) and focal > 0)):
        raise ConfigError(f"root trajectory: fps ({fps!r}) and focal ({focal!r}, image widths) must be positive")
    detected = detected_frames(track)  # [T]
    found = PoseTrack(track.world[detected], track.image[detected], track.width, track.height)  # T' frames
    focal_px = default_focal(track.width, track.height) if focal is None else focal * track.width
    hips = hips_in_camera(found, focal_px)  # [T', 3]
    if (hips[:, 2] <= 0).any():
        raise MotionError(f"root trajectory: the person lands behind the camera in {int((hips[:, 2] <= 0).sum())} "
                          "frame(s); the world and image landmarks do not fit one pinhole camera")
    body = segment_height(landmarks_to_joints(to_y_up(found.world[..., :3].astype(np.float64), "-y")))
    pitch, camera_height = floor_of(found, hips, np.flatnonzero(detected) / fps, body, focal_px)
    rotation = ground_basis(pitch)
    # Where the hips are in the image is sharp (BlazePose: 2-3 pixels); how far away they are, read from the
    # body's size, jitters with the pose: only depth is smoothed, and the hips stay on their rays.
    rays = np.full((len(track.world), 3), np.nan)
    rays[detected] = np.concatenate([hips[:, :2] / hips[:, 2:], hips[:, 2:]], 1)  # [T, 3]: x/z, y/z, z
    t, frames = np.arange(len(rays)), np.flatnonzero(detected)
    ratios = np.stack([np.interp(t, frames, rays[frames, k]) for k in (0, 1)], 1)  # [T, 2] gaps bridged
    depth = smooth(rays[:, 2], detected, DEPTH_SMOOTH_S * fps)[:, None]  # [T, 1]
    pelvis = np.concatenate([ratios * depth, depth], 1) @ rotation.T + (0.0, camera_height, 0.0)  # [T, 3]
    return RootTrajectory(pelvis, body, rotation, camera_height, focal_px)
