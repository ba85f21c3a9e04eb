"""Analytic ray casting of the two solids the body renderer is built from: round cones and ellipsoids.

A round cone is the convex hull of two spheres (a tapered capsule: limbs, neck, hands, feet); an ellipsoid is a
scaled, rotated sphere (torso, head, face). Rays start at the camera centre (the origin of camera space), so
every intersection returns the distance t along unit ray directions, which a z-buffer compares directly.
Formulas after Inigo Quilez's "intersectors" (round cone, ellipsoid). Shapes: N rays, M hit points.
"""

import numpy as np


def pixel_rays(width: int, height: int, focal_px: float) -> np.ndarray:
    """Unit ray directions [H, W, 3] through pixel centres, OpenCV camera axes (x right, y down, z forward)."""
    u = (np.arange(width) + 0.5 - width / 2) / focal_px  # [W]
    v = (np.arange(height) + 0.5 - height / 2) / focal_px  # [H]
    rays = np.stack(np.broadcast_arrays(u[None, :], v[:, None], np.ones((1, 1))), -1)  # [H, W, 3]
    return (rays / np.linalg.norm(rays, axis=-1, keepdims=True)).astype(np.float32)


def round_cone_hit(rays: np.ndarray, pa: np.ndarray, pb: np.ndarray, ra: float, rb: float) -> np.ndarray:
    """Distance [N] along unit rays [N, 3] from the origin to the round cone (spheres pa, ra and pb, rb; camera
    space, metres), inf where the ray misses. Needs |pb - pa| > |ra - rb| (neither sphere inside the other)."""
    ba, oa, ob = pb - pa, -pa, -pb
    rr = ra - rb
    m0, m1, m5, m7 = ba @ ba, ba @ oa, oa @ oa, ob @ ob
    m2, m3, m6 = rays @ ba, rays @ oa, rays @ ob  # [N] each
    d2 = m0 - rr * rr
    k2 = d2 - m2 * m2
    k1 = d2 * m3 - m1 * m2 + m2 * rr * ra
    k0 = d2 * m5 - m1 * m1 + 2.0 * m1 * rr * ra - m0 * ra * ra
    h = k1 * k1 - k0 * k2
    with np.errstate(invalid="ignore", divide="ignore"):
        t_side = (-np.sqrt(h) - k1) / k2  # NaN where h < 0: the ray misses the whole (infinite) cone
        y = m1 - ra * rr + t_side * m2  # where along the axis the side is hit; the side spans 0 < y < d2
        on_side = (y > 0) & (y < d2)
        h1, h2 = m3 * m3 - m5 + ra * ra, m6 * m6 - m7 + rb * rb
        t1 = np.where(h1 > 0, -m3 - np.sqrt(h1), np.inf)
        t2 = np.where(h2 > 0, -m6 - np.sqrt(h2), np.inf)
    t = np.where(on_side, t_side, np.minimum(t1, t2))
    return np.where((h >= 0) & (t > 0), t, np.inf)


def round_cone_normals(points: np.ndarray, pa: np.ndarray, pb: np.ndarray, ra: float, rb: float) -> np.ndarray:
    """Outward unit normals [M, 3] at surface points [M, 3] of the round cone (pa, ra)-(pb, rb)."""
    ba = pb - pa
    rr = ra - rb
    d2 = ba @ ba - rr * rr
    rel = points - pa  # [M, 3]
    y = rel @ ba - ra * rr  # [M]: below 0 the point lies on sphere a, above d2 on sphere b
    side = d2 * rel - ba * y[:, None]  # [M, 3]
    normals = np.where((y <= 0)[:, None], rel, np.where((y >= d2)[:, None], points - pb, side))
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)


def ellipsoid_hit(rays: np.ndarray, centre: np.ndarray, axes: np.ndarray, semi: np.ndarray) -> np.ndarray:
    """Distance [N] along unit rays [N, 3] to the ellipsoid (centre [3]; axes [3, 3], rows unit axis directions;
    semi [3] semi-axis lengths, metres), inf where the ray misses."""
    local = axes / semi[:, None]  # [3, 3]: world offset → unit-sphere coordinates
    o = local @ -centre  # [3]
    d = rays @ local.T  # [N, 3]
    a = np.einsum("ij,ij->i", d, d)
    b = d @ o
    h = b * b - a * (o @ o - 1.0)
    with np.errstate(invalid="ignore"):
        t = (-b - np.sqrt(h)) / a
    return np.where((h >= 0) & (t > 0), t, np.inf)


def ellipsoid_normals(points: np.ndarray, centre: np.ndarray, axes: np.ndarray, semi: np.ndarray) -> np.ndarray:
    """Outward unit normals [M, 3] at surface points [M, 3] of the ellipsoid (gradient of its implicit form)."""
    grad = ((points - centre) @ axes.T / semi**2) @ axes  # [M, 3]
    return grad / np.maximum(np.linalg.norm(grad, axis=1, keepdims=True), 1e-12)


def sphere_bounds(centre: np.ndarray, radius: np.ndarray, focal_px: float, principal: np.ndarray) -> np.ndarray:
    """Conservative pixel bounds [K, 4] (x0, y0, x1, y1; unclipped) of spheres given by camera-space centres
    [K, 3] and radii [K], for a camera with principal point [2]; NaN rows for spheres reaching behind it."""
    near = (centre[:, 2] - radius)[:, None]  # [K, 1]: the nearest depth of each sphere
    far = (centre[:, 2] + radius)[:, None]
    lo, hi = centre[:, :2] - radius[:, None], centre[:, :2] + radius[:, None]  # [K, 2]
    # x/z over the sphere's bounding box is extreme at one of its corners.
    lo_px = np.minimum(lo / near, lo / far) * focal_px + principal
    hi_px = np.maximum(hi / near, hi / far) * focal_px + principal
    bounds = np.concatenate([lo_px, hi_px], 1)  # [K, 4]
    bounds[near[:, 0] <= 1e-3] = np.nan
    return bounds


def pixel_boxes(bounds: np.ndarray, width: int, height: int) -> np.ndarray:
    """Integer pixel boxes [K, 4] (x0, y0, x1, y1; half-open) from bounds [K, 4], clipped to the image; spheres
    behind the camera (NaN bounds) get empty boxes."""
    box = np.concatenate([np.floor(bounds[:, :2]), np.ceil(bounds[:, 2:])], 1)
    box = np.clip(np.nan_to_num(box, nan=0.0), 0, [width, height, width, height])
    return box.astype(np.int64)
