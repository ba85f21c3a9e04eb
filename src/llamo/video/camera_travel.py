"""How far a camera that travels with the person (a dolly, a tracking shot) has moved, read from the floor.

The root recovery (video/root.py) places the pelvis relative to the camera; when the camera follows the person,
that pelvis barely moves and a run looks like running in place. The floor tells the camera's travel: with the
camera's pitch, height and focal length from the root recovery, every floor pixel is a point on the ground, and
between two frames the floor pattern moves as the camera does. Per pair of frames, the camera's horizontal
displacement d (metres, in the root's ground frame) is found by Gauss-Newton on the grey levels of floor pixels
away from the person: frame t+1 at pixel p shows the ground point that frame t showed at ground(p) + d. It runs
coarse to fine (blurred images first) and starts from the previous pair's d, so a steady dolly is followed past
the floor's repeating pattern. A camera that only translates (no pan, no zoom) is modelled; a still camera reads
as travel ~0. Shapes: T frames, H x W pixels (after FRAME_WIDTH downscaling), M floor pixels in use.
"""

import numpy as np

from ..motion.transforms import smooth_in_time

FRAME_WIDTH = 128  # pixels: frames are subsampled to at most this width first (speed; the blur does the rest)
BLURS = (2.0, 1.0)  # Gaussian sigmas (pixels at FRAME_WIDTH), coarse to fine
STEPS = 3  # Gauss-Newton steps per blur, the Jacobian computed at the first
STILL_GREY = 0.4  # grey levels (of 255): floor pixels that change less than this on average mean a camera at rest
PERSON_MARGIN = 0.25  # the person's landmark box grown by this share of its size each way (limbs, shadow)
MIN_FLOOR_SHARE = 0.05  # fewer usable floor pixels than this share of the frame: that pair's travel is not read
MAX_GROUND_DEPTH = 25.0  # metres: floor farther than this (near the horizon) is left out
EPS = 0.01  # metres: the finite difference of the warp


def grey_small(frames: np.ndarray) -> tuple[np.ndarray, int]:
    """uint8 RGB frames [T, H, W, 3] → float grey [T, H/k, W/k]: every k-th pixel (k also returned) of the green
    channel, which carries most of the luminance; the blur that follows (BLURS) smooths what this skips."""
    k = max(1, -(-frames.shape[2] // FRAME_WIDTH))
    return frames[:, k // 2 :: k, k // 2 :: k, 1].astype(np.float32), k


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur of image [H, W] (edges repeated): smooth_in_time down the rows, then the columns."""
    return smooth_in_time(smooth_in_time(image, sigma).T, sigma).T


def sample(image: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """Bilinear samples of image [H, W] at pixel coordinates uv [M, 2] (x, y), clamped to the image → [M]."""
    u = np.clip(uv[:, 0], 0, image.shape[1] - 1.001)
    v = np.clip(uv[:, 1], 0, image.shape[0] - 1.001)
    u0, v0 = u.astype(int), v.astype(int)
    fu, fv = u - u0, v - v0
    top = image[v0, u0] * (1 - fu) + image[v0, u0 + 1] * fu
    bottom = image[v0 + 1, u0] * (1 - fu) + image[v0 + 1, u0 + 1] * fu
    return top * (1 - fv) + bottom * fv


class FloorView:
    """The floor as a still-calibrated camera sees it: pixel ↔ ground point (x, z in the root's ground frame:
    x right, z back towards the camera, origin under the camera; metres). rotation: ground axes in camera
    coordinates [3, 3] (RootTrajectory.rotation); focal in pixels of this (downscaled) image."""

    def __init__(self, rotation: np.ndarray, camera_height: float, focal: float, width: int, height: int) -> None:
        self.rotation, self.camera_height, self.focal = rotation, camera_height, focal
        self.centre = np.array([width, height]) / 2
        v, u = np.mgrid[0:height, 0:width]
        self.pixels = np.stack([u.ravel(), v.ravel()], 1).astype(np.float64)  # [H*W, 2]
        self.ground, self.on_floor = self.to_ground(self.pixels)  # [H*W, 2], [H*W]

    def to_ground(self, uv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixels [M, 2] → ground x, z [M, 2] where their rays meet the floor, and whether they do (nearer than
        MAX_GROUND_DEPTH) [M]."""
        rays = np.concatenate([(uv - self.centre) / self.focal, np.ones((len(uv), 1))], 1) @ self.rotation.T
        down = rays[:, 1] < -1e-6  # [M]: the ray points below the horizon
        length = np.where(down, self.camera_height / np.where(down, -rays[:, 1], 1.0), np.inf)
        hit = rays[:, [0, 2]] * np.where(down, length, 0.0)[:, None]  # [M, 2]
        return hit, down & (np.linalg.norm(hit, axis=1) < MAX_GROUND_DEPTH)

    def to_pixels(self, ground: np.ndarray) -> np.ndarray:
        """Ground x, z [M, 2] → pixels [M, 2]."""
        points = np.stack([ground[:, 0], np.full(len(ground), -self.camera_height), ground[:, 1]], 1)  # [M, 3]
        camera = points @ self.rotation  # [M, 3] camera coordinates (ground → camera: the rotation's transpose)
        return camera[:, :2] / camera[:, 2:] * self.focal + self.centre


def person_mask(image_landmarks: np.ndarray, pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """Which pixels [M, 2] (x, y) lie inside the person's landmark box (fractions of a width x height frame
    [33, 4]; NaN: nobody), grown by PERSON_MARGIN → [M]; none when nobody was found."""
    if not np.isfinite(image_landmarks[:, :2]).all():
        return np.zeros(len(pixels), dtype=bool)
    xy = image_landmarks[:, :2] * (width, height)  # [33, 2]
    lo, hi = xy.min(0), xy.max(0)
    lo, hi = lo - PERSON_MARGIN * (hi - lo) - 2, hi + PERSON_MARGIN * (hi - lo) + 2
    u, v = pixels[:, 0], pixels[:, 1]
    return (u >= lo[0]) & (u <= hi[0]) & (v >= lo[1]) & (v <= hi[1])


def register(view: FloorView, before: list[np.ndarray], after: list[np.ndarray], use: np.ndarray,
             start: np.ndarray) -> np.ndarray:
    """The camera's displacement d [2] (ground x, z; metres) from frame `before` to `after` (grey [H, W], one per
    blur in BLURS) over the floor pixels `use` [H*W]: after(p) = before(to_pixels(ground(p) + d)), Gauss-Newton
    from `start` [2], each blur's Jacobian (finite differences of the warp) computed at its first step."""
    ground = view.ground[use]  # [M, 2]
    d = start.astype(np.float64).copy()
    for b, a in zip(before, after):
        a = a.ravel()[use]  # [M]
        warped = sample(b, view.to_pixels(ground + d))  # [M]
        jac = np.stack([(sample(b, view.to_pixels(ground + d + nudge)) - warped) / EPS
                        for nudge in (np.array([EPS, 0.0]), np.array([0.0, EPS]))], 1)  # [M, 2]
        normal = jac.T @ jac
        if np.linalg.det(normal) < 1e-9 * max(np.trace(normal) ** 2, 1e-30):
            return d  # a featureless floor says nothing about one direction
        for i in range(STEPS):
            if i:
                warped = sample(b, view.to_pixels(ground + d))
            d += np.linalg.solve(normal, jac.T @ (a - warped))
    return d


def camera_travel(frames: np.ndarray, image_landmarks: np.ndarray, rotation: np.ndarray, camera_height: float,
                  focal: float) -> np.ndarray:
    """Where the camera is in each frame [T, 2] (ground x, z, metres; 0 in the first frame) for uint8 RGB frames
    [T, H, W, 3], BlazePose's image landmarks [T, 33, 4] (fractions; NaN rows where nobody), and the root
    recovery's rotation [3, 3], camera height (m) and focal length (pixels of the full frame). A pair of frames
    with too little floor in view (MIN_FLOOR_SHARE) repeats the previous pair's step: all zeros when no pair has
    enough."""
    grey, k = grey_small(frames)  # [T, H', W']
    height, width = grey.shape[1:]
    view = FloorView(rotation, camera_height, focal / k, width, height)
    fine = [blur(g, BLURS[-1]) for g in grey]  # [T] of [H', W']: the still check's and the last level's

    def levels(t: int) -> list[np.ndarray]:
        return [blur(grey[t], sigma) for sigma in BLURS[:-1]] + [fine[t]]

    travel = np.zeros((len(frames), 2))
    step = np.zeros(2)
    for t in range(1, len(frames)):
        use = view.on_floor & ~person_mask(image_landmarks[t - 1], view.pixels, width, height) \
            & ~person_mask(image_landmarks[t], view.pixels, width, height)  # [H'*W']
        if use.mean() >= MIN_FLOOR_SHARE:
            change = np.abs(fine[t].ravel()[use] - fine[t - 1].ravel()[use]).mean()
            step = np.zeros(2) if change < STILL_GREY else register(view, levels(t - 1), levels(t), use, step)
        travel[t] = travel[t - 1] + step
    return travel
