"""The canonical skeleton dressed as a solid person: joints → round cones (limbs, neck, hands, shoes) and
ellipsoids (chest, waist, hips, head, hair, face), each with a material (skin, hair, shirt, trousers, ...).

Sizes are adult averages in metres, scaled by the `Appearance`'s girth; bone lengths come from the joints, so
the body follows whatever skeleton it is given. A face (eyes, nose, mouth, ears) and hair that leaves it free
matter: BlazePose's person detector finds people by their faces first. Shapes: T frames, J=22 joints,
C round cones, E ellipsoids, M=7 materials.
"""

import colorsys
from dataclasses import dataclass

import numpy as np

from ..motion.skeleton import JOINT_INDEX

MATERIALS = ("skin", "hair", "shirt", "trousers", "shoes", "eyes", "lips")
SKIN, HAIR, SHIRT, TROUSERS, SHOES, EYES, LIPS = range(len(MATERIALS))
SKIN_TONES = ((255, 224, 196), (241, 194, 150), (224, 172, 125), (198, 134, 86), (141, 85, 50), (92, 58, 38))
HAIR_COLOURS = ((25, 20, 15), (60, 40, 25), (110, 75, 45), (200, 170, 110), (130, 50, 25), (150, 150, 150))
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Appearance:
    """How the person looks. Colours are RGB, 0-255."""

    skin: Colour = (224, 172, 125)
    hair: Colour = (60, 40, 25)
    shirt: Colour = (40, 90, 160)
    trousers: Colour = (50, 50, 60)
    shoes: Colour = (35, 35, 35)
    long_sleeves: bool = False  # False: the sleeves end halfway down the upper arm
    long_trousers: bool = True  # False: shorts ending above the knee
    girth: float = 1.0  # multiplies limb and torso thickness: 0.85 slim .. 1.25 heavy

    def palette(self) -> np.ndarray:
        """Material albedos [M, 3] in 0..1, in MATERIALS order."""
        eyes, lips = (30, 25, 25), tuple(0.75 * np.array(self.skin) * (1.1, 0.75, 0.75))
        colours = (self.skin, self.hair, self.shirt, self.trousers, self.shoes, eyes, lips)
        return np.clip(np.array(colours, dtype=np.float32) / 255.0, 0.0, 1.0)


def _random_cloth(rng: np.random.Generator) -> Colour:
    """A clothing colour: any hue, muted to vivid, never pure black or white (both lose the body's shading)."""
    r, g, b = colorsys.hsv_to_rgb(rng.random(), rng.uniform(0.15, 0.8), rng.uniform(0.22, 0.9))
    return int(255 * r), int(255 * g), int(255 * b)


def random_appearance(rng: np.random.Generator) -> Appearance:
    """A person drawn at random: skin tone, hair, clothes, sleeve and trouser length, girth."""
    return Appearance(
        skin=SKIN_TONES[rng.integers(len(SKIN_TONES))], hair=HAIR_COLOURS[rng.integers(len(HAIR_COLOURS))],
        shirt=_random_cloth(rng), trousers=_random_cloth(rng), shoes=_random_cloth(rng),
        long_sleeves=bool(rng.random() < 0.4), long_trousers=bool(rng.random() < 0.7),
        girth=float(rng.uniform(0.88, 1.2)),
    )


@dataclass(frozen=True)
class BodyShapes:
    """The solids of a clip, world space (y-up, metres). Radii and sizes are the same in every frame."""

    cone_a: np.ndarray  # [T, C, 3] centre of each round cone's first sphere
    cone_b: np.ndarray  # [T, C, 3] centre of its second sphere
    cone_r: np.ndarray  # [C, 2] the two radii
    cone_mat: np.ndarray  # [C] material index
    ell_centre: np.ndarray  # [T, E, 3]
    ell_axes: np.ndarray  # [T, E, 3, 3] rows: unit axis directions
    ell_semi: np.ndarray  # [E, 3] semi-axis lengths along those rows
    ell_mat: np.ndarray  # [E] material index

    def lowest_point(self) -> float:
        """The lowest height (m) any solid reaches over the clip: where the floor goes."""
        cones = np.minimum(self.cone_a[..., 1] - self.cone_r[:, 0], self.cone_b[..., 1] - self.cone_r[:, 1])
        reach = np.sqrt(((self.ell_axes[..., 1] * self.ell_semi) ** 2).sum(-1))  # [T, E]: extent along world y
        return float(min(cones.min(), (self.ell_centre[..., 1] - reach).min()))


def _unit(v: np.ndarray) -> np.ndarray:
    """v [..., 3] scaled to unit length (zero vectors stay zero)."""
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _body_frame(up: np.ndarray, left_hint: np.ndarray) -> np.ndarray:
    """Orthonormal axes [T, 3, 3], rows (left, up, forward), from an up direction and a rough left [T, 3]."""
    up = _unit(up)
    forward = _unit(np.cross(left_hint, up))  # the person's left × up points where they face
    return np.stack([np.cross(up, forward), up, forward], 1)


def _lerp(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    return (1.0 - w) * a + w * b


class _Builder:
    """Collects solids one by one; `build` stacks them into a BodyShapes."""

    def __init__(self) -> None:
        self.cones: list[tuple[np.ndarray, np.ndarray, float, float, int]] = []
        self.ellipsoids: list[tuple[np.ndarray, np.ndarray, tuple[float, float, float], int]] = []

    def cone(self, a: np.ndarray, b: np.ndarray, ra: float, rb: float, mat: int) -> None:
        self.cones.append((a, b, ra, rb, mat))

    def ellipsoid(self, centre: np.ndarray, axes: np.ndarray, semi: tuple[float, float, float], mat: int) -> None:
        self.ellipsoids.append((centre, axes, semi, mat))

    def build(self) -> BodyShapes:
        a, b, ra, rb, cmat = zip(*self.cones)
        centre, axes, semi, emat = zip(*self.ellipsoids)
        return BodyShapes(
            np.stack(a, 1), np.stack(b, 1), np.stack([ra, rb], 1), np.array(cmat),
            np.stack(centre, 1), np.stack(axes, 1), np.array(semi, dtype=np.float64), np.array(emat),
        )


def _add_limb(add: _Builder, bones: tuple[np.ndarray, np.ndarray, np.ndarray], radii: tuple[float, ...],
              covered: bool, garment: int, split: float) -> None:
    """Upper and lower bone of an arm or leg. A short garment (`covered` False) ends `split` of the way down the
    upper bone, skin below. radii: garment start/end, bare upper start/end, lower start/end (metres)."""
    top, joint, end = bones
    hem = joint if covered else _lerp(top, joint, split)
    add.cone(top, hem, radii[0], radii[1], garment)
    if not covered:
        add.cone(hem, joint, radii[2], radii[3], SKIN)
    add.cone(joint, end, radii[4], radii[5], garment if covered else SKIN)


def _add_limbs(add: _Builder, j: dict[str, np.ndarray], look: Appearance) -> None:
    """Arms, hands, legs and shoes of both sides. Sleeves and shorts split a bone into two cones."""
    g = look.girth
    arm_radii = tuple(r * g for r in (0.054, 0.046, 0.045, 0.041, 0.040, 0.030))
    leg_radii = tuple(r * g for r in (0.088, 0.066, 0.064, 0.056, 0.054, 0.037))
    for s in ("l", "r"):
        elbow, wrist = j[f"{s}_elbow"], j[f"{s}_wrist"]
        _add_limb(add, (j[f"{s}_shoulder"], elbow, wrist), arm_radii, look.long_sleeves, SHIRT, 0.45)
        hand_dir = _unit(wrist - elbow)
        add.cone(wrist + 0.015 * hand_dir, wrist + 0.11 * hand_dir, 0.034, 0.027, SKIN)
        ankle, foot = j[f"{s}_ankle"], j[f"{s}_foot"]
        _add_limb(add, (j[f"{s}_hip"], j[f"{s}_knee"], ankle), leg_radii, look.long_trousers, TROUSERS, 0.6)
        toe_dir = _unit(foot - ankle)
        add.cone(ankle - 0.035 * toe_dir, foot + 0.06 * toe_dir, 0.045, 0.034, SHOES)


def _add_torso(add: _Builder, j: dict[str, np.ndarray], look: Appearance) -> np.ndarray:
    """Hips, waist, chest, neck and shoulder caps; returns the chest's axes [T, 3, 3] for the head to face by."""
    g = look.girth
    hips_left, shoulders_left = j["l_hip"] - j["r_hip"], j["l_shoulder"] - j["r_shoulder"]
    half_hips = float(np.median(np.linalg.norm(hips_left, axis=-1))) / 2
    half_shoulders = float(np.median(np.linalg.norm(shoulders_left, axis=-1))) / 2
    shoulder_mid = _lerp(j["l_shoulder"], j["r_shoulder"], 0.5)
    chest_top = _lerp(j["neck"], shoulder_mid, 0.5)  # skeletons disagree on which of the two sits higher
    chest_height = float(np.median(np.linalg.norm(chest_top - j["spine2"], axis=-1)))
    waist_height = float(np.median(np.linalg.norm(j["spine2"] - j["pelvis"], axis=-1)))
    hips = _body_frame(j["spine1"] - j["pelvis"], hips_left)
    waist = _body_frame(j["spine2"] - j["pelvis"], hips_left + shoulders_left)
    chest = _body_frame(chest_top - j["spine2"], shoulders_left)
    add.ellipsoid(j["pelvis"] - 0.02 * hips[:, 1], hips, (half_hips + 0.085 * g, 0.125, 0.105 * g), TROUSERS)
    add.ellipsoid(_lerp(j["pelvis"], j["spine2"], 0.6), waist, (0.13 * g, waist_height / 2 + 0.07, 0.097 * g), SHIRT)
    add.ellipsoid(_lerp(j["spine2"], chest_top, 0.5), chest,
                  (0.7 * half_shoulders + 0.03 * g, chest_height / 2 + 0.045, 0.105 * g), SHIRT)
    for s in ("l", "r"):
        add.cone(_lerp(j[f"{s}_collar"], j[f"{s}_shoulder"], 0.4), j[f"{s}_shoulder"], 0.055 * g, 0.055 * g, SHIRT)
    add.cone(_lerp(j["neck"], shoulder_mid, 0.5), j["head"], 0.055 * g, 0.048, SKIN)
    return chest


def _add_head(add: _Builder, j: dict[str, np.ndarray], chest: np.ndarray) -> None:
    """Skull, hair, eyes, nose, mouth and ears, facing where the chest faces (the joints carry no head yaw)."""
    head = _body_frame(j["head"] - j["neck"], chest[:, 0])
    left, up, fwd = head[:, 0], head[:, 1], head[:, 2]
    centre = j["head"] + 0.05 * up
    add.ellipsoid(centre, head, (0.076, 0.108, 0.096), SKIN)
    add.ellipsoid(centre + 0.014 * up - 0.02 * fwd, head, (0.081, 0.108, 0.096), HAIR)
    for side in (1.0, -1.0):
        add.ellipsoid(centre + 0.079 * fwd + 0.018 * up + side * 0.031 * left, head, (0.015, 0.009, 0.012), EYES)
        add.ellipsoid(centre - 0.005 * fwd + side * 0.075 * left, head, (0.014, 0.03, 0.02), SKIN)
    add.ellipsoid(centre + 0.09 * fwd - 0.008 * up, head, (0.012, 0.022, 0.016), SKIN)
    add.ellipsoid(centre + 0.081 * fwd - 0.048 * up, head, (0.022, 0.007, 0.01), LIPS)


def body_shapes(joints: np.ndarray, look: Appearance) -> BodyShapes:
    """Dress joints [T, 22, 3] (y-up, metres) as the solids of a person that looks like `look`."""
    joints = np.asarray(joints, dtype=np.float64)
    named = {name: joints[:, i] for name, i in JOINT_INDEX.items()}  # each [T, 3]
    add = _Builder()
    _add_limbs(add, named, look)
    chest = _add_torso(add, named, look)
    _add_head(add, named, chest)
    return add.build()
