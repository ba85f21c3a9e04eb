"""The pinhole camera of rendered videos: where it stands for a clip (`CameraSpec`, drawn at random or given),
and the intrinsics and per-frame extrinsics it ends up with (`PinholeCamera`, OpenCV axes).

A camera is level (no roll) and looks at the clip's centre. It either stands still for the whole clip, which
keeps the root trajectory measurable in pixels, or dollies along with the person (same view direction, its
position following the pelvis smoothed over 1 s) so that a long run does not shrink them to a few pixels.
Shapes: T frames, N points or spheres.
"""

from dataclasses import dataclass

import numpy as np

from .raycast import sphere_bounds

MARGIN = 0.04  # fraction of the image side a fitted camera keeps free around the body
TRACK_WINDOW = 21  # frames the tracked pelvis is averaged over: 1 s at the canonical 20 fps


@dataclass(frozen=True)
class CameraSpec:
    """Where the camera stands, relative to the clip: it looks at the centre of the clip's bounding box."""

    distance: float = 4.0  # metres from the target, horizontally
    height: float = 1.4  # metres above the floor
    azimuth_deg: float = 30.0  # about the vertical from +z; 0 faces a person who faces +z (canonical start)
    focal: float = 1.3  # focal length in image widths: 1.0 is a 53° horizontal field of view, 2.0 is 28°
    fit: bool = True  # step back (same height and direction) until the whole clip stays in the picture
    track: bool | None = None  # follow the person; None: only when their pelvis travels farther than `distance`


def random_camera(rng: np.random.Generator) -> CameraSpec:
    """A camera drawn at random: 2.5-5 m away, 0.5-2.3 m high, any side, a 31-62° field of view."""
    return CameraSpec(float(rng.uniform(2.5, 5.0)), float(rng.uniform(0.5, 2.3)), float(rng.uniform(0, 360)),
                      float(rng.uniform(0.95, 1.8)))


@dataclass(frozen=True)
class PinholeCamera:
    """A world → pixel camera per frame, OpenCV conventions: x_cam = R @ x_world + t[frame] (x right, y down,
    z forward); pixel = (K @ x_cam)[:2] / z, where (0, 0) is the top-left corner of the top-left pixel."""

    K: np.ndarray  # [3, 3] intrinsics: fx = fy = focal in pixels, principal point at the image centre
    R: np.ndarray  # [3, 3] world → camera rotation, the same in every frame
    eyes: np.ndarray  # [T, 3] camera centre in world coordinates (m), per frame; all equal when it stands still
    width: int
    height: int

    @property
    def t(self) -> np.ndarray:
        """World → camera translations [T, 3] (m)."""
        return -self.eyes @ self.R.T

    def frame(self, t: int) -> "PinholeCamera":
        """The camera of frame t alone (one-frame eyes [1, 3])."""
        return PinholeCamera(self.K, self.R, self.eyes[t : t + 1], self.width, self.height)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points [T, ..., 3] (frame t seen from eyes[t]) → camera coordinates [T, ..., 3]."""
        eyes = self.eyes.reshape(len(self.eyes), *([1] * (points.ndim - 2)), 3)
        return (points - eyes) @ self.R.T

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points [T, ..., 3] → pixels [T, ..., 2] and depths [T, ...] (m, along the optical axis)."""
        cam = self.to_camera(points)
        return (cam @ self.K.T)[..., :2] / cam[..., 2:], cam[..., 2]


def look_at(eye: np.ndarray, target: np.ndarray, focal_px: float, width: int, height: int,
            offsets: np.ndarray | None = None) -> PinholeCamera:
    """The level camera at eye [3] facing target [3], focal length focal_px pixels; moved by offsets [T, 3]
    in frame t (same view direction), or standing still (one frame) when offsets is None."""
    forward = (target - eye) / np.linalg.norm(target - eye)
    right = np.cross(forward, (0.0, 1.0, 0.0))
    right /= np.linalg.norm(right)  # never degenerate: a camera at most 2.3 m high looks at a clip metres away
    rot = np.stack([right, np.cross(forward, right), forward])  # [3, 3] rows: right, down, forward
    intrinsics = np.array([[focal_px, 0, width / 2], [0, focal_px, height / 2], [0, 0, 1.0]])
    eyes = eye[None] if offsets is None else eye + offsets  # [T or 1, 3]
    return PinholeCamera(intrinsics, rot, eyes, width, height)


def track_offsets(pelvis: np.ndarray) -> np.ndarray:
    """Where a dollying camera is [T, 3] relative to where it would stand still: the horizontal pelvis
    trajectory [T, 3], averaged over TRACK_WINDOW frames (so the gait's sway does not shake it), minus its mean."""
    half = TRACK_WINDOW // 2
    padded = np.pad(pelvis * (1.0, 0.0, 1.0), ((half, half), (0, 0)), mode="edge")
    smooth = np.stack([np.convolve(padded[:, k], np.ones(TRACK_WINDOW) / TRACK_WINDOW, "valid") for k in range(3)],
                      1)  # [T, 3]
    return smooth - smooth.mean(0)


def place_camera(spec: CameraSpec, centres: np.ndarray, radii: np.ndarray, pelvis: np.ndarray, floor_y: float,
                 width: int, height: int) -> PinholeCamera:
    """The camera `spec` describes for a clip whose solids lie within spheres (centres [T, N, 3], radii [N]),
    pelvis [T, 3]; with spec.fit it steps back 10 % at a time until every sphere is in view."""
    travel = np.ptp(pelvis[:, [0, 2]], axis=0).max()
    track = travel > spec.distance if spec.track is None else spec.track
    offsets = track_offsets(pelvis) if track else np.zeros_like(pelvis)  # [T, 3]
    centres = centres - offsets[:, None]  # as seen from a camera at rest: what must fit
    lo, hi = (centres - radii[:, None]).min((0, 1)), (centres + radii[:, None]).max((0, 1))
    target = (lo + hi) / 2  # [3]
    az = np.radians(spec.azimuth_deg)
    back = np.array([np.sin(az), 0.0, np.cos(az)])
    room = np.array([MARGIN * width, MARGIN * height, (1 - MARGIN) * width, (1 - MARGIN) * height])
    for step in range(40):
        eye = target + spec.distance * 1.1**step * back
        eye[1] = floor_y + spec.height
        cam = look_at(eye, target, spec.focal * width, width, height)
        at_rest = cam.to_camera(centres.reshape(1, -1, 3))[0]  # [T*N, 3]
        bounds = sphere_bounds(at_rest, np.tile(radii, len(centres)), cam.K[0, 0], cam.K[:2, 2])  # [T*N, 4]
        inside = (bounds[:, :2].min(0) >= room[:2]).all() and (bounds[:, 2:].max(0) <= room[2:]).all()
        if not spec.fit or (inside and not np.isnan(bounds).any()):
            break
    return look_at(eye, target, spec.focal * width, width, height, offsets)
