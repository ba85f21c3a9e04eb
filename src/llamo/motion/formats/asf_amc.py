"""Acclaim ASF skeleton + AMC motion (the CMU motion capture database) → canonical `Motion`.

Units as the ASF declares them (`length 0.45`: lengths × 1/0.45 are inches, as CMU documents; deg or rad);
forward kinematics as in CMU's reference code and AMCParser (`forward_kinematics`); a joint is where a bone
starts, as in the cgspeed BVH conversion, and `skeleton_map.py` finds the 22 canonical joints. CMU's skeletons
are y-up, facing +z, left +x: canonical already. Shapes: T frames, N tree nodes, J=22.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..motion import CANONICAL_FPS, Motion, check_joints
from ..transforms import resample, to_y_up
from .bvh import axis_rotation, check_duration
from .skeleton_map import JointTree, map_skeleton, to_canonical

AMC_FPS = 120.0  # the CMU database's capture rate; AMC files do not store one
METRES_PER_INCH = 0.0254
ANGLES = ("deg", "rad")
ROOT_CHANNELS = ("TX", "TY", "TZ", "RX", "RY", "RZ")
ROTATION_DOFS = ("rx", "ry", "rz")
BONE_KEYS = ("id", "name", "direction", "length", "axis", "dof", "limits", "bodymass", "cofmass")


@dataclass
class Bone:
    """One ASF bone: direction [3] (unit, global rest frame), length (ASF units), axis [3] (ASF angle units)
    composed in `order`, dof (AMC column order) with one (min, max) limit each."""

    name: str
    direction: np.ndarray = field(default_factory=lambda: np.zeros(3))
    length: float = 0.0
    axis: np.ndarray = field(default_factory=lambda: np.zeros(3))
    order: str = "XYZ"
    dof: tuple[str, ...] = ()
    limits: list[tuple[float, float]] = field(default_factory=list)
    parent: str = ""


@dataclass
class Skeleton:
    """An ASF file: units, the root's AMC value order, rotation order and orientation [3], and the bones in
    parents-first order."""

    length: float = 1.0
    angle: str = "deg"
    root_order: tuple[str, ...] = ROOT_CHANNELS
    root_axis: str = "XYZ"
    orientation: np.ndarray = field(default_factory=lambda: np.zeros(3))
    bones: dict[str, Bone] = field(default_factory=dict)


class _LineError(ValueError):
    """A malformed line; the caller adds the file and line number."""


def _numbers(words: list[str], count: int, what: str) -> np.ndarray:
    if len(words) != count:
        raise _LineError(f"{what} needs {count} number(s), got {len(words)}")
    try:
        return np.array([float(w) for w in words])
    except ValueError as exc:
        raise _LineError(f"{what} holds a non-number ({exc})") from exc


def _order(word: str, what: str) -> str:
    if sorted(word.upper()) != ["X", "Y", "Z"]:
        raise _LineError(f"{what} order {word!r}; expected a permutation of XYZ")
    return word.upper()


def _sections(lines: list[str]) -> list[tuple[str, list[str], list[tuple[int, list[str]]]]]:
    """(keyword, the words after it, [(line number, words)] below it) for each ':keyword' section."""
    sections: list[tuple[str, list[str], list[tuple[int, list[str]]]]] = []
    for number, line in enumerate(lines, 1):
        words = line.split("#")[0].split()
        if not words:
            continue
        if words[0].startswith(":"):
            sections.append((words[0][1:].lower(), words[1:], []))
        elif sections:
            sections[-1][2].append((number, words))
        else:
            raise _LineError(f"line {number}: {line.strip()!r} stands before any ':keyword' section")
    return sections


def _units(skeleton: Skeleton, body: list[tuple[int, list[str]]]) -> None:
    for number, words in body:
        key = words[0].lower()
        if key in ("mass", "length"):
            value = float(_numbers(words[1:], 1, f"line {number}: units {key}")[0])
            if not (np.isfinite(value) and value > 0):
                raise _LineError(f"line {number}: units {key} {value:g}; expected a number > 0")
            if key == "length":
                skeleton.length = value
        elif key == "angle":
            if len(words) != 2 or words[1].lower() not in ANGLES:
                raise _LineError(f"line {number}: units angle {' '.join(words[1:])!r}; accepted: {', '.join(ANGLES)}")
            skeleton.angle = words[1].lower()
        else:
            raise _LineError(f"line {number}: unknown unit {words[0]!r}; accepted: mass, length, angle")


def _root(skeleton: Skeleton, body: list[tuple[int, list[str]]]) -> None:
    for number, words in body:
        key = words[0].lower()
        if key == "order":
            order = tuple(w.upper() for w in words[1:])
            if sorted(order) != sorted(ROOT_CHANNELS):
                raise _LineError(f"line {number}: root order {list(order)}; expected the six {list(ROOT_CHANNELS)}")
            skeleton.root_order = order
        elif key == "axis":
            skeleton.root_axis = _order(words[1] if len(words) == 2 else "", f"line {number}: root axis")
        elif key == "orientation":
            skeleton.orientation = _numbers(words[1:], 3, f"line {number}: root orientation")
        elif key != "position":  # the rest position only places the unanimated skeleton; AMC roots are absolute
            raise _LineError(f"line {number}: unknown root field {words[0]!r}; accepted: order, axis, position, "
                             "orientation")


def _bone_line(bone: Bone, number: int, words: list[str]) -> None:
    key, rest = words[0].lower(), words[1:]
    if key.startswith("("):  # a limits line continues the previous one
        key, rest = "limits", words
    where = f"line {number}: bone {bone.name or '?'}"
    if key == "name":
        bone.name = rest[0] if len(rest) == 1 else ""
    elif key == "direction":
        bone.direction = _numbers(rest, 3, f"{where} direction")
    elif key == "length":
        bone.length = float(_numbers(rest, 1, f"{where} length")[0])
    elif key == "axis":
        bone.axis = _numbers(rest[:3], 3, f"{where} axis")
        bone.order = _order(rest[3] if len(rest) == 4 else "", f"{where} axis")
    elif key == "dof":
        if not rest or not set(d.lower() for d in rest) <= set(ROTATION_DOFS) or len(set(rest)) != len(rest):
            raise _LineError(f"{where} dof {rest}; accepted: rotations {', '.join(ROTATION_DOFS)}, each once")
        bone.dof = tuple(d.lower() for d in rest)
    elif key == "limits":
        pairs = re.findall(r"\(\s*(\S+)\s+(\S+)\s*\)", " ".join(rest))
        if not pairs:
            raise _LineError(f"{where} limits {' '.join(rest)!r}; expected (min max) pairs")
        bone.limits += [tuple(_numbers(list(p), 2, f"{where} limits")) for p in pairs]
    elif key not in BONE_KEYS:
        raise _LineError(f"{where}: unknown field {words[0]!r}; accepted: {', '.join(BONE_KEYS)}")


def _bonedata(skeleton: Skeleton, body: list[tuple[int, list[str]]]) -> None:
    bone, start = None, 0
    for number, words in body:
        key = words[0].lower()
        if key == "begin" and bone is None:
            bone, start = Bone(""), number
        elif key == "end" and bone is not None:
            if not bone.name or bone.name in skeleton.bones or bone.name == "root":
                raise _LineError(f"line {start}: a bone without a name, or a second '{bone.name}'")
            if bone.limits and len(bone.limits) != len(bone.dof):
                raise _LineError(f"line {start}: bone {bone.name} has {len(bone.dof)} dof and "
                                 f"{len(bone.limits)} limits; expected one (min max) per dof")
            norm = np.linalg.norm(bone.direction)
            if bone.length < 0 or (bone.length > 0 and norm == 0):
                raise _LineError(f"line {start}: bone {bone.name} needs a length >= 0 and a non-zero direction")
            bone.direction = bone.direction / norm if norm > 0 else bone.direction
            skeleton.bones[bone.name] = bone
            bone = None
        elif bone is not None:
            _bone_line(bone, number, words)
        else:
            raise _LineError(f"line {number}: {' '.join(words)!r} outside a begin ... end bone block")


def _hierarchy(skeleton: Skeleton, body: list[tuple[int, list[str]]]) -> None:
    """Set each bone's parent and reorder the bones parents-first."""
    children: dict[str, list[str]] = {}
    for number, words in body:
        if words[0].lower() in ("begin", "end"):
            continue
        unknown = [w for w in words if w != "root" and w not in skeleton.bones]
        if unknown:
            raise _LineError(f"line {number}: hierarchy names {unknown}, which :bonedata does not define")
        children.setdefault(words[0], []).extend(words[1:])
    ordered, queue = {}, ["root"]
    while queue:
        parent = queue.pop(0)
        for name in children.get(parent, []):
            if name not in ordered:
                skeleton.bones[name].parent = parent
                ordered[name] = skeleton.bones[name]
                queue.append(name)
    orphans = [name for name in skeleton.bones if name not in ordered]
    if orphans:
        raise _LineError(f"bones {orphans} are not reached from root in :hierarchy")
    skeleton.bones = ordered


def _read_text(path: Path, what: str) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig", errors="strict").splitlines()
    except UnicodeDecodeError as exc:
        raise MotionError(f"{path}: not UTF-8 text ({exc.reason}); an {what} file is plain text") from exc
    except OSError as exc:
        raise MotionError(f"{path}: cannot read the {what} file ({exc.strerror or exc})") from exc


def parse_asf(path: str | Path) -> Skeleton:
    """An ASF file → Skeleton, or MotionError naming the file and line. `:units` mass and length must be numbers
    > 0, angle deg or rad; limits are checked in form (one pair per dof), not enforced: CMU's clips exceed them."""
    path, skeleton = Path(path), Skeleton()
    handlers = {"units": _units, "root": _root, "bonedata": _bonedata, "hierarchy": _hierarchy}
    try:
        sections = _sections(_read_text(path, "ASF"))
        bodies = {key: body for key, _, body in sections}
        if "bonedata" not in bodies or "hierarchy" not in bodies:
            raise _LineError("no ':bonedata' and ':hierarchy' sections; not an ASF skeleton")
        for key, handler in handlers.items():  # in this order: bones must exist before the hierarchy links them
            if key in bodies:
                handler(skeleton, bodies[key])
    except _LineError as exc:
        raise MotionError(f"{path}: {exc}") from exc
    return skeleton


def _amc_line(words: list[str], number: int, skeleton: Skeleton, frame: dict, source: str) -> None:
    """Store one bone line of an AMC frame in `frame`."""
    name = words[0]
    expected = len(ROOT_CHANNELS) if name == "root" else len(skeleton.bones[name].dof) \
        if name in skeleton.bones else None
    if expected is None:
        raise MotionError(f"{source}: line {number}: unknown bone {name!r}; the skeleton's bones are "
                          f"{['root', *skeleton.bones]}")
    if len(words) - 1 != expected or name in frame:
        raise MotionError(f"{source}: line {number}: {name} has {len(words) - 1} values"
                          f"{' (a second time in this frame)' if name in frame else ''}; the ASF declares {expected}")
    try:
        frame[name] = [float(w) for w in words[1:]]
    except ValueError as exc:
        raise MotionError(f"{source}: line {number}: non-numeric value in {' '.join(words)!r}") from exc


def parse_amc(path: str | Path, skeleton: Skeleton) -> tuple[dict[str, np.ndarray], str]:
    """An AMC file → (bone name → values [T, dof], in ASF units; the angle unit), or MotionError naming the line."""
    source, angle, frames = str(path), skeleton.angle, []
    for number, line in enumerate(_read_text(Path(path), "AMC"), 1):
        words = line.split("#")[0].split()
        if not words:
            continue
        if words[0].startswith(":"):
            angle = {":DEGREES": "deg", ":RADIANS": "rad"}.get(words[0].upper(), angle)
        elif len(words) == 1 and words[0].isdigit():
            if frames and int(words[0]) != frames[-1][0] + 1:
                raise MotionError(f"{source}: line {number}: frame {words[0]} follows frame {frames[-1][0]}; "
                                  "frames must be numbered consecutively (a frame is missing?)")
            frames.append((int(words[0]), {}))
        elif not frames:
            raise MotionError(f"{source}: line {number}: {line.strip()!r} comes before the first frame number")
        else:
            _amc_line(words, number, skeleton, frames[-1][1], source)
    needed = ["root"] + [name for name, bone in skeleton.bones.items() if bone.dof]
    for number, frame in frames:
        missing = [name for name in needed if name not in frame]
        if missing:
            raise MotionError(f"{source}: frame {number} has no values for {missing}; every frame lists every bone "
                              "with dof")
    if len(frames) < 2:
        raise MotionError(f"{source}: {len(frames)} frame(s); a motion needs at least 2")
    return {name: np.array([frame[name] for _, frame in frames]) for name in needed}, angle


def euler(order: str, radians: np.ndarray) -> np.ndarray:
    """Rotations [T, 3, 3] about the fixed x, y, z axes by angles [T, 3] (columns x, y, z), turning about
    order[0] first: "XYZ" gives Rz · Ry · Rx."""
    rotation = np.broadcast_to(np.eye(3), (len(radians), 3, 3))
    for axis in order:
        rotation = axis_rotation("XYZ".index(axis), radians[:, "XYZ".index(axis)]) @ rotation
    return rotation


def _radians(angles: np.ndarray, unit: str) -> np.ndarray:
    return np.deg2rad(angles) if unit == "deg" else angles


def forward_kinematics(skeleton: Skeleton, values: dict[str, np.ndarray], angle: str) -> tuple[JointTree, np.ndarray]:
    """The joint tree (root, each bone's start, each leaf bone's tip) and its positions [T, N, 3] in ASF length
    units, from AMC values [T, dof] per bone (angles in `angle` units, root translations in ASF length units).

    A bone's global rotation is R_parent · C · M · C⁻¹, with C its `axis` rotation and M its dof rotations, both
    composed about fixed axes in the axis order (XYZ: Rz·Ry·Rx); the bone runs from its parent's end along
    length · R · direction. The root turns by O · M · O⁻¹ (O: its `orientation`) and moves to its TX TY TZ.
    """
    root = values["root"]  # [T, 6] in root_order
    column = {channel: root[:, skeleton.root_order.index(channel)] for channel in ROOT_CHANNELS}
    turn = euler(skeleton.root_axis, _radians(np.stack([column[c] for c in ("RX", "RY", "RZ")], 1), angle))
    frame = euler(skeleton.root_axis, _radians(skeleton.orientation[None], skeleton.angle))[0]
    rotations = {"root": frame @ turn @ frame.T}  # [T, 3, 3] per bone
    ends = {"root": np.stack([column[c] for c in ("TX", "TY", "TZ")], 1)}  # [T, 3] per bone
    nodes, node = [("root", -1, True, ends["root"])], {"root": 0}  # (name, parent node, real, positions [T, 3])
    has_children = {bone.parent for bone in skeleton.bones.values()}
    for name, bone in skeleton.bones.items():
        c = euler(bone.order, _radians(bone.axis[None], skeleton.angle))[0]
        angles = np.zeros((len(root), 3))  # [T, 3]
        for k, dof in enumerate(bone.dof):
            angles[:, ROTATION_DOFS.index(dof)] = _radians(values[name][:, k], angle)
        rotations[name] = rotations[bone.parent] @ c @ euler(bone.order, angles) @ c.T
        ends[name] = ends[bone.parent] + bone.length * rotations[name] @ bone.direction
        node[name] = len(nodes)
        nodes.append((name, node[bone.parent], True, ends[bone.parent]))
        if name not in has_children:
            nodes.append((f"{name} tip", node[name], False, ends[name]))
    names, parents, real, points = zip(*nodes)
    return JointTree(names, parents, real), np.stack(points, 1)


def read_asf_amc(amc: str | Path, asf: str | Path, fps: float = AMC_FPS, scale: float | None = None,
                 up: str = "y") -> Motion:
    """An AMC motion and its ASF skeleton → Motion (joints [T, 22, 3], y-up, metres, 20 fps; source_fps = fps).
    fps: the capture rate (AMC files do not store one); scale: metres per ASF length unit (default: as the ASF's
    `:units length` declares, 0.0254 / length); up: the skeleton's up axis, as `transforms.to_y_up` takes it."""
    source = str(amc)
    skeleton = parse_asf(asf)
    values, angle = parse_amc(amc, skeleton)
    if not (np.isfinite(fps) and fps > 0):
        raise MotionError(f"{source}: fps={fps!r}; expected the capture rate in frames per second (CMU: 120)")
    check_duration(len(values["root"]), fps, source)
    tree, rest = forward_kinematics(skeleton, {name: np.zeros((1, v.shape[1])) for name, v in values.items()}, angle)
    mapping = map_skeleton(tree, to_y_up(rest[0], up), str(asf))
    canonical = to_y_up(to_canonical(forward_kinematics(skeleton, values, angle)[1], mapping), up)  # [T, 22, 3]
    if scale is None:
        scale = METRES_PER_INCH / skeleton.length
    elif not (np.isfinite(scale) and scale > 0):
        raise MotionError(f"{source}: scale={scale!r}; expected metres per ASF length unit > 0")
    return resample(Motion(check_joints(canonical * scale, source), fps, source_fps=fps), CANONICAL_FPS)


def find_skeleton(amc: str | Path, skeleton: str | Path | None = None) -> Path:
    """The ASF an AMC file moves: `skeleton` if given, else beside it: <stem>.asf, the subject's <prefix>.asf
    (CMU's 07.asf for 07_05.amc), or the folder's only .asf."""
    amc = Path(amc)
    if skeleton is not None:
        if not Path(skeleton).is_file():
            raise MotionError(f"{skeleton}: no such skeleton file (given for {amc})")
        return Path(skeleton)
    siblings = sorted(p for p in amc.parent.iterdir() if p.suffix.lower() == ".asf")
    subject = amc.stem.split("_")[0]
    for stem in (amc.stem, subject):
        match = [p for p in siblings if p.stem.lower() == stem.lower()]
        if match:
            return match[0]
    if len(siblings) == 1:
        return siblings[0]
    found = f"{len(siblings)} .asf files beside it ({[p.name for p in siblings]})" if siblings else "no .asf beside it"
    raise MotionError(f"{amc}: an AMC file needs its ASF skeleton; found {found}, none named {amc.stem}.asf or "
                      f"{subject}.asf; pass skeleton=<path to the .asf> (llamo: --skeleton)")
