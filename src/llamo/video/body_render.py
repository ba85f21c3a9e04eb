"""Render the canonical skeleton as a solid, shaded person on a checkered floor, seen by a pinhole camera.

Videos for the Motion Estimator (BlazePose must find a person in them), where the stick figures of
motion/render.py are not people. Numpy ray-casts the body's round cones and ellipsoids (video/body_shapes.py)
into a z-buffer, one pixel box per solid, with Lambert shading; the floor, its horizon and a soft blob shadow come
from one ray-plane intersection per pixel. The camera (video/camera.py) is returned with the frames (K, and R, t
per frame, OpenCV axes), so what a video estimator recovers can be compared with the truth; `masks` tell which
pixels show the person. Shapes: T frames, J=22 joints, H, W pixels.
"""

import colorsys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MotionError
from ..motion.render import save_animation
from ..motion.skeleton import JOINT_INDEX, NUM_JOINTS
from .body_shapes import Appearance, BodyShapes, body_shapes, random_appearance
from .camera import CameraSpec, PinholeCamera, place_camera, random_camera
from .raycast import (
    ellipsoid_hit,
    ellipsoid_normals,
    pixel_boxes,
    pixel_rays,
    round_cone_hit,
    round_cone_normals,
    sphere_bounds,
)

Colour = tuple[int, int, int]
SHADOW_JOINTS = [JOINT_INDEX[n] for n in ("pelvis", "l_ankle", "r_ankle", "l_foot", "r_foot")]


@dataclass(frozen=True)
class Scene:
    """What surrounds the person: a two-colour checkered floor, a sky gradient, one directional light."""

    floor: tuple[Colour, Colour] = ((170, 160, 140), (120, 112, 100))
    tile_m: float = 0.75  # side of one floor square (m)
    sky: Colour = (150, 180, 215)
    horizon: Colour = (215, 220, 225)
    light_azimuth_deg: float = 40.0
    light_elevation_deg: float = 50.0


def _hsv(h: float, s: float, v: float) -> Colour:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return int(255 * r), int(255 * g), int(255 * b)


def random_scene(rng: np.random.Generator) -> Scene:
    """A scene drawn at random: floor colours and tile size, sky, light direction."""
    hue, sat, val = rng.random(), rng.uniform(0.05, 0.45), rng.uniform(0.45, 0.8)
    contrast = rng.uniform(0.6, 0.85)
    floor = (_hsv(hue, sat, val), _hsv(hue + rng.uniform(-0.05, 0.05), sat, val * contrast))
    sky_hue = rng.uniform(0.5, 0.7)
    return Scene(floor, float(rng.uniform(0.4, 1.2)), _hsv(sky_hue, rng.uniform(0.15, 0.5), rng.uniform(0.7, 0.95)),
                 _hsv(sky_hue, rng.uniform(0.0, 0.1), rng.uniform(0.8, 0.95)), float(rng.uniform(0, 360)),
                 float(rng.uniform(30, 70)))


def _bounding_spheres(shapes: BodyShapes) -> tuple[np.ndarray, np.ndarray]:
    """Centres [T, 2C+E, 3] and radii [2C+E] of spheres that together enclose every solid of every frame."""
    centres = np.concatenate([shapes.cone_a, shapes.cone_b, shapes.ell_centre], 1)
    radii = np.concatenate([shapes.cone_r[:, 0], shapes.cone_r[:, 1], shapes.ell_semi.max(1)])
    return centres, radii


@dataclass(frozen=True)
class _Backdrop:
    """The floor and sky as the camera sees them at rest; a dollying camera only shifts the floor pattern."""

    tiles: tuple[np.ndarray, np.ndarray]  # [H, W, 3] each, 0..1: the picture if all floor were either tile
    floor_mask: np.ndarray  # [H, W] bool: the pixel shows the floor
    floor_xz: np.ndarray  # [H, W, 2] world x, z (m) of the floor point each pixel shows, at rest (0 off it)
    tile_m: float

    def image(self, offset: np.ndarray) -> np.ndarray:
        """The backdrop [H, W, 3] seen from the camera at rest moved by offset [3] (horizontal)."""
        xz = self.floor_xz + offset[[0, 2]]
        odd = ((np.floor(xz[..., 0] / self.tile_m) + np.floor(xz[..., 1] / self.tile_m)) % 2 == 1) & self.floor_mask
        return np.where(odd[..., None], self.tiles[1], self.tiles[0])


def _backdrop(cam: PinholeCamera, rays: np.ndarray, floor_y: float, scene: Scene) -> _Backdrop:
    """Floor tiles (faded to their mean where a tile shrinks below a few pixels, then fogged), and the sky."""
    dirs = rays @ cam.R  # [H, W, 3] world directions
    eye = cam.eyes.mean(0)  # the camera at rest: a dolly's offsets have zero mean
    with np.errstate(divide="ignore"):
        dist = np.where(dirs[..., 1] < -1e-6, (floor_y - eye[1]) / dirs[..., 1], np.inf)  # [H, W] ray length
    floor = np.isfinite(dist)
    hit = eye + np.where(floor, dist, 0.0)[..., None] * dirs  # [H, W, 3]; the eye itself off the floor
    footprint = dist / (cam.K[0, 0] * np.maximum(-dirs[..., 1], 1e-6))  # ground metres per pixel, depth-wise
    fade = np.clip(footprint / (0.25 * scene.tile_m), 0, 1)[..., None]  # moiré would replace tiles under ~4 px
    fog = (1 - np.exp(-np.where(floor, dist, 1e9) / 35.0))[..., None]
    horizon, sky = (np.array(c, dtype=np.float64) / 255 for c in (scene.horizon, scene.sky))
    a, b = (np.array(c, dtype=np.float64) / 255 for c in scene.floor)
    tiles = [(1 - fog) * ((1 - fade) * c + fade * (a + b) / 2) + fog * horizon for c in (a, b)]
    above = horizon + np.clip(dirs[..., 1:2] * 2.5, 0, 1) * (sky - horizon)
    tiles = tuple(np.where(floor[..., None], t, above) for t in tiles)
    return _Backdrop(tiles, floor, hit[..., [0, 2]], scene.tile_m)


def _shadow_box(cam: PinholeCamera, lo: np.ndarray, hi: np.ndarray, floor_y: float) -> tuple[slice, slice]:
    """Rows and columns of the pixels that can show the floor rectangle lo..hi (world x, z [2] each)."""
    corners = np.array([(x, floor_y, z) for x in (lo[0], hi[0]) for z in (lo[1], hi[1])])  # [4, 3]
    pixels, depth = (a[0] for a in cam.project(corners[None]))  # [4, 2], [4]
    if (depth < 1e-2).any():  # the rectangle reaches behind the camera: its projection is unbounded
        return slice(0, cam.height), slice(0, cam.width)
    x0, y0 = np.clip(np.floor(pixels.min(0)), 0, (cam.width, cam.height)).astype(int)
    x1, y1 = np.clip(np.ceil(pixels.max(0)), 0, (cam.width, cam.height)).astype(int)
    return slice(y0, y1), slice(x0, x1)


def _shadow(image: np.ndarray, backdrop: _Backdrop, cam: PinholeCamera, offset: np.ndarray, joints: np.ndarray,
            floor_y: float) -> None:
    """Darken image [H, W, 3] (the backdrop of one frame, seen by the one-frame camera `cam`, moved by offset
    [3] from rest) with a soft shadow under the pelvis and feet of its pose, joints [22, 3]: a blob that widens
    and fades as the joint rises (no light direction: an overcast, ambient-occlusion look)."""
    heights = np.maximum(joints[SHADOW_JOINTS, 1] - floor_y, 0.0)  # [5]
    sigma = np.array([0.2, 0.07, 0.07, 0.08, 0.08]) + 0.25 * heights
    strength = np.array([0.35, 0.45, 0.45, 0.45, 0.45]) / (1 + 3 * heights)
    centres = joints[SHADOW_JOINTS][:, [0, 2]]  # [5, 2]
    rows, cols = _shadow_box(cam, centres.min(0) - 3 * sigma.max(), centres.max(0) + 3 * sigma.max(), floor_y)
    mask = backdrop.floor_mask[rows, cols]  # [h, w]
    apart = backdrop.floor_xz[rows, cols][mask][:, None] + offset[[0, 2]] - centres  # [F, 5, 2]
    dark = (strength * np.exp(-(apart**2).sum(-1) / (2 * sigma**2))).max(1)  # [F]
    image[rows, cols][mask] *= (1 - dark)[:, None]


@dataclass(frozen=True)
class _Light:
    """Lambert shading in camera space: ambient from the sky (brighter on upward faces) plus one sun."""

    sun: np.ndarray  # [3] unit direction towards the light
    up: np.ndarray  # [3] unit world up

    def shade(self, normals: np.ndarray) -> np.ndarray:
        """Brightness [M, 1] of surface normals [M, 3]."""
        ambient = 0.42 + 0.13 * (normals @ self.up)
        return (ambient + 0.55 * np.maximum(normals @ self.sun, 0.0))[:, None]


def _paint(image: np.ndarray, zbuf: np.ndarray, box: np.ndarray, rays: np.ndarray, solid: tuple,
           colour: np.ndarray, light: _Light) -> None:
    """Ray-cast one solid within its pixel box [4]: where it is nearer than the z-buffer [H, W], write its
    distance there and its shaded colour [3] into image [H, W, 3]. solid: (hit, normals, *parameters), hit and
    normals being raycast's functions of rays [N, 3] → distances [N] and of points [M, 3] → unit normals [M, 3]."""
    hit, normals, *params = solid
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return
    local = rays[y0:y1, x0:x1]  # [h, w, 3]
    dist = hit(local.reshape(-1, 3), *params).reshape(local.shape[:2])  # [h, w]
    depth = zbuf[y0:y1, x0:x1]
    nearer = dist < depth
    if not nearer.any():
        return
    depth[nearer] = dist[nearer]
    image[y0:y1, x0:x1][nearer] = colour * light.shade(normals(local[nearer] * dist[nearer][:, None], *params))


def _render_frame(cam_shapes: BodyShapes, t: int, boxes: np.ndarray, rays: np.ndarray, image: np.ndarray,
                  palette: np.ndarray, light: _Light) -> tuple[np.ndarray, np.ndarray]:
    """Frame t of a clip whose solids are in camera space, drawn over its backdrop image [H, W, 3] (0..1,
    overwritten); boxes [T, C+E, 4] are the solids' pixel boxes. Returns uint8 [H, W, 3] and the person's
    pixels, bool [H, W]."""
    zbuf = np.full(image.shape[:2], np.inf)
    s = cam_shapes
    for c, (ra, rb) in enumerate(s.cone_r):
        solid = (round_cone_hit, round_cone_normals, s.cone_a[t, c], s.cone_b[t, c], ra, rb)
        _paint(image, zbuf, boxes[t, c], rays, solid, palette[s.cone_mat[c]], light)
    for e, semi in enumerate(s.ell_semi):
        solid = (ellipsoid_hit, ellipsoid_normals, s.ell_centre[t, e], s.ell_axes[t, e], semi)
        _paint(image, zbuf, boxes[t, len(s.cone_r) + e], rays, solid, palette[s.ell_mat[e]], light)
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8), np.isfinite(zbuf)


def _to_camera(shapes: BodyShapes, cam: PinholeCamera) -> BodyShapes:
    """The same solids in the camera's coordinates."""
    return BodyShapes(cam.to_camera(shapes.cone_a), cam.to_camera(shapes.cone_b), shapes.cone_r, shapes.cone_mat,
                      cam.to_camera(shapes.ell_centre), shapes.ell_axes @ cam.R.T, shapes.ell_semi, shapes.ell_mat)


def _solid_boxes(shapes: BodyShapes, cam: PinholeCamera) -> np.ndarray:
    """Pixel boxes [T, C+E, 4] of each solid in each frame; shapes in camera space."""
    num_frames, num_cones = shapes.cone_a.shape[:2]
    centres, radii = _bounding_spheres(shapes)  # [T, 2C+E, 3], [2C+E]
    bounds = sphere_bounds(centres.reshape(-1, 3), np.tile(radii, num_frames), cam.K[0, 0], cam.K[:2, 2])
    bounds = bounds.reshape(num_frames, -1, 4)
    cones = np.concatenate([np.fmin(bounds[:, :num_cones, :2], bounds[:, num_cones:2 * num_cones, :2]),
                            np.fmax(bounds[:, :num_cones, 2:], bounds[:, num_cones:2 * num_cones, 2:])], 2)
    # A round cone is the convex hull of its two spheres, so the union of their boxes holds it.
    merged = np.concatenate([cones, bounds[:, 2 * num_cones:]], 1)  # [T, C+E, 4]
    return pixel_boxes(merged.reshape(-1, 4), cam.width, cam.height).reshape(num_frames, -1, 4)


@dataclass(frozen=True)
class BodyRender:
    """A rendered clip and everything needed to relate its pixels to the motion."""

    frames: np.ndarray  # uint8 [T, H, W, 3]
    masks: np.ndarray  # bool [T, H, W]: the pixels showing the person
    camera: PinholeCamera
    appearance: Appearance
    scene: Scene
    floor_y: float  # world height of the floor (m): the lowest point the body reaches in the clip
    spec: CameraSpec  # the camera as asked for (`camera` is where it ended up)


def _check(joints: np.ndarray, width: int, height: int) -> np.ndarray:
    joints = np.asarray(joints, dtype=np.float64)
    if joints.ndim != 3 or joints.shape[1:] != (NUM_JOINTS, 3) or len(joints) == 0:
        raise MotionError(f"render_body: joints have shape {joints.shape}; expected (T, {NUM_JOINTS}, 3), T >= 1")
    if not np.isfinite(joints).all():
        raise MotionError("render_body: joints hold NaN/Inf values; fill or cut those frames first")
    if min(width, height) < 32:
        raise MotionError(f"render_body: size {width}x{height} is too small; use 32 pixels or more a side")
    return joints


def render_body_frames(
    joints: np.ndarray,
    camera: CameraSpec | None = None,
    appearance: Appearance | None = None,
    scene: Scene | None = None,
    size: int | tuple[int, int] = 256,
    seed: int = 0,
) -> BodyRender:
    """Render joints [T, 22, 3] (y-up, metres) as a person → BodyRender (frames uint8 [T, H, W, 3] + camera).

    camera, appearance, scene: None draws each from `seed` (the same seed always draws the same three, whichever
    of them are given). size: S for S × S pixels, or (width, height).
    """
    width, height = (size, size) if isinstance(size, int) else size
    joints = _check(joints, width, height)
    rng = np.random.default_rng(seed)
    drawn = random_camera(rng), random_appearance(rng), random_scene(rng)
    given = camera, appearance, scene
    spec, look, scene = (mine if mine is not None else draw for mine, draw in zip(given, drawn))
    shapes = body_shapes(joints, look)
    floor_y = shapes.lowest_point()
    cam = place_camera(spec, *_bounding_spheres(shapes), joints[:, 0], floor_y, width, height)
    rays = pixel_rays(width, height, cam.K[0, 0]).astype(np.float64)  # [H, W, 3]
    backdrop = _backdrop(cam, rays, floor_y, scene)
    cam_shapes = _to_camera(shapes, cam)
    boxes = _solid_boxes(cam_shapes, cam)
    az, el = np.radians(scene.light_azimuth_deg), np.radians(scene.light_elevation_deg)
    sun = cam.R @ np.array([np.sin(az) * np.cos(el), np.sin(el), np.cos(az) * np.cos(el)])
    light, palette = _Light(sun, cam.R[:, 1]), look.palette().astype(np.float64)
    offsets = cam.eyes - cam.eyes.mean(0)  # [T, 3]: zero for a camera standing still
    still = backdrop.image(offsets[0]) if np.allclose(offsets, 0) else None
    frames = np.empty((len(joints), height, width, 3), dtype=np.uint8)
    masks = np.empty((len(joints), height, width), dtype=bool)
    for t in range(len(joints)):
        image = backdrop.image(offsets[t]) if still is None else still.copy()
        _shadow(image, backdrop, cam.frame(t), offsets[t], joints[t], floor_y)
        frames[t], masks[t] = _render_frame(cam_shapes, t, boxes, rays, image, palette, light)
    return BodyRender(frames, masks, cam, look, scene, floor_y, spec)


def render_body_video(joints: np.ndarray, path: str | Path, fps: float = 20.0, **options) -> BodyRender:
    """Render joints [T, 22, 3] as a person (options: those of render_body_frames) and write `path` (.mp4 or
    .gif) at `fps`; returns the render, with the camera used."""
    render = render_body_frames(joints, **options)
    save_animation(render.frames, path, fps)
    return render
