"""Tests for the ASF/AMC reader on CMU-style files written here: a CMU subject's skeleton with random motion,
checked against a forward kinematics written here (CMU/AMCParser formulation); units, skeleton lookup, errors."""

import re

import numpy as np
import pytest

from llamo.cli import main
from llamo.errors import MotionError
from llamo.motion.formats.asf_amc import Skeleton, euler, forward_kinematics, parse_asf
from llamo.motion.io import load_motion
from llamo.motion.skeleton import JOINT_INDEX

METRES_PER_CMU_UNIT = 0.0254 / 0.45
AMC_RATE = 120  # 6 AMC frames per canonical frame
ROTATIONS = ("rx", "ry", "rz")
LEFT_LEG = [("lhipjoint", "root", (0.69, -0.65, 0.32), 0.145, (0, 0, 0), ()),
            ("lfemur", "lhipjoint", (0.34, -0.94, 0.0), 0.40, (0, 0, 20), ("rx", "ry", "rz")),
            ("ltibia", "lfemur", (0.34, -0.94, 0.0), 0.41, (0, 0, 20), ("rx",)),
            ("lfoot", "ltibia", (0.0, -0.2, 0.98), 0.105, (-90, 0, 20), ("rx", "rz")),
            ("ltoes", "lfoot", (0.0, 0.0, 1.0), 0.06, (-90, 0, 20), ("rx",))]
LEFT_ARM = [("lclavicle", "thorax", (0.91, 0.41, 0.0), 0.2, (0, 0, -20), ("ry", "rz")),
            ("lhumerus", "lclavicle", (1.0, 0.0, 0.0), 0.28, (0, 0, -90), ("rx", "ry", "rz")),
            ("lradius", "lhumerus", (1.0, 0.0, 0.0), 0.19, (0, 0, -90), ("rx",)),
            ("lwrist", "lradius", (1.0, 0.0, 0.0), 0.095, (0, 0, -90), ("ry",)),
            ("lhand", "lwrist", (1.0, 0.0, 0.0), 0.04, (0, 0, -90), ("rx", "rz")),
            ("lfingers", "lhand", (1.0, 0.0, 0.0), 0.03, (0, 0, -90), ("rx",)),
            ("lthumb", "lwrist", (0.71, 0.0, 0.71), 0.04, (-90, -45, 0), ("rx", "rz"))]
TRUNK = [("lowerback", "root", (0.0, 0.99, -0.1), 0.115, (0, 0, 0), ROTATIONS),
         ("upperback", "lowerback", (0.0, 1.0, 0.05), 0.116, (0, 0, 0), ROTATIONS),
         ("thorax", "upperback", (0.0, 1.0, 0.0), 0.115, (0, 0, 0), ROTATIONS),
         ("lowerneck", "thorax", (0.0, 0.95, -0.3), 0.09, (0, 0, 0), ROTATIONS),
         ("upperneck", "lowerneck", (0.0, 0.99, 0.1), 0.09, (0, 0, 0), ROTATIONS),
         ("head", "upperneck", (0.0, 1.0, 0.05), 0.09, (0, 0, 0), ROTATIONS)]


def mirrored(bones: list) -> list:
    """The right side of CMU's skeleton: r-names, x negated, the axis frame mirrored."""
    def right(name):
        return name if name in ("root", "thorax") else "r" + name[1:]
    return [(right(n), right(p), (-d[0], d[1], d[2]), length, (a[0], -a[1], -a[2]), dof)
            for n, p, d, length, a, dof in bones]


BONES = TRUNK + LEFT_LEG + mirrored(LEFT_LEG) + LEFT_ARM + mirrored(LEFT_ARM)  # (name, parent, direction, m, axis, dof)
# Canonical joint → bone whose start it is; spine joints lie on the path of bone starts root → lowerneck, and the
# collars (CMU's clavicles start at the neck base) midway between neck and shoulder.
EXPECTED = {"pelvis": "root", "neck": "lowerneck", "head": "head"} | {
    f"{s}_{joint}": f"{s}{bone}" for s in "lr" for joint, bone in (
        ("hip", "femur"), ("knee", "tibia"), ("ankle", "foot"), ("foot", "toes"), ("shoulder", "humerus"),
        ("elbow", "radius"), ("wrist", "wrist"))}
SPINE_PATH = ["root", "lowerback", "upperback", "thorax", "lowerneck"]


def asf_text(length: float = 0.45, angle: str = "deg", order: str = "TX TY TZ RX RY RZ") -> str:
    """BONES as a CMU ASF; lengths written in units of 1/length inch, axis angles in `angle` units."""
    unit = 0.0254 / length
    to_angle = np.deg2rad if angle == "rad" else np.asarray
    lines = ["# AST/ASF file generated here", ":version 1.10", ":name VICON", ":units", "  mass 1.0",
             f"  length {length}", f"  angle {angle}", ":documentation", "   a CMU-style test subject", ":root",
             f"   order {order}", "   axis XYZ", "   position 0 0 0", "   orientation 0 0 0", ":bonedata"]
    for i, (name, _, direction, metres, axis, dof) in enumerate(BONES, 1):
        direction = np.asarray(direction) / np.linalg.norm(direction)
        lines += ["  begin", f"     id {i}", f"     name {name}",
                  "     direction " + " ".join(f"{v:.9f}" for v in direction), f"     length {metres / unit:.9f}",
                  "     axis " + " ".join(f"{v:.9f}" for v in to_angle(axis)) + "  XYZ"]
        if dof:
            lines += ["    dof " + " ".join(dof), "    limits " + "\n           ".join("(-180.0 180.0)" for _ in dof)]
        lines.append("  end")
    children: dict[str, list[str]] = {}
    for name, parent, *_ in BONES:
        children.setdefault(parent, []).append(name)
    lines += [":hierarchy", "  begin"] + [f"    {p} {' '.join(c)}" for p, c in children.items()] + ["  end"]
    return "\n".join(lines) + "\n"


def random_motion(frames: int, seed: int = 0) -> dict[str, np.ndarray]:
    """AMC values in degrees and metres: root [T, 6] (TX TY TZ RX RY RZ), each bone [T, dof]."""
    rng = np.random.default_rng(seed)
    root = np.concatenate([[0.0, 0.95, 0.0] + rng.normal(0.0, 0.05, (frames, 3)),
                           rng.uniform(-30.0, 30.0, (frames, 3))], 1)
    return {"root": root} | {name: rng.uniform(-40.0, 40.0, (frames, len(dof))) for name, *_, dof in BONES if dof}


def amc_text(values: dict, length: float = 0.45, angle: str = "deg", order: str = "TX TY TZ RX RY RZ") -> str:
    """Values as an AMC file: root columns in `order`, lengths in 1/length inch, angles in `angle` units."""
    unit = 0.0254 / length
    root = values["root"]
    columns = {c: root[:, i] / unit if c[0] == "T" else root[:, i] for i, c in enumerate("TX TY TZ RX RY RZ".split())}
    root = np.stack([columns[c] for c in order.split()], 1)
    if angle == "rad":
        root = np.where([c[0] == "R" for c in order.split()], np.deg2rad(root), root)
    bones = {n: np.deg2rad(v) if angle == "rad" else v for n, v in values.items() if n != "root"}
    lines = ["#!OML:ASF 07.asf", ":FULLY-SPECIFIED", ":DEGREES" if angle == "deg" else ":RADIANS"]
    for t in range(len(root)):
        lines += [str(t + 1), "root " + " ".join(f"{v:.9f}" for v in root[t])]
        lines += [f"{n} " + " ".join(f"{v:.9f}" for v in v_[t]) for n, v_ in bones.items()]
    return "\n".join(lines) + "\n"


def rotation(axis: str, degrees: np.ndarray) -> np.ndarray:
    """Hand-written right-handed rotations [T, 3, 3] about x, y or z."""
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    o, i = np.zeros_like(c), np.ones_like(c)
    rows = {"x": [[i, o, o], [o, c, -s], [o, s, c]], "y": [[c, o, s], [o, i, o], [-s, o, c]],
            "z": [[c, -s, o], [s, c, o], [o, o, i]]}[axis]
    return np.stack([np.stack(row, -1) for row in rows], -2)


def xyz(degrees: np.ndarray) -> np.ndarray:
    """Turn about x, then y, then z (fixed axes), as ASF's `XYZ`: Rz · Ry · Rx for angles [T, 3]."""
    return rotation("z", degrees[:, 2]) @ rotation("y", degrees[:, 1]) @ rotation("x", degrees[:, 0])


def expected_joints(values: dict) -> np.ndarray:
    """Canonical joints [T, 22, 3] in metres by CMU's forward kinematics: R = R_parent · C · M · C⁻¹."""
    root = values["root"]
    rotations, starts, ends = {"root": xyz(root[:, 3:])}, {"root": root[:, :3]}, {"root": root[:, :3]}
    for name, parent, direction, metres, axis, dof in BONES:
        c = xyz(np.array([axis], float))[0]
        angles = np.zeros((len(root), 3))
        for k, d in enumerate(dof):
            angles[:, "xyz".index(d[1])] = values[name][:, k]
        rotations[name] = rotations[parent] @ c @ xyz(angles) @ c.T
        starts[name] = ends[parent]
        ends[name] = starts[name] + metres * rotations[name] @ (np.asarray(direction) / np.linalg.norm(direction))
    out = np.zeros((len(root), 22, 3))
    for joint, bone in EXPECTED.items():
        out[:, JOINT_INDEX[joint]] = starts[bone]
    points = np.stack([starts[b] for b in SPINE_PATH], 1)  # [T, 5, 3]
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points[0], axis=0), axis=-1))])
    for fraction, joint in zip((0.25, 0.5, 0.75), ("spine1", "spine2", "spine3")):
        out[:, JOINT_INDEX[joint]] = [[np.interp(fraction * arc[-1], arc, p[:, a]) for a in range(3)] for p in points]
    for s in "lr":
        out[:, JOINT_INDEX[f"{s}_collar"]] = 0.5 * (starts["lowerneck"] + starts[f"{s}humerus"])
    return out


def write_clip(folder, frames: int = 25, asf: str = "07.asf", amc: str = "07_05.amc", **units) -> tuple:
    """A CMU-style subject skeleton and clip in `folder` → (amc path, values)."""
    values = random_motion(frames)
    (folder / asf).write_text(asf_text(**units))
    (folder / amc).write_text(amc_text(values, **units))
    return folder / amc, values


@pytest.mark.parametrize("units", [{}, {"length": 1.0, "angle": "rad", "order": "RX RY RZ TX TY TZ"}],
                         ids=["cmu", "inches-radians-reordered-root"])
def test_clip_matches_forward_kinematics(tmp_path, units):
    amc, values = write_clip(tmp_path, **units)
    motion = load_motion(amc)  # finds the subject's 07.asf
    error = np.linalg.norm(motion.joints - expected_joints(values)[::AMC_RATE // 20], axis=-1)  # [T, 22]
    assert error.max() <= 1e-3, f"max joint error {error.max() * 1000:.3f} mm"
    assert motion.fps == 20 and motion.source_fps == AMC_RATE and motion.num_frames == 5


def test_cmu_axes_are_canonical(tmp_path):
    """CMU's skeleton is y-up and faces +z with its left side at +x, as the canonical one does."""
    amc, values = write_clip(tmp_path, frames=13)
    amc.write_text(amc_text({name: np.zeros_like(v) for name, v in values.items()}))  # the rest pose
    joints = load_motion(amc, fps=60).joints[0]
    assert joints[JOINT_INDEX["head"], 1] - joints[JOINT_INDEX["l_foot"], 1] > 1.3
    assert joints[JOINT_INDEX["l_hip"], 0] > 0 > joints[JOINT_INDEX["r_hip"], 0]
    assert joints[JOINT_INDEX["l_foot"], 2] > joints[JOINT_INDEX["l_ankle"], 2]
    assert load_motion(amc, fps=60).source_fps == 60


def test_euler_and_bone_frame_by_hand():
    angles = np.array([[10.0, 20.0, 30.0]])
    np.testing.assert_allclose(euler("XYZ", np.deg2rad(angles)), xyz(angles), atol=1e-12)
    np.testing.assert_allclose(euler("ZYX", np.deg2rad(angles))[0], (rotation("x", angles[:, 0]) @ rotation(
        "y", angles[:, 1]) @ rotation("z", angles[:, 2]))[0], atol=1e-12)
    # A bone along +x whose frame C turns 90° about z: its rx of 90° turns about global y, sending it to -z.
    skeleton = Skeleton()
    skeleton.bones = {"b": parse_bone("b", (1, 0, 0), 1.0, (0, 0, 90), ("rx",))}
    tree, positions = forward_kinematics(skeleton, {"root": np.zeros((1, 6)), "b": np.array([[90.0]])}, "deg")
    assert tree.names == ("root", "b", "b tip") and tree.real == (True, True, False)
    np.testing.assert_allclose(positions[0], [[0, 0, 0], [0, 0, 0], [0, 0, -1]], atol=1e-12)


def parse_bone(name, direction, length, axis, dof):
    from llamo.motion.formats.asf_amc import Bone

    return Bone(name, np.array(direction, float), length, np.array(axis, float), "XYZ", dof, [], "root")


@pytest.mark.parametrize(("names", "amc", "skeleton"), [
    (["walk.asf", "07.asf"], "walk.amc", "walk.asf"),  # same stem first
    (["07.asf", "08.asf"], "07_05.amc", "07.asf"),  # then the CMU subject
    (["subject.asf"], "clip.amc", "subject.asf"),  # then the folder's only one
])
def test_skeleton_lookup(tmp_path, names, amc, skeleton):
    for name in names:
        (tmp_path / name).write_text("not read")
    (tmp_path / skeleton).write_text(asf_text())
    (tmp_path / amc).write_text(amc_text(random_motion(13)))
    assert load_motion(tmp_path / amc).source_fps == AMC_RATE


def test_explicit_skeleton_and_cli(tmp_path):
    (tmp_path / "skeletons").mkdir()
    (tmp_path / "skeletons" / "subject.asf").write_text(asf_text())
    (tmp_path / "clip.amc").write_text(amc_text(random_motion(13)))
    out = tmp_path / "clip.npy"
    assert main(["data", "convert", str(tmp_path / "clip.amc"), "--out", str(out), "--skeleton",
                 str(tmp_path / "skeletons" / "subject.asf")]) == 0
    assert np.load(out).shape == (3, 22, 3)
    (tmp_path / "07.asf").write_text(asf_text())
    assert main(["data", "convert", str(tmp_path / "clip.amc"), "--out", str(out)]) == 0  # the folder's only .asf


def first_line(text: str, start: str) -> int:
    """1-based number of the first line of `text` starting (after indentation) with `start`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(start))


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("angle deg", "angle grad"), r"line 7: units angle 'grad'; accepted: deg, rad"),
    (lambda t: t.replace("length 0.45", "length -1"), r"line 6: units length -1; expected a number > 0"),
    (lambda t: t.replace("mass 1.0", "mass heavy"), r"line 5: units mass holds a non-number"),
    (lambda t: t.replace("mass 1.0", "volume 1.0"), r"unknown unit 'volume'; accepted: mass, length, angle"),
    (lambda t: t.replace("order TX TY TZ RX RY RZ", "order TX TY RX RY RZ"), r"root order .*expected the six"),
    (lambda t: t.replace("   axis XYZ", "   axis XYY"), r"root axis order 'XYY'; expected a permutation of XYZ"),
    (lambda t: t.replace("   orientation 0 0 0", "   tilt 0"), r"unknown root field 'tilt'"),
    (lambda t: t.replace("dof rx ry rz", "dof rx ry tz", 1), r"bone lowerback dof \['rx', 'ry', 'tz'\]; accepted"),
    (lambda t: t.replace("limits (-180.0 180.0)\n", "limits (-180.0)\n", 1), r"limits .*expected \(min max\) pairs"),
    (lambda t: t.replace("\n           (-180.0 180.0)", "", 1), r"bone lowerback has 3 dof and 2 limits"),
    (lambda t: t.replace("     id 1\n", "     colour red\n"), r"unknown field 'colour'"),
    (lambda t: t.replace("direction 0.000000000 0.994937189", "direction 0.0 x", 1), r"direction holds a non-number"),
    (lambda t: t.replace("direction 0.000000000 0.994937189", "direction", 1), r"lowerback direction needs 3 number"),
    (lambda t: t.replace("lhipjoint lfemur", "lhipjoint lfemr"), r"hierarchy names \['lfemr'\]"),
    (lambda t: t.replace("    lhipjoint lfemur\n", ""), r"bones \['lfemur', .*\] are not reached from root"),
    (lambda t: t[:t.index(":hierarchy")], r"no ':bonedata' and ':hierarchy' sections"),
    (lambda t: "stray words\n" + t, r"line 1: 'stray words' stands before any ':keyword' section"),
    (lambda t: t.replace("name rhipjoint", "name lhipjoint"), r"line \d+: a bone without a name, or a second "
                                                              r"'lhipjoint'"),
    (lambda t: t.replace("direction 0.000000000 0.994937189 -0.100498706", "direction 0 0 0"),
     r"bone lowerback needs a length >= 0 and a non-zero direction"),
    (lambda t: t.replace("  end\n  begin\n", "  end\n  length 3\n  begin\n", 1), r"'length 3' outside a begin"),
], ids=["angle", "length", "mass", "unit", "root-order", "root-axis", "root-field", "dof", "limits-form",
        "limits-count", "bone-field", "direction", "direction-count", "hierarchy-name", "orphan", "no-hierarchy",
        "before-sections", "second-bone", "no-direction", "outside-block"])
def test_bad_asf(tmp_path, edit, message):
    text = edit(asf_text())
    (tmp_path / "07.asf").write_text(text)
    with pytest.raises(MotionError, match=message) as error:
        parse_asf(tmp_path / "07.asf")
    assert str(tmp_path / "07.asf") in str(error.value)


@pytest.mark.parametrize(("edit", "start", "message"), [
    (lambda t: re.sub(r"\nlfemur \S+", "\nlfemur abc", t, count=1), "lfemur", r"line {n}: non-numeric value"),
    (lambda t: t.replace("\nlfemur ", "\nlfemr ", 1), "lfemr", r"line {n}: unknown bone 'lfemr'"),
    (lambda t: t.replace("\nltibia ", "\nltibia 1.0 ", 1), "ltibia", r"line {n}: ltibia has 2 values; the ASF "
                                                                     r"declares 1"),
    (lambda t: t.replace("\n2\n", "\n3\n", 1), "3", r"line {n}: frame 3 follows frame 1"),
    (lambda t: t.replace(":DEGREES\n", ":DEGREES\nroot 0 0 0 0 0 0\n"), "root", r"line {n}: .* before the first frame"),
    (lambda t: t.replace("\nhead ", "\nthorax 0 0 0\nhead ", 1), "thorax 0 0 0",
     r"line {n}: thorax has 3 values \(a second time in this frame\)"),
], ids=["non-numeric", "unknown-bone", "value-count", "frame-gap", "before-frames", "twice"])
def test_corrupt_amc_names_file_and_line(tmp_path, edit, start, message):
    amc, _ = write_clip(tmp_path, frames=13)
    text = edit(amc.read_text())
    amc.write_text(text)
    with pytest.raises(MotionError, match=message.format(n=first_line(text, start))) as error:
        load_motion(amc)
    assert str(error.value).startswith(str(amc))


@pytest.mark.parametrize(("frames", "edit", "message"), [
    (13, lambda t: t.replace("\nhead ", "\n# head ", 1), r"frame 1 has no values for \['head'\]"),
    (1, lambda t: t, r"1 frame\(s\); a motion needs at least 2"),
    (3, lambda t: t, r"the clip lasts 0.0167 s"),
], ids=["missing-bone", "one-frame", "too-short"])
def test_incomplete_amc(tmp_path, frames, edit, message):
    amc, _ = write_clip(tmp_path, frames=frames)
    amc.write_text(edit(amc.read_text()))
    with pytest.raises(MotionError, match=message):
        load_motion(amc)


def test_amc_without_its_asf(tmp_path):
    (tmp_path / "07_05.amc").write_text(amc_text(random_motion(13)))
    with pytest.raises(MotionError, match=r"07_05.amc: an AMC file needs its ASF skeleton; found no .asf beside it, "
                                          r"none named 07_05.asf or 07.asf; pass skeleton="):
        load_motion(tmp_path / "07_05.amc")
    for name in ("08.asf", "09.asf"):
        (tmp_path / name).write_text(asf_text())
    with pytest.raises(MotionError, match=r"found 2 .asf files beside it \(\['08.asf', '09.asf'\]\)"):
        load_motion(tmp_path / "07_05.amc")
    with pytest.raises(MotionError, match=r"no such skeleton file \(given for .*07_05.amc\)"):
        load_motion(tmp_path / "07_05.amc", skeleton=tmp_path / "07.asf")


def test_misused_arguments(tmp_path):
    amc, _ = write_clip(tmp_path, frames=13)
    with pytest.raises(MotionError, match="an ASF file holds a skeleton, no motion"):
        load_motion(tmp_path / "07.asf")
    np.save(tmp_path / "joints.npy", np.zeros((4, 22, 3)))
    with pytest.raises(MotionError, match=r"skeleton= names the ASF of an .amc motion; a '.npy' file needs none"):
        load_motion(tmp_path / "joints.npy", skeleton=tmp_path / "07.asf")
    with pytest.raises(MotionError, match=r"fps=-1; expected the capture rate"):
        load_motion(amc, fps=-1)
    from llamo.motion.formats.asf_amc import read_asf_amc

    with pytest.raises(MotionError, match=r"scale=0; expected metres per ASF length unit"):
        read_asf_amc(amc, tmp_path / "07.asf", scale=0)
    with pytest.raises(MotionError, match="cannot read the ASF file"):
        read_asf_amc(amc, tmp_path)  # a folder
    (tmp_path / "07.asf").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(MotionError, match="not UTF-8 text"):
        load_motion(amc)
